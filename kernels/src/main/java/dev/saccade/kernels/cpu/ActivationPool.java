package dev.saccade.kernels.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Float buffers of inference activations handed back once dead ({@link CpuBackend#recycle}) and handed out again
 * for the next output of the same length, on the same thread: a network's intermediate shapes come round in every
 * block and every call, so after the first forward its convolutions write into buffers that already exist, and
 * the JVM neither allocates nor zero-fills them (ONNX Runtime's memory-pattern arena, in the JVM's terms). Outputs
 * taken from here must be fully overwritten by their kernel. Bounded: at most {@value #PER_LENGTH} buffers per
 * length and {@value #MAX_BYTES_TEXT} in all per thread; beyond that a returned buffer is left to the GC.
 */
final class ActivationPool {
    static final int PER_LENGTH = 4;
    static final long MAX_BYTES = 768L << 20;
    private static final String MAX_BYTES_TEXT = "768 MiB";

    private static final ThreadLocal<ActivationPool> POOL = ThreadLocal.withInitial(ActivationPool::new);

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private long bytes;

    private ActivationPool() {}

    /** A buffer of exactly {@code length} floats with arbitrary contents: recycled if one is free, else new. */
    static float[] take(int length) {
        ActivationPool p = POOL.get();
        ArrayDeque<float[]> q = p.free.get(length);
        float[] a = q == null ? null : q.pollFirst();
        if (a == null) return new float[length];
        p.bytes -= 4L * length;
        return a;
    }

    /** Hands a dead buffer back for reuse on this thread. */
    static void give(float[] a) {
        ActivationPool p = POOL.get();
        ArrayDeque<float[]> q = p.free.computeIfAbsent(a.length, k -> new ArrayDeque<>());
        if (q.size() >= PER_LENGTH || p.bytes + 4L * a.length > MAX_BYTES) return;
        for (float[] held : q) if (held == a) return;                      // handed back twice: keep it once
        q.addFirst(a);
        p.bytes += 4L * a.length;
    }

    /** Bytes held free on this thread. */
    static long freeBytes() { return POOL.get().bytes; }
}
