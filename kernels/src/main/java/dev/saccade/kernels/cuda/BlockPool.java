package dev.saccade.kernels.cuda;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bookkeeping of a caching allocator's blocks, without any device: segments (what the driver handed out) are cut
 * into blocks; a request takes the smallest free block that fits (best fit, lowest address on ties) and splits off
 * the rest as a free block when at least {@code minSplit} bytes remain; a released block merges with free neighbours
 * of the same segment, so a segment whose blocks are all free is one block again and can go back to the driver.
 * The same scheme as PyTorch's CUDACachingAllocator (c10/cuda/CUDACachingAllocator.cpp), without streams.
 * Not thread-safe: {@link CudaAllocator} holds the lock.
 *
 * <pre>{@code
 * BlockPool pool = new BlockPool(512);
 * pool.addSegment(0x10000, 2 << 20);
 * long a = pool.allocate(4096);        // 0x10000; the remaining 2 MiB − 4 KiB stay free
 * pool.release(a);                     // merged back: one free 2 MiB block
 * List<long[]> free = pool.removeFreeSegments();   // {0x10000, 2 MiB}: hand back to cuMemFree
 * }</pre>
 */
final class BlockPool {
    /** One block: {@code [address, address + size)} inside the segment starting at {@code segment}. */
    private record Block(long address, long size, long segment) {}

    private static final Comparator<Block> BY_SIZE = Comparator.comparingLong(Block::size).thenComparingLong(Block::address);

    private final long minSplit;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();        // every block, free or in use, by address
    private final TreeSet<Block> free = new TreeSet<>(BY_SIZE);          // free blocks, smallest first
    private final Map<Long, Block> used = new HashMap<>();               // blocks in use, by address
    private final Map<Long, Long> segments = new HashMap<>();            // segment address → size
    private long freeBytes, usedBytes;

    /** A pool that splits a block only when at least {@code minSplit} bytes would remain free. */
    BlockPool(long minSplit) {
        if (minSplit <= 0) throw new IllegalArgumentException("minSplit must be positive, got " + minSplit);
        this.minSplit = minSplit;
    }

    /** Adds a fresh segment from the driver as one free block. */
    void addSegment(long address, long size) {
        if (size <= 0) throw new IllegalArgumentException("segment size must be positive, got " + size);
        if (segments.putIfAbsent(address, size) != null) throw new IllegalStateException("segment 0x" + Long.toHexString(address) + " added twice");
        Block b = new Block(address, size, address);
        blocks.put(address, b);
        free.add(b);
        freeBytes += size;
    }

    /** The address of a block of exactly {@code size} bytes taken from the free blocks, or -1 when none is large enough. */
    long allocate(long size) {
        if (size <= 0) throw new IllegalArgumentException("block size must be positive, got " + size);
        Block fit = free.ceiling(new Block(Long.MIN_VALUE, size, 0));
        if (fit == null) return -1;
        free.remove(fit);
        freeBytes -= fit.size();
        Block taken = fit;
        if (fit.size() - size >= minSplit) {
            taken = new Block(fit.address(), size, fit.segment());
            Block rest = new Block(fit.address() + size, fit.size() - size, fit.segment());
            blocks.put(rest.address(), rest);
            free.add(rest);
            freeBytes += rest.size();
        }
        blocks.put(taken.address(), taken);
        used.put(taken.address(), taken);
        usedBytes += taken.size();
        return taken.address();
    }

    /** Size of the in-use block at {@code address} (may exceed the request when the rest was too small to split). */
    long blockSize(long address) {
        Block b = used.get(address);
        if (b == null) throw new IllegalArgumentException("no block in use at 0x" + Long.toHexString(address));
        return b.size();
    }

    /** Returns the block at {@code address} to the free blocks, merged with free neighbours in its segment. */
    void release(long address) {
        Block b = used.remove(address);
        if (b == null) throw new IllegalArgumentException("no block in use at 0x" + Long.toHexString(address) + " (released twice?)");
        usedBytes -= b.size();
        blocks.remove(b.address());
        Map.Entry<Long, Block> before = blocks.lowerEntry(b.address()), after = blocks.higherEntry(b.address());
        long start = b.address(), end = b.address() + b.size();
        if (before != null && isFree(before.getValue()) && before.getValue().segment() == b.segment()
                && before.getValue().address() + before.getValue().size() == start) {
            Block p = before.getValue();
            free.remove(p);
            blocks.remove(p.address());
            freeBytes -= p.size();
            start = p.address();
        }
        if (after != null && isFree(after.getValue()) && after.getValue().segment() == b.segment() && after.getValue().address() == end) {
            Block n = after.getValue();
            free.remove(n);
            blocks.remove(n.address());
            freeBytes -= n.size();
            end = n.address() + n.size();
        }
        Block merged = new Block(start, end - start, b.segment());
        blocks.put(start, merged);
        free.add(merged);
        freeBytes += merged.size();
    }

    private boolean isFree(Block b) { return !used.containsKey(b.address()); }

    /** Removes every segment that is entirely free; returns their {address, size} for the driver to free. */
    List<long[]> removeFreeSegments() {
        List<long[]> out = new ArrayList<>();
        for (Block b : new ArrayList<>(free)) {
            Long segSize = segments.get(b.address());
            if (segSize != null && segSize == b.size()) {
                free.remove(b);
                blocks.remove(b.address());
                segments.remove(b.address());
                freeBytes -= b.size();
                out.add(new long[] {b.address(), b.size()});
            }
        }
        return out;
    }

    /** Bytes in free blocks. */
    long freeBytes() { return freeBytes; }

    /** Bytes in blocks in use. */
    long usedBytes() { return usedBytes; }

    /** Number of segments held. */
    int segmentCount() { return segments.size(); }

    /** Number of blocks (free and in use). */
    int blockCount() { return blocks.size(); }
}
