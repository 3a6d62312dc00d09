package dev.saccade.models.temporal;

import dev.saccade.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The memory of one video stream for TSM's online mode: per shifted layer, the channels {@code [0, C/foldDiv)} of the
 * previous frame's input, which replace the same channels of the current frame (Lin et al., ICCV 2019, §online; the
 * TSM repository's {@code online_demo/mobilenet_v2_tsm.py}, whose shift buffers start at zero). One frame in, one
 * frame's forward: run the model on a single-frame batch {@code (B, 3, H, W)} inside {@link #step}, and every
 * uni-directional {@link TemporalShiftModule} of that model reads and refreshes its cache here instead of shifting
 * over a clip. The result for frame t equals the offline uni-directional shift over frames 0..t
 * ({@code OnlineTemporalShift}).
 *
 * <p>The caches live in this object, bound to the forward by a {@link ScopedValue} for the duration of {@link #step}:
 * the modules keep no per-stream state, so one model can serve several streams, each with its own state. A state
 * is one stream: not thread-safe, use it from one thread at a time. Meant for inference (evaluation mode,
 * gradients off): the caches are plain tensors.
 *
 * <pre>{@code
 * Tsn model = ModelRegistry.standard().create(new ModelConfig("tsm-mobilenetv2", 1, 27, 224, 0.5, 0,
 *         Map.of("tsm.online", "true")));
 * OnlineShiftState stream = new OnlineShiftState();
 * for (Tensor frame : frames) {                         // (1, 3, 224, 224) each
 *     Tensor logits = stream.step(() -> model.forward(frame));   // (1, 27)
 * }
 * }</pre>
 */
public final class OnlineShiftState {
    private static final ScopedValue<OnlineShiftState> CURRENT = ScopedValue.newInstance();

    private final Map<TemporalShiftModule, Tensor> cached = new IdentityHashMap<>();   // layer → (B, fold, H, W)
    private long frames;

    /** Runs one frame's forward with this stream's caches; returns what {@code forward} returns. */
    public <T> T step(Supplier<T> forward) {
        T out = ScopedValue.where(CURRENT, this).call(forward::get);
        frames++;
        return out;
    }

    /** Forgets every cached frame: the next step is the first frame of a new stream. */
    public void reset() {
        cached.clear();
        frames = 0;
    }

    /** Frames stepped since construction or the last {@link #reset()}. */
    public long frames() { return frames; }

    /** Shifted layers that hold a cached frame. */
    public int layers() { return cached.size(); }

    /** The state bound by the running {@link #step}, or null outside one. */
    static OnlineShiftState current() { return CURRENT.isBound() ? CURRENT.get() : null; }

    /**
     * One frame through {@code layer}'s uni-directional shift: x (B, C, H, W) → the same shape with channels
     * {@code [0, fold)} taken from the previous frame (zeros for the first), and x's own {@code [0, fold)} cached.
     */
    Tensor shift(TemporalShiftModule layer, Tensor x) {
        if (x.rank() != 4) throw new IllegalArgumentException(layer.describe() + ": a streamed frame must be (B, C, H, W), got " + x.shape());
        int c = x.dim(1), fold = c / layer.foldDiv();
        if (fold == 0) return x;
        Tensor previous = cached.get(layer);                                             // (B, fold, H, W)
        if (previous == null) {
            previous = Tensor.zeros(x.dtype(), x.device(), x.dim(0), fold, x.dim(2), x.dim(3));
        } else if (previous.dim(0) != x.dim(0) || previous.dim(2) != x.dim(2) || previous.dim(3) != x.dim(3)) {
            throw new IllegalArgumentException(layer.describe() + ": frame activation " + x.shape() + " does not continue the stream's "
                    + previous.shape() + " (a different batch or frame size); reset() before starting another stream");
        }
        cached.put(layer, x.narrow(1, 0, fold).contiguousFromZero());                   // (B, fold, H, W), a copy, for frame t+1
        return Tensor.cat(List.of(previous, x.narrow(1, fold, c - fold)), 1);           // (B, C, H, W)
    }
}
