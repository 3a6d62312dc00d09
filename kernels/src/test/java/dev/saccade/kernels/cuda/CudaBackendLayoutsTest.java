package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** GPU-free checks of the CUDA backend's argument packing: the PoolWindow struct and view collapsing. */
class CudaBackendLayoutsTest {
    @Test
    void poolWindowPadsToThreeAxesAndWritesTheCLayout() {
        PoolWindow w = PoolWindow.of(new int[] {13, 11}, new int[] {7, 6}, new int[] {3, 2}, new int[] {2, 2}, new int[] {1, 0});
        assertArrayEquals(new long[] {1, 13, 11}, w.in());
        assertArrayEquals(new long[] {0, 1, 0}, w.pad());
        assertArrayEquals(new long[] {1, 3, 2}, w.kernel());
        assertEquals(143, w.inPlane());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(PoolWindow.BYTES, 8);
            w.writeTo(s);
            long[] all = s.toArray(JAVA_LONG);
            assertArrayEquals(new long[] {1, 13, 11, 1, 7, 6, 1, 3, 2, 1, 2, 2, 0, 1, 0}, all);
        }
        assertThrows(IllegalArgumentException.class, () -> PoolWindow.of(new int[] {1, 2, 3, 4}, new int[4], new int[4], new int[4], new int[4]));
    }

    @Test
    void collapseKeepsRowMajorOrderAcrossSeveralStrideSets() {
        long[] shape = {2, 1, 3, 4};
        long[] contiguous = {12, 12, 4, 1}, broadcast = {0, 0, 1, 0};
        long[][] c = CudaTensors.collapse(shape, contiguous, broadcast);
        // the size-1 axis drops; (3, 4) stays split because the broadcast operand is not contiguous across it
        assertArrayEquals(new long[] {2, 3, 4}, c[0]);
        assertArrayEquals(new long[] {12, 4, 1}, c[1]);
        assertArrayEquals(new long[] {0, 1, 0}, c[2]);
        long[][] flat = CudaTensors.collapse(shape, contiguous);
        assertArrayEquals(new long[] {24}, flat[0]);
        assertArrayEquals(new long[] {1}, flat[1]);
        StridedLayout original = StridedLayout.of(shape, contiguous), merged = StridedLayout.of(flat[0], flat[1]);
        for (long i = 0; i < 24; i++) assertEquals(original.offsetOf(i), merged.offsetOf(i));
        long[] seven = {2, 2, 2, 2, 2, 2, 2}, jumpy = {1000000, 100000, 10000, 1000, 100, 10, 3};
        assertThrows(IllegalArgumentException.class, () -> CudaTensors.collapse(seven, jumpy));
    }
}
