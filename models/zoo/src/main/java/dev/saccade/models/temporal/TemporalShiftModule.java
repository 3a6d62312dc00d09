package dev.saccade.models.temporal;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.flops.FlopTraceable;
import dev.saccade.nn.Module;
import dev.saccade.nn.inference.ShiftedInput;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;

/**
 * TSM's residual shift: shifts 1/foldDiv of the channels one frame back, 1/foldDiv one frame forward (zero at the
 * clip ends), then runs the wrapped layer, kept as the child {@code net} so that the official keys
 * ({@code layer1.0.conv1.net.weight}) line up. No parameters or MACs of its own.
 * Reference: Lin, Gan, Han, "TSM: Temporal Shift Module", ICCV 2019, §3; {@link Functional#temporalShift}.
 *
 * <p>{@code online}: the paper's uni-directional shift for streaming (§online), where channels
 * {@code [0, C/foldDiv)} of frame t come from frame t−1 only ({@link Functional#temporalShiftOnline}); inside an
 * {@link OnlineShiftState#step} the module takes one frame at a time and reads the previous frame's channels from
 * that state's cache. A bi-directional module refuses to stream, since it needs the next frame.
 *
 * <pre>{@code
 * Module shifted = new TemporalShiftModule(conv1, 8, 8);
 * Tensor y = shifted.forward(x);   // x (N·8, C, H, W) → conv1(shift(x))
 * }</pre>
 */
public final class TemporalShiftModule extends Module implements FlopTraceable, ShiftedInput {
    /** The default fraction of channels shifted each way, 1/8 ({@code --shift_div 8}). */
    public static final int DEFAULT_FOLD_DIV = 8;

    private final Module net;
    private final int frames, foldDiv;
    private final boolean online;

    /** The bi-directional (offline) shift. */
    public TemporalShiftModule(Module net, int frames, int foldDiv) { this(net, frames, foldDiv, false); }

    /** With {@code online}, the uni-directional shift (past frames only). */
    public TemporalShiftModule(Module net, int frames, int foldDiv, boolean online) {
        if (frames < 1) throw new IllegalArgumentException("TemporalShiftModule: frames must be ≥ 1, got " + frames);
        if (foldDiv < 2) throw new IllegalArgumentException("TemporalShiftModule: fold_div must be ≥ 2, got " + foldDiv);
        this.net = register("net", net);
        this.frames = frames;
        this.foldDiv = foldDiv;
        this.online = online;
    }

    @Override public Module net() { return net; }
    @Override public int frames() { return frames; }
    @Override public int foldDiv() { return foldDiv; }
    /** True for the uni-directional (online) shift. */
    public boolean online() { return online; }

    /** The offline shift outside a stream is the bi-directional one the inference convolution reads in place. */
    @Override public boolean bidirectionalNow() { return !online && OnlineShiftState.current() == null; }

    /** The shift alone, as {@link #forward} applies it now (online, or from the stream's cache). */
    @Override public Tensor shift(Tensor x) {
        OnlineShiftState stream = OnlineShiftState.current();
        if (stream != null) {
            if (!online) {
                throw new IllegalStateException(describe() + " is bi-directional: it reads the next frame and cannot stream;"
                        + " build the model with the option tsm.online=true");
            }
            return stream.shift(this, x);                                             // (B, C, H, W), one frame each
        }
        return online ? Functional.temporalShiftOnline(x, frames, foldDiv) : Functional.temporalShift(x, frames, foldDiv);
    }

    @Override public Tensor forward(Tensor x) {
        return net.forward(shift(x));                                                  // (N·T, C, H, W) → net's output
    }

    @Override public Shape traceFlops(FlopCounter c, String name, Shape in) {
        if (in.dim(0) % frames != 0) throw new IllegalArgumentException(name + ": batch " + in.dim(0) + " is not a multiple of T = " + frames);
        return c.trace(FlopCounter.join(name, "net"), net, in);
    }

    @Override public String describe() {
        return "TemporalShift(T=" + frames + ", fold_div=" + foldDiv + (online ? ", online" : "") + ")";
    }
}
