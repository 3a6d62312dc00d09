package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * The temporal shift of TSM (Lin et al., ICCV 2019, §3; mit-han-lab/temporal-shift-module
 * {@code ops/temporal_shift.py}) on {@code (N·T, C, H, W)} viewed as {@code (N, T, C, H, W)}, with
 * {@code fold = C / foldDiv}:
 * <pre>
 *   out[:, t, 0:fold]      = x[:, t+1, 0:fold]        (zero at t = T−1)
 *   out[:, t, fold:2fold]  = x[:, t−1, fold:2fold]    (zero at t = 0)
 *   out[:, t, 2fold:]      = x[:, t, 2fold:]
 * </pre>
 * No parameters, no multiply-adds. Backward is the inverse shift.
 */
public final class TemporalShift extends Function {
    private final int frames, foldDiv;

    public TemporalShift(int frames, int foldDiv) {
        if (frames < 1 || foldDiv < 1) throw new IllegalArgumentException("temporal_shift: frames " + frames + " and foldDiv " + foldDiv + " must be ≥ 1");
        this.frames = frames;
        this.foldDiv = foldDiv;
    }

    @Override public String name() { return "temporal_shift"; }

    /** Checks an {@code (N·T, C, H, W)} input; shared with the frame-difference ops. */
    static void checkClip(String op, Tensor x, int frames) {
        if (x.rank() != 4) throw new ShapeException(op + ": input must be (N·T, C, H, W), got shape " + x.shape());
        if (x.dim(0) % frames != 0) throw new ShapeException(op + ": batch " + x.dim(0) + " of shape " + x.shape() + " is not a multiple of frames T=" + frames);
        Checks.floating(op, x);
    }

    @Override protected Tensor forward(Tensor... in) {
        checkClip(name(), in[0], frames);
        return in[0].backend().temporalShift(in[0], frames, foldDiv, false);
    }

    @Override protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.backend().temporalShift(g, frames, foldDiv, true)};
    }
}
