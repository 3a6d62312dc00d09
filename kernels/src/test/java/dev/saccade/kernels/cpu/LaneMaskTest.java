package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
