package dev.saccade.models.temporal;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.flops.FlopTraceable;
import dev.saccade.nn.Module;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;

/**
 * TSM's residual shift: shifts 1/foldDiv of the channels one frame back, 1/foldDiv one frame forward (zero at the
 * clip ends), then runs the wrapped layer, kept as the child {@code net} so that the official keys
 * ({@code layer1.0.conv1.net.weight}) line up. No parameters or MACs of its own.
 * Reference: Lin, Gan, Han, "TSM: Temporal Shift Module", ICCV 2019, §3; {@link Functional#temporalShift}.
 *
 * <pre>{@code
 * Module shifted = new TemporalShiftModule(conv1, 8, 8);
 * Tensor y = shifted.forward(x);   // x (N·8, C, H, W) → conv1(shift(x))
 * }</pre>
 */
public final class TemporalShiftModule extends Module implements FlopTraceable {
    /** The default fraction of channels shifted each way, 1/8 ({@code --shift_div 8}). */
    public static final int DEFAULT_FOLD_DIV = 8;

    private final Module net;
    private final int frames, foldDiv;

    public TemporalShiftModule(Module net, int frames, int foldDiv) {
        if (frames < 1) throw new IllegalArgumentException("TemporalShiftModule: frames must be ≥ 1, got " + frames);
        if (foldDiv < 2) throw new IllegalArgumentException("TemporalShiftModule: fold_div must be ≥ 2, got " + foldDiv);
        this.net = register("net", net);
        this.frames = frames;
        this.foldDiv = foldDiv;
    }

    public Module net() { return net; }
    public int frames() { return frames; }
    public int foldDiv() { return foldDiv; }

    @Override public Tensor forward(Tensor x) {
        return net.forward(Functional.temporalShift(x, frames, foldDiv));   // (N·T, C, H, W) → net's output
    }

    @Override public Shape traceFlops(FlopCounter c, String name, Shape in) {
        if (in.dim(0) % frames != 0) throw new IllegalArgumentException(name + ": batch " + in.dim(0) + " is not a multiple of T = " + frames);
        return c.trace(FlopCounter.join(name, "net"), net, in);
    }

    @Override public String describe() { return "TemporalShift(T=" + frames + ", fold_div=" + foldDiv + ")"; }
}
