package dev.saccade.kernels.cuda;

import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * A caching device allocator. Requests are rounded up to 512 bytes. Small ones (≤ 1 MiB) are cut from 2 MiB segments,
 * large ones from segments of their own size rounded up to 2 MiB; a free block larger than the request is split
 * (small: when ≥ 512 B remain, large: when ≥ 1 MiB remain) and blocks merge again when released ({@link BlockPool}),
 * so one big cached block serves many smaller requests and memory is not stranded in fixed buckets.
 * {@code cuMemAlloc} runs only when no free block fits; if it fails, the entirely free segments are returned to the
 * driver and the allocation is tried once more. {@link #trim()} frees every entirely free segment. Safe to share
 * between threads (one lock). The same scheme as PyTorch's CUDACachingAllocator, without streams: all work is on the
 * legacy default stream, so a block reused after its release is only touched after the kernels queued before.
 *
 * <p>Buffers from {@link #allocate} belong to the innermost open {@link DeviceScope} of the calling thread, if any;
 * {@link #allocateUnscoped} is for the backend's own long-lived buffers (the cuDNN workspace).
 *
 * <pre>{@code
 * CudaAllocator pool = CudaAllocator.shared();
 * try (DeviceBuffer tmp = pool.allocate(4L * n)) { ... }   // back in the cache after the block
 * pool.trim();                                             // return wholly free segments to the driver
 * }</pre>
 */
public final class CudaAllocator {
    /** Requests up to this size come from the small pool. */
    static final long SMALL_LIMIT = 1L << 20;
    /** Size of a small-pool segment, and the rounding of large segments. */
    static final long SEGMENT = 2L << 20;
    /** Rounding of every request. */
    static final long ALIGNMENT = 512;

    private static volatile CudaAllocator shared;

    private final LongFunction<Long> malloc;
    private final LongConsumer free;
    private final BlockPool small = new BlockPool(ALIGNMENT), large = new BlockPool(SMALL_LIMIT);
    private long misses, hits;

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

    /** The block size a request of {@code bytes} takes (rounded up to 512 bytes). */
    public static long roundUp(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("device allocation size must be positive, got " + bytes);
        return Math.ceilDiv(bytes, ALIGNMENT) * ALIGNMENT;
    }

    /** The driver allocation a miss of {@code size} (rounded) bytes makes. */
    static long segmentSize(long size) {
        return size <= SMALL_LIMIT ? SEGMENT : Math.ceilDiv(size, SEGMENT) * SEGMENT;
    }

    /** A buffer of at least {@code bytes} bytes, owned by the current {@link DeviceScope} if one is open. */
    public DeviceBuffer allocate(long bytes) {
        return DeviceScope.track(allocateUnscoped(bytes));
    }

    /** A buffer of at least {@code bytes} bytes that no scope owns; closing it returns the block to this cache. */
    public DeviceBuffer allocateUnscoped(long bytes) {
        long size = roundUp(bytes);
        BlockPool pool = size <= SMALL_LIMIT ? small : large;
        long address;
        synchronized (this) {
            address = pool.allocate(size);
            if (address >= 0) {
                hits++;
            } else {
                misses++;
                long segment = segmentSize(size);
                pool.addSegment(fresh(segment), segment);
                address = pool.allocate(size);
            }
        }
        return new DeviceBuffer(address, bytes, p -> release(pool, p));
    }

    private long fresh(long segment) {
        try {
            return malloc.apply(segment);
        } catch (CudaException e) {
            trimLocked();
            return malloc.apply(segment);
        }
    }

    private synchronized void release(BlockPool pool, long address) { pool.release(address); }

    /** Frees every segment whose blocks are all free back to the driver. */
    public synchronized void trim() { trimLocked(); }

    private void trimLocked() {
        for (BlockPool pool : new BlockPool[] {small, large})
            for (long[] segment : pool.removeFreeSegments()) free.accept(segment[0]);
    }

    /** Bytes held in free blocks. */
    public synchronized long cachedBytes() { return small.freeBytes() + large.freeBytes(); }

    /** Bytes in blocks handed out and not yet closed (rounded block sizes). */
    public synchronized long liveBytes() { return small.usedBytes() + large.usedBytes(); }

    /** Bytes held from the driver (in use and cached). */
    public synchronized long reservedBytes() { return cachedBytes() + liveBytes(); }

    /** Allocations that had to call the driver for a new segment. */
    public synchronized long misses() { return misses; }

    /** Allocations served from cached blocks. */
    public synchronized long hits() { return hits; }
}
