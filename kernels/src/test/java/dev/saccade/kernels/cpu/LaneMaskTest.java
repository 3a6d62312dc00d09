package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.junit.jupiter.api.Test;

/** {@link LaneMask} against {@code VectorMask.fromLong}, lane by lane, for every bit set of a vector. */
class LaneMaskTest {
    private static final int L = Simd.F.length();

    @Test
    void everyBitSetGivesFromLongsLanes() {
        for (long bits = 0; bits < 1L << L; bits++) {
            VectorMask<Float> want = VectorMask.fromLong(Simd.F, bits);
            assertEquals(want.toLong(), LaneMask.of(bits).toLong(), "of(" + Long.toBinaryString(bits) + ")");
            assertEquals(want.toLong(), LaneMask.computed(bits).toLong(), "computed(" + Long.toBinaryString(bits) + ")");
        }
    }

    @Test
    void bitsAtOrAboveTheLaneCountAreIgnored() {
        long high = -1L << L;
        assertEquals(0b101L, LaneMask.of(high | 0b101).toLong());
        assertEquals(0b101L, LaneMask.computed(high | 0b101).toLong());
    }

    @Test
    void aMaskedLoadReadsOnlyTheLanesOn() {
        float[] x = new float[L];
        for (int i = 0; i < L; i++) x[i] = i + 1;
        long bits = 0b1001L;
        float[] got = FloatVector.fromArray(Simd.F, x, 0, LaneMask.of(bits)).toArray();
        for (int i = 0; i < L; i++) assertEquals((bits >>> i & 1) == 1 ? i + 1f : 0f, got[i], "lane " + i);
    }

    /**
     * Lanes on read {@code a[offset + l]}, the others 0, even where a holds NaN; for every bit set of 8 lanes (a stride
     * through them with 16, {@link #bitStep}), on both paths.
     */
    @Test
    void loadsReadTheLanesOnAndZeroTheOthers() {
        float[] a = new float[3 * L];
        for (int i = 0; i < a.length; i++) a[i] = i % 3 == 0 ? Float.NaN : i + 1;
        for (int offset : new int[] {0, 1, L - 1, 2 * L}) {                  // 2L: the vector ends at the array's end
            for (long bits = 0; bits < 1L << L; bits += bitStep()) {
                float[] viaLoad = LaneMask.load(a, offset, bits).toArray(), blended = LaneMask.loadBlended(a, offset, bits).toArray();
                for (int l = 0; l < L; l++) {
                    float want = (bits >>> l & 1) == 1 ? a[offset + l] : 0f;
                    String at = "offset " + offset + ", bits " + Long.toBinaryString(bits) + ", lane " + l;
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(viaLoad[l]), "load: " + at);
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(blended[l]), "loadBlended: " + at);
                }
            }
        }
    }

    @Test
    void aLoadWhoseVectorLeavesTheArrayIsAnError() {
        float[] a = new float[2 * L];
        assertThrows(IndexOutOfBoundsException.class, () -> LaneMask.loadBlended(a, L + 1, 1L));
        assertThrows(IndexOutOfBoundsException.class, () -> LaneMask.loadBlended(a, -1, 2L));
        assertThrows(IndexOutOfBoundsException.class, () -> LaneMask.blendIntoPlain(FloatVector.zero(Simd.F), a, L + 1, 1L));
    }

    /** Lanes on take v's value, the others keep a's; for the bit sets of {@link #bitStep}, on both paths. */
    @Test
    void blendIntoWritesOnlyTheLanesOn() {
        float[] v = new float[L];
        for (int l = 0; l < L; l++) v[l] = -(l + 1);
        FloatVector vv = FloatVector.fromArray(Simd.F, v, 0);
        for (int offset : new int[] {0, 3, L}) {
            for (long bits = 0; bits < 1L << L; bits += bitStep()) {
                float[] a = before(), b = before();
                LaneMask.blendInto(vv, a, offset, bits);
                LaneMask.blendIntoPlain(vv, b, offset, bits);
                for (int i = 0; i < a.length; i++) {
                    int l = i - offset;
                    float want = l >= 0 && l < L && (bits >>> l & 1) == 1 ? v[l] : i + 0.5f;
                    String at = "offset " + offset + ", bits " + Long.toBinaryString(bits) + ", element " + i;
                    assertEquals(want, a[i], "blendInto: " + at);
                    assertEquals(want, b[i], "blendIntoPlain: " + at);
                }
            }
        }
    }

    private static float[] before() {
        float[] a = new float[3 * L];
        for (int i = 0; i < a.length; i++) a[i] = i + 0.5f;
        return a;
    }

    /** Every bit set up to 8 lanes; with more, a stride through them that still hits the first and last. */
    private static long bitStep() { return L <= 8 ? 1 : 257; }
}
