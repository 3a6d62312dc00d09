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

/** The caching allocator's bookkeeping, over a fake device (no GPU needed). */
class CudaAllocatorTest {
    private final Map<Long, Long> live = new HashMap<>();  // address → size, as the fake driver sees it
    private final List<Long> freed = new ArrayList<>();
    private long next = 0x1000;

    private CudaAllocator fakeAllocator() {
        return new CudaAllocator(size -> { long p = next; next += size; live.put(p, size); return p; },
                p -> { assertTrue(live.remove(p) != null, "double free of " + p); freed.add(p); });
    }

    @Test
    void bucketsRoundUp() {
        assertEquals(512, CudaAllocator.bucket(1));
        assertEquals(1024, CudaAllocator.bucket(513));
        assertEquals(1L << 20, CudaAllocator.bucket(1L << 20));
        assertEquals(2L << 20, CudaAllocator.bucket((1L << 20) + 1));
        assertEquals(4L << 20, CudaAllocator.bucket((2L << 20) + 1));
        assertThrows(IllegalArgumentException.class, () -> CudaAllocator.bucket(0));
    }

    @Test
    void closedBuffersAreReusedAndTrimFreesThem() {
        CudaAllocator a = fakeAllocator();
        DeviceBuffer b1 = a.allocate(1000);
        long p1 = b1.address();
        assertEquals(1000, b1.bytes());
        assertEquals(1, a.misses());
        b1.close();
        b1.close();  // idempotent
        assertEquals(1024, a.cachedBytes());
        DeviceBuffer b2 = a.allocate(700);   // same 1024 bucket
        assertEquals(p1, b2.address());
        assertEquals(1, a.hits());
        DeviceBuffer b3 = a.allocate(700);   // bucket empty again → miss
        assertNotEquals(p1, b3.address());
        assertEquals(2, a.misses());
        assertEquals(2048, a.liveBytes());
        b2.close();
        b3.close();
        assertEquals(0, a.liveBytes());
        a.trim();
        assertEquals(0, a.cachedBytes());
        assertEquals(2, freed.size());
        assertTrue(live.isEmpty(), "everything returned to the fake driver");
        assertThrows(IllegalStateException.class, b2::address);
    }

    @Test
    void failedAllocationTrimsAndRetries() {
        long[] budget = {4096};
        CudaAllocator a = new CudaAllocator(size -> {
            if (size > budget[0]) throw new CudaException("cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY");
            budget[0] -= size;
            return next += size;
        }, p -> budget[0] += 2048);
        a.allocate(2048).close();          // cached, budget 2048 left
        DeviceBuffer big = a.allocate(3072);   // needs 3072 > 2048: trim frees the cached 2048, then fits
        assertEquals(3072, big.bytes());
        assertEquals(0, a.cachedBytes());
    }
}
