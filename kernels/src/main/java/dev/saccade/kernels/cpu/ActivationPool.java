package dev.saccade.kernels.cpu;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;

/**
 * Float buffers of inference activations handed back once dead ({@link CpuBackend#recycle}) and handed out again
 * for the next output of the same length, on the same thread: a network's intermediate shapes come round in every
 * block and every call, so after the first forward its convolutions write into buffers that already exist, and
 * the JVM neither allocates nor zero-fills them (ONNX Runtime's memory-pattern arena, in the JVM's terms). Outputs
 * taken from here must be fully overwritten by their kernel. Bounded: at most {@value #PER_LENGTH} buffers per
 * length and {@value #MAX_BYTES_TEXT} in all per thread. A buffer that would pass the bound first evicts those of
 * the lengths least recently taken or given, so that a thread moving on to another model (other shapes) pools its
 * activations instead of keeping the last model's for good.
 */
final class ActivationPool {
    static final int PER_LENGTH = 4;
    static final long MAX_BYTES = 768L << 20;
    private static final String MAX_BYTES_TEXT = "768 MiB";

    private static final ThreadLocal<ActivationPool> POOL = ThreadLocal.withInitial(() -> new ActivationPool(MAX_BYTES));

    /** Free buffers by length, the least recently used length first (access order). */
    private final LinkedHashMap<Integer, ArrayDeque<float[]>> free = new LinkedHashMap<>(16, 0.75f, true);
    private final long maxBytes;
    private long bytes;

    /** A pool holding at most {@code maxBytes} (this thread's pool holds {@link #MAX_BYTES}). */
    ActivationPool(long maxBytes) { this.maxBytes = maxBytes; }

    /** A buffer of exactly {@code length} floats with arbitrary contents: recycled if one is free, else new. */
    static float[] take(int length) { return POOL.get().takeBuffer(length); }

    /** Hands a dead buffer back for reuse on this thread. */
    static void give(float[] a) { POOL.get().giveBuffer(a); }

    /** Bytes held free on this thread. */
    static long freeBytes() { return POOL.get().bytes; }

    /** {@link #take} from this pool. */
    float[] takeBuffer(int length) {
        ArrayDeque<float[]> q = free.get(length);
        float[] a = q == null ? null : q.pollFirst();
        if (a == null) return new float[length];
        bytes -= 4L * length;
        return a;
    }

    /** {@link #give} to this pool: evicts least recently used lengths when the bound would be passed. */
    void giveBuffer(float[] a) {
        long size = 4L * a.length;
        if (size > maxBytes) return;
        ArrayDeque<float[]> q = free.computeIfAbsent(a.length, k -> new ArrayDeque<>());
        if (q.size() >= PER_LENGTH) return;
        for (float[] held : q) if (held == a) return;                      // handed back twice: keep it once
        for (var it = free.entrySet().iterator(); bytes + size > maxBytes && it.hasNext(); ) {
            var e = it.next();
            if (e.getKey() == a.length) continue;
            ArrayDeque<float[]> old = e.getValue();
            while (!old.isEmpty() && bytes + size > maxBytes) bytes -= 4L * old.pollLast().length;
            if (old.isEmpty()) it.remove();
        }
        if (bytes + size > maxBytes) return;                               // this length's own buffers fill it
        q.addFirst(a);
        bytes += size;
    }

    /** Bytes held free in this pool. */
    long heldBytes() { return bytes; }
}
