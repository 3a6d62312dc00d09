package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Host-side kernel argument structs: byte layout (common.cuh), collapsing, broadcasting. */
class LayoutsTest {

    @Test
    void stridedLayoutBytesMatchTheCStruct() {
        StridedLayout l = StridedLayout.of(new long[] {2, 3, 4}, new long[] {12, 1, 3});
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(StridedLayout.BYTES);
            l.writeTo(s);
            assertEquals(104, StridedLayout.BYTES);
            assertEquals(3, s.get(JAVA_INT, 0));
            assertEquals(1, s.get(JAVA_INT, 4), "index32: 24 elements, offsets up to 23");
            assertEquals(2, s.get(JAVA_LONG, 8));
            assertEquals(4, s.get(JAVA_LONG, 24));
            assertEquals(12, s.get(JAVA_LONG, 56));   // stride[0] at 8 + 6·8
            assertEquals(3, s.get(JAVA_LONG, 72));    // stride[2]
        }
    }

    @Test
    void index32FlagFollowsTheElementCountAndTheLargestOffset() {
        StridedLayout small = StridedLayout.of(new long[] {2, 3, 4}, new long[] {12, 1, 3});
        assertEquals(1 * 12 + 2 * 1 + 3 * 3, small.maxOffset());
        assertTrue(small.fitsInt32());
        // 2^31 elements: too many for 32-bit indices
        assertEquals(false, StridedLayout.contiguous(1L << 16, 1L << 15).fitsInt32());
        // few elements but a stride that reaches past 2^31 (a view of a huge buffer)
        StridedLayout far = StridedLayout.of(new long[] {2, 3}, new long[] {1L << 31, 1});
        assertEquals(false, far.fitsInt32());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(StridedLayout.BYTES);
            far.writeTo(s);
            assertEquals(0, s.get(JAVA_INT, 4));
        }
        assertTrue(StridedLayout.fitsInt32(Integer.MAX_VALUE, Integer.MAX_VALUE));
        BroadcastLayout b = new BroadcastLayout(new long[] {4, 5}, new long[] {5, 1}, new long[] {0, 1L << 31});
        assertEquals(false, b.fitsInt32(), "b's offsets reach 4·2^31");
        assertTrue(new BroadcastLayout(new long[] {4, 5}, new long[] {5, 1}, new long[] {0, 1}).fitsInt32());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(BroadcastLayout.BYTES);
            b.writeTo(s);
            assertEquals(0, s.get(JAVA_INT, 4));
        }
    }

    @Test
    void collapsingKeepsEveryOffset() {
        long[][][] cases = {
            {{2, 3, 4}, {12, 4, 1}},          // contiguous → 1-d
            {{2, 3, 4}, {12, 1, 3}},          // last two transposed
            {{4, 1, 5, 6}, {30, 99, 6, 1}},   // size-1 dim with junk stride
            {{3, 4}, {0, 1}},                 // expanded rows
            {{2, 3, 2}, {6, 2, 1}},
        };
        for (long[][] c : cases) {
            StridedLayout l = StridedLayout.of(c[0], c[1]), k = l.collapsed();
            assertEquals(l.numel(), k.numel());
            for (long i = 0; i < l.numel(); i++) assertEquals(l.offsetOf(i), k.offsetOf(i), l + " vs " + k + " at " + i);
        }
        assertArrayEquals(new long[] {24}, StridedLayout.contiguous(2, 3, 4).collapsed().shape());
        assertArrayEquals(new long[] {1}, StridedLayout.contiguous(2, 3, 4).collapsed().strides());
    }

    @Test
    void badLayoutsAreRejectedWithTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StridedLayout.contiguous(1, 2, 3, 4, 5, 6, 7));
        assertTrue(e.getMessage().contains("[1, 2, 3, 4, 5, 6, 7]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StridedLayout.of(new long[] {2, 0}, new long[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> StridedLayout.of(new long[] {2}, new long[] {1, 1}));
    }

    @Test
    void broadcastFollowsNumpyRules() {
        // a (2, 3, 4) contiguous, b (3, 1) contiguous
        BroadcastLayout l = BroadcastLayout.of(new long[] {2, 3, 4}, new long[] {12, 4, 1}, new long[] {3, 1}, new long[] {1, 1});
        assertArrayEquals(new long[] {2, 3, 4}, l.shape());
        assertArrayEquals(new long[] {0, 1, 0}, l.stridesB());
        BroadcastLayout k = l.collapsed();
        for (long i = 0; i < l.numel(); i++) {
            assertArrayEquals(l.offsetsOf(i), k.offsetsOf(i), "offsets at " + i);
            assertEquals((i / 4) % 3, l.offsetsOf(i)[1], "b offset at " + i);
        }
        BroadcastLayout same = BroadcastLayout.of(new long[] {5, 6}, new long[] {6, 1}, new long[] {5, 6}, new long[] {6, 1}).collapsed();
        assertArrayEquals(new long[] {30}, same.shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                BroadcastLayout.of(new long[] {2, 3}, new long[] {3, 1}, new long[] {4}, new long[] {1}));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(BroadcastLayout.BYTES);
            l.writeTo(s);
            assertEquals(152, BroadcastLayout.BYTES);
            assertEquals(1, s.get(JAVA_LONG, 8 + 8 * 12 + 8));   // strideB[1]
        }
    }

    @Test
    void kernelArgumentsArePackedByValue() {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(42L, CudaModules.argument(arena, "k", 0, 42L).get(JAVA_LONG, 0));
            assertEquals(7, CudaModules.argument(arena, "k", 1, 7).get(JAVA_INT, 0));
            assertEquals(1.5f, CudaModules.argument(arena, "k", 2, 1.5f).get(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0));
            DeviceBuffer fake = new DeviceBuffer(0x7000_0000L, 64, p -> {});
            assertEquals(0x7000_0000L, CudaModules.argument(arena, "k", 3, fake).get(JAVA_LONG, 0));
            MemorySegment st = CudaModules.argument(arena, "k", 4, StridedLayout.contiguous(5));
            assertEquals(StridedLayout.BYTES, st.byteSize());
            assertEquals(5, st.get(JAVA_LONG, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CudaModules.argument(arena, "relu_f32", 2, "x"));
            assertTrue(e.getMessage().contains("relu_f32") && e.getMessage().contains("argument 2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CudaModules.argument(arena, "k", 0, null));
        }
    }

    @Test
    void unknownKernelIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaModules.function("nope_f32"));
        assertTrue(e.getMessage().contains("nope_f32"), e.getMessage());
    }

    @Test
    void launchConfigsAreValid() {
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.of(1, 2048));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.of(0, 32));
        assertEquals(32, LaunchConfig.rowPerBlock(10, 49).blockX());
        assertEquals(1024, LaunchConfig.rowPerBlock(2, 100_000).blockX());
        LaunchConfig e = LaunchConfig.elementwise(1000);
        assertEquals(4, e.gridX());
    }
}
