package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The vector e^x and sigmoid against {@code Math.exp} in double: within 2 ulp of float (e^x) and 4 ulp (the sigmoid,
 * a division more) over the whole clamped range, the one-value form bit for bit equal to the vector lanes, the clamped ends finite, NaN kept.
 */
class VectorExpTest {
    private static final int L = Simd.F.length();

    private static float[] lanes(FloatVector v) { return v.toArray(); }

    private static float[] vectorExp(float[] x, boolean sigmoid) {
        float[] out = new float[x.length];
        for (int i = 0; i + L <= x.length; i += L) {
            FloatVector v = FloatVector.fromArray(Simd.F, x, i);
            System.arraycopy(lanes(sigmoid ? VectorExp.sigmoid(v) : VectorExp.exp(v)), 0, out, i, L);
        }
        return out;
    }

    private static float[] sweep() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = new float[L * 40_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 4) {
                case 0 -> (float) (rng.nextDouble() * 175.6 - 87.3);      // the whole range
                case 1 -> (float) (rng.nextDouble() * 2 - 1);             // near 0, where sigmoids live
                case 2 -> (float) (rng.nextDouble() * 0.7 - 0.35);        // one reduction interval
                default -> (float) (rng.nextDouble() * 20 - 10);
            };
        }
        return x;
    }

    @Test void expIsWithinTwoUlp() {
        float[] x = sweep(), y = vectorExp(x, false);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double ref = Math.exp(x[i]), ulps = Math.abs(y[i] - ref) / Math.ulp((float) ref);
            worst = Math.max(worst, ulps);
            assertEquals(Float.floatToIntBits(y[i]), Float.floatToIntBits(VectorExp.exp(x[i])), "lane and one-value form differ at x=" + x[i]);
        }
        System.out.printf("VectorExp.exp worst error %.2f ulp over %d values%n", worst, x.length);
        assertTrue(worst <= 2, "worst " + worst + " ulp");
    }

    @Test void sigmoidIsWithinFourUlp() {
        float[] x = sweep(), y = vectorExp(x, true);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double ref = 1 / (1 + Math.exp(-(double) x[i]));
            double ulps = Math.abs(y[i] - ref) / Math.ulp((float) ref);
            worst = Math.max(worst, ulps);
            assertEquals(Float.floatToIntBits(y[i]), Float.floatToIntBits(VectorExp.sigmoid(x[i])), "lane and one-value form differ at z=" + x[i]);
        }
        System.out.printf("VectorExp.sigmoid worst error %.2f ulp over %d values%n", worst, x.length);
        assertTrue(worst <= 4, "worst " + worst + " ulp");
    }

    @Test void endsAreClampedAndNaNStays() {
        float[] probes = {-1000f, 1000f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -87.3f, 88.3f, 0f,
                -87.7f, 88.7f};                                           // just past the clamps, inside e^x's range
        float[] x = new float[(probes.length + L - 1) / L * L];
        for (int i = 0; i < x.length; i++) x[i] = probes[i % probes.length];
        float[] e = vectorExp(x, false), s = vectorExp(x, true);
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(x[i])) { assertTrue(Float.isNaN(e[i]) && Float.isNaN(s[i]), "NaN in, NaN out"); continue; }
            assertTrue(Float.isFinite(e[i]) && e[i] > 0, "exp(" + x[i] + ") = " + e[i]);
            assertEquals(Float.floatToIntBits(VectorExp.exp(x[i])), Float.floatToIntBits(e[i]), "lane and one-value form at " + x[i]);
            assertTrue(s[i] >= 0 && s[i] <= 1, "sigmoid(" + x[i] + ") = " + s[i]);
        }
        assertEquals(1f, VectorExp.sigmoid(1000f));
        assertEquals(0f, VectorExp.sigmoid(-1000f), 1e-37f);
        assertEquals(1f, VectorExp.exp(0f));
    }
}
