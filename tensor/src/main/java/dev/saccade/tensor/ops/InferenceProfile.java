package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The wall time of each inference convolution and fused attention op a thread runs while a profile is open: where
 * a forward's time goes, op by op, as ONNX Runtime's profiler gives it node by node ({@code SessionOptions
 * .enableProfiling}). Every {@link InferenceConv} entry point (plain, into the residual, gated, up-gated, excited,
 * pooled, a chain of them as one entry) and the evaluation ops of the attention modules ({@link InferenceGate},
 * {@link PooledTemporalConv}, {@link TapSums}, {@link ChannelAttentionGates}, {@link SpatialAttentionGate},
 * {@link ActionChannelGates}, {@link MotionAttention}) add an {@link Entry} when they return; the time between the
 * entries is what the forward spent elsewhere (pooling, the small maps, the head). Profiles nest per thread; with none open an entry point
 * costs one thread-local read.
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable(); var profile = InferenceProfile.record()) {
 *     model.forward(clip);
 *     for (InferenceProfile.Entry e : profile.entries()) System.out.println(e.op() + " " + e.input() + " " + e.nanos());
 * }
 * }</pre>
 */
public final class InferenceProfile implements AutoCloseable {
    /**
     * One call: its op, input, weight (the first link's for a chain; null for an op without weights) and output
     * shapes, its multiply-adds (a chain's: all its links'; 0 for an op without weights), and its wall time.
     */
    public record Entry(String op, Shape input, Shape weight, Shape output, long macs, long nanos) {}

    private static final ThreadLocal<InferenceProfile> OPEN = new ThreadLocal<>();

    private final List<Entry> entries = new ArrayList<>();
    private final InferenceProfile enclosing;
    private boolean closed;

    private InferenceProfile(InferenceProfile enclosing) { this.enclosing = enclosing; }

    /** Opens a profile on the calling thread; entries go to it until it is closed. */
    public static InferenceProfile record() {
        InferenceProfile p = new InferenceProfile(OPEN.get());
        OPEN.set(p);
        return p;
    }

    /** The entries so far, in call order. */
    public List<Entry> entries() { return List.copyOf(entries); }

    /**
     * Stops recording; the enclosing profile, if any, records again. A profile closed out of order (before one it
     * encloses) records nothing more either.
     */
    @Override public void close() {
        if (closed) return;
        closed = true;
        if (OPEN.get() == this) OPEN.set(enclosing);
    }

    /** A start time when a profile is open on this thread, else 0 (nothing is recorded). */
    static long start() { return OPEN.get() == null ? 0 : System.nanoTime(); }

    /** Records the call that began at t0 (from {@link #start}) and returns y. */
    static Tensor stop(long t0, String op, Tensor x, PreparedConv c, Tensor y) { return stop(t0, op, x, c, 0, y); }

    /**
     * As {@link #stop(long, String, Tensor, PreparedConv, Tensor)} for a call that also runs {@code moreMacs}
     * multiply-adds of another convolution (M2A's conv_up inside the conv that reads its output).
     */
    static Tensor stop(long t0, String op, Tensor x, PreparedConv c, long moreMacs, Tensor y) {
        InferenceProfile p = t0 == 0 ? null : OPEN.get();
        if (p != null && !p.closed) {
            long nanos = System.nanoTime() - t0;
            Tensor w = c.weight();
            p.entries.add(new Entry(op, x.shape(), w.shape(), y.shape(), macs(w, y) + moreMacs, nanos));
        }
        return y;
    }

    /** Records an op without weights (a gate, a pooling, an attention map) that began at t0; weight null, MACs 0. */
    static Tensor stopOp(long t0, String op, Tensor x, Tensor y) {
        InferenceProfile p = t0 == 0 ? null : OPEN.get();
        if (p != null && !p.closed) {
            long nanos = System.nanoTime() - t0;
            p.entries.add(new Entry(op, x.shape(), null, y.shape(), 0, nanos));
        }
        return y;
    }

    /** As {@link #stop(long, String, Tensor, PreparedConv, Tensor)} for a chain of links: one entry, {@code op(links)}. */
    static Tensor stopChain(long t0, String op, Tensor x, List<InferenceConv.Link> links, long macs, Tensor y) {
        InferenceProfile p = t0 == 0 ? null : OPEN.get();
        if (p != null && !p.closed) {
            long nanos = System.nanoTime() - t0;
            p.entries.add(new Entry(op + "(" + links.size() + ")", x.shape(), links.getFirst().conv().weight().shape(),
                    y.shape(), macs, nanos));
        }
        return y;
    }

    /** Output elements × (C_in / groups) × kernel volume: w (C_out, C_in/g, *kernel). */
    static long macs(Tensor w, Tensor y) { return y.numel() * (w.numel() / w.dim(0)); }
}
