package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.tensor.ops.ConvActivation;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorActivationTest {
    private static final int L = Simd.F.length();

    /** The values where max and min have rules of their own, then random ones around 0 and 6. */
    private static float[] values() {
        float[] special = {Float.NaN, Float.intBitsToFloat(0xFFC00001), -0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 6f, Math.nextUp(6f), Math.nextDown(6f), -6f,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1e-40f, -1e-40f, 3f, -3f};
        float[] v = new float[(special.length / L + 65) * L];
        System.arraycopy(special, 0, v, 0, special.length);
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = special.length; i < v.length; i++) v[i] = (float) rng.nextDouble(-10, 10);
        return v;
    }

    @Test
    void reluAndRelu6GiveWhatMaxAndMinGiveBitForBit() {
        float[] v = values();
        for (int i = 0; i < v.length; i += L) {
            FloatVector x = FloatVector.fromArray(Simd.F, v, i);
            assertSameFloats(x.max(0f), VectorActivation.relu(x), "relu", i);
            assertSameFloats(x.max(0f).min(6f), VectorActivation.relu6(x), "relu6", i);
            assertSameFloats(x, VectorActivation.apply(x, ConvActivation.NONE), "none", i);
            FloatVector minusInf = FloatVector.broadcast(Simd.F, Float.NEGATIVE_INFINITY);
            FloatVector plusInf = FloatVector.broadcast(Simd.F, Float.POSITIVE_INFINITY);
            FloatVector zero = FloatVector.zero(Simd.F), six = FloatVector.broadcast(Simd.F, 6f);
            assertSameFloats(x.max(minusInf).min(plusInf), VectorActivation.clamp(x, minusInf, plusInf), "clamp ±∞", i);
            assertSameFloats(x.max(0f).min(plusInf), VectorActivation.clamp(x, zero, plusInf), "clamp [0, ∞]", i);
            assertSameFloats(x.max(0f).min(6f), VectorActivation.clamp(x, zero, six), "clamp [0, 6]", i);
            assertSameFloats(x.max(0f), VectorActivation.apply(x, ConvActivation.RELU), "apply relu", i);
            assertSameFloats(x.max(0f).min(6f), VectorActivation.apply(x, ConvActivation.RELU6), "apply relu6", i);
        }
    }

    /** Against the scalar activation on every value but NaN (which the vector kernels keep, as torch.relu does). */
    @Test
    void reluAndRelu6MatchTheScalarActivation() {
        float[] v = values();
        for (int i = 0; i < v.length; i += L) {
            float[] relu = VectorActivation.relu(FloatVector.fromArray(Simd.F, v, i)).toArray();
            float[] relu6 = VectorActivation.relu6(FloatVector.fromArray(Simd.F, v, i)).toArray();
            for (int l = 0; l < L; l++) {
                if (Float.isNaN(v[i + l])) continue;
                assertEquals(Float.floatToIntBits(ConvActivation.RELU.apply(v[i + l])), Float.floatToIntBits(relu[l]), "relu(" + v[i + l] + ")");
                assertEquals(Float.floatToIntBits(ConvActivation.RELU6.apply(v[i + l])), Float.floatToIntBits(relu6[l]), "relu6(" + v[i + l] + ")");
            }
        }
    }

    /** The same floats lane by lane; NaN equal to any NaN ({@code floatToIntBits}), +0 and −0 told apart. */
    private static void assertSameFloats(FloatVector expected, FloatVector actual, String what, int at) {
        float[] e = expected.toArray(), a = actual.toArray();
        for (int l = 0; l < L; l++) {
            assertEquals(Float.floatToIntBits(e[l]), Float.floatToIntBits(a[l]), what + " of value " + (at + l));
        }
    }
}
