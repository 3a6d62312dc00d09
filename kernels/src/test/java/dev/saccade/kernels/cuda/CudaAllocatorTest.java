package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caching allocator and its block bookkeeping, over a fake device (no GPU needed). */
class CudaAllocatorTest {
    private static final long MIB = 1L << 20;
    private final Map<Long, Long> live = new HashMap<>();  // segment address → size, as the fake driver sees it
    private final List<Long> freed = new ArrayList<>();
    private long next = 0x100000;

    private CudaAllocator fakeAllocator() {
        return new CudaAllocator(size -> { long p = next; next += size; live.put(p, size); return p; },
                p -> { assertTrue(live.remove(p) != null, "free of an address the driver did not hand out: " + p); freed.add(p); });
    }

    @Test
    void requestsRoundToHalfKilobytesAndSegmentsToTwoMebibytes() {
        assertEquals(512, CudaAllocator.roundUp(1));
        assertEquals(1024, CudaAllocator.roundUp(513));
        assertEquals(2 * MIB, CudaAllocator.segmentSize(512));
        assertEquals(2 * MIB, CudaAllocator.segmentSize(MIB));
        assertEquals(4 * MIB, CudaAllocator.segmentSize(3 * MIB));
        assertThrows(IllegalArgumentException.class, () -> CudaAllocator.roundUp(0));
    }

    @Test
    void smallRequestsShareOneSegmentAndReuseFreedBlocks() {
        CudaAllocator a = fakeAllocator();
        DeviceBuffer b1 = a.allocate(1000), b2 = a.allocate(700);
        assertEquals(1, a.misses(), "one 2 MiB segment serves both");
        assertEquals(b1.address() + 1024, b2.address(), "the second is split off right after the first");
        assertEquals(1000, b1.bytes());
        long p1 = b1.address();
        b1.close();
        b1.close();  // idempotent
        DeviceBuffer b3 = a.allocate(600);   // best fit: the freed 1 KiB block, not the big remainder
        assertEquals(p1, b3.address());
        assertEquals(2, a.hits());
        assertEquals(2 * MIB, a.reservedBytes());
        b2.close();
        b3.close();
        assertEquals(0, a.liveBytes());
        assertEquals(2 * MIB, a.cachedBytes(), "blocks merged back into the whole segment");
        a.trim();
        assertEquals(0, a.cachedBytes());
        assertEquals(1, freed.size());
        assertTrue(live.isEmpty(), "everything returned to the fake driver");
        assertThrows(IllegalStateException.class, b2::address);
    }

    @Test
    void aLargeCachedBlockIsSplitForSmallerLargeRequests() {
        CudaAllocator a = fakeAllocator();
        DeviceBuffer big = a.allocate(10 * MIB);
        long base = big.address();
        big.close();
        DeviceBuffer x = a.allocate(3 * MIB), y = a.allocate(5 * MIB);   // both cut from the cached 10 MiB
        assertEquals(1, a.misses());
        assertEquals(base, x.address());
        assertEquals(base + 3 * MIB, y.address());
        DeviceBuffer tail = a.allocate(1536 * 1024);                     // 1.5 MiB: the remaining 2 MiB is not split (< 1 MiB left)
        assertEquals(base + 8 * MIB, tail.address());
        assertEquals(10 * MIB, a.liveBytes());
        assertEquals(0, a.cachedBytes());
        x.close(); y.close(); tail.close();
        a.trim();
        assertTrue(live.isEmpty());
    }

    @Test
    void trimKeepsSegmentsWithBlocksInUse() {
        CudaAllocator a = fakeAllocator();
        DeviceBuffer used = a.allocate(4096), temp = a.allocate(8192);
        temp.close();
        a.trim();
        assertEquals(1, live.size(), "the segment still holds a live block");
        used.close();
        a.trim();
        assertTrue(live.isEmpty());
    }

    @Test
    void failedAllocationTrimsAndRetries() {
        long[] budget = {4 * MIB};
        Map<Long, Long> sizes = new HashMap<>();
        CudaAllocator a = new CudaAllocator(size -> {
            if (size > budget[0]) throw new CudaException("cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY");
            budget[0] -= size;
            long p = next += size;
            sizes.put(p, size);
            return p;
        }, p -> budget[0] += sizes.remove(p));
        a.allocate(2048).close();              // a 2 MiB small segment, cached; 2 MiB of budget left
        DeviceBuffer big = a.allocate(3 * MIB);   // needs a 4 MiB segment: trim frees the cached one, then it fits
        assertEquals(3 * MIB, big.bytes());
        assertEquals(MIB, a.cachedBytes(), "the small segment went back; the 4 MiB one keeps a 1 MiB free remainder");
        assertThrows(CudaException.class, () -> a.allocate(3 * MIB), "nothing left to trim: the failure propagates");
    }

    @Test
    void blockPoolMergesNeighboursOnlyWithinASegment() {
        BlockPool p = new BlockPool(512);
        p.addSegment(0x1000, 4096);
        p.addSegment(0x2000, 4096);           // adjacent in address space, but another segment
        long a = p.allocate(4096), b = p.allocate(1024), c = p.allocate(1024);
        assertEquals(0x1000, a);
        assertEquals(0x2000, b);
        assertEquals(0x2400, c);
        assertEquals(4, p.blockCount());
        p.release(a);
        p.release(b);
        assertEquals(4, p.blockCount(), "0x1000 and 0x2000 touch but belong to different segments");
        p.release(c);
        assertEquals(2, p.blockCount());
        assertEquals(2, p.removeFreeSegments().size());
        assertEquals(0, p.segmentCount());
        assertThrows(IllegalArgumentException.class, () -> p.release(a), "released twice");
        BlockPool q = new BlockPool(1024);
        q.addSegment(0, 2048);
        long whole = q.allocate(1536);        // 512 left < minSplit: the whole block is handed out
        assertEquals(2048, q.blockSize(whole));
        assertEquals(-1, q.allocate(512));
    }
}
