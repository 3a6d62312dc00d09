package dev.saccade.kernels.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.LongConsumer;

/**
 * A caching device allocator: sizes are rounded up to a bucket (512 B steps up to 1 MiB, 2 MiB steps above),
 * closed buffers go back to their bucket's free list, and {@code cuMemAlloc} runs only on a miss (after a failed
 * allocation the cache is trimmed and the allocation retried once). {@link #trim()} frees every cached block.
 * Safe to share between threads (one lock). The same idea as PyTorch's CUDACachingAllocator, without streams.
 *
 * <pre>{@code
 * CudaAllocator pool = CudaAllocator.shared();
 * try (DeviceBuffer tmp = pool.allocate(4L * n)) { ... }   // back in the cache after the block
 * pool.trim();                                             // return cached memory to the driver
 * }</pre>
 */
public final class CudaAllocator {
    private static final long SMALL_LIMIT = 1L << 20;
    private static final long SMALL_STEP = 512;
    private static final long LARGE_STEP = 2L << 20;

    private static volatile CudaAllocator shared;

    private final LongFunction<Long> malloc;
    private final LongConsumer free;
    private final Map<Long, ArrayDeque<Long>> freeLists = new HashMap<>();
    private long cachedBytes, liveBytes, misses, hits;

    /** An allocator over explicit malloc/free functions (tests use fakes; {@link #shared()} uses the driver). */
    public CudaAllocator(LongFunction<Long> malloc, LongConsumer free) {
        this.malloc = malloc;
        this.free = free;
    }

    /** The process-wide allocator over {@code cuMemAlloc_v2} / {@code cuMemFree_v2}. */
    public static CudaAllocator shared() {
        CudaAllocator a = shared;
        if (a == null) {
            synchronized (CudaAllocator.class) {
                a = shared;
                if (a == null) shared = a = new CudaAllocator(n -> Cuda.driver().memAlloc(n), p -> Cuda.driver().memFree(p));
            }
        }
        return a;
    }

    /** The bucket (block size) a request of {@code bytes} is served from. */
    public static long bucket(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("device allocation size must be positive, got " + bytes);
        long step = bytes <= SMALL_LIMIT ? SMALL_STEP : LARGE_STEP;
        return Math.ceilDiv(bytes, step) * step;
    }

    /** A buffer of at least {@code bytes} bytes; closing it returns the block to this cache. */
    public DeviceBuffer allocate(long bytes) {
        long size = bucket(bytes);
        long address;
        synchronized (this) {
            ArrayDeque<Long> list = freeLists.get(size);
            Long cached = list == null ? null : list.poll();
            if (cached != null) {
                hits++;
                cachedBytes -= size;
                address = cached;
            } else {
                misses++;
                address = fresh(size);
            }
            liveBytes += size;
        }
        return new DeviceBuffer(address, bytes, p -> release(p, size));
    }

    private long fresh(long size) {
        try {
            return malloc.apply(size);
        } catch (CudaException e) {
            trim();
            return malloc.apply(size);
        }
    }

    private synchronized void release(long address, long size) {
        liveBytes -= size;
        cachedBytes += size;
        freeLists.computeIfAbsent(size, k -> new ArrayDeque<>()).push(address);
    }

    /** Frees every cached (not in use) block back to the driver. */
    public synchronized void trim() {
        for (ArrayDeque<Long> list : freeLists.values()) {
            for (Long p : list) free.accept(p);
            list.clear();
        }
        cachedBytes = 0;
    }

    /** Bytes held in free lists. */
    public synchronized long cachedBytes() { return cachedBytes; }

    /** Bytes in buffers handed out and not yet closed (bucket sizes). */
    public synchronized long liveBytes() { return liveBytes; }

    /** Allocations that had to call the driver. */
    public synchronized long misses() { return misses; }

    /** Allocations served from the cache. */
    public synchronized long hits() { return hits; }
}
