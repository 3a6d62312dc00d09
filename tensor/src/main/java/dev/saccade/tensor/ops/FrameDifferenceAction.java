package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * The motion term of ACTION-Net's ME path (Wang et al., CVPR 2021; V-Sense/ACTION-Net {@code models/action.py}) on
 * {@code (N·T, C, H, W)}: {@code out[t] = a[t+1] − b[t]} for t &lt; T−1 and a zero frame appended at t = T−1,
 * where {@code a} is the depthwise-convolved feature and {@code b} the feature itself.
 * Backward: {@code ga[t+1] = g[t]}, {@code gb[t] = −g[t]} for t &lt; T−1; zero elsewhere.
 */
public final class FrameDifferenceAction extends Function {
    private final int frames;

    public FrameDifferenceAction(int frames) { this.frames = frames; }

    @Override public String name() { return "frame_difference_action"; }

    @Override protected Tensor forward(Tensor... in) {
        TemporalShift.checkClip(name(), in[0], frames);
        Checks.sameKind(name(), in[0], in[1]);
        if (!in[0].shape().equals(in[1].shape())) throw new ShapeException(name() + ": a " + in[0].shape() + " and b " + in[1].shape() + " must have the same shape");
        return in[0].backend().frameDifferenceAction(in[0], in[1], frames);
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor[] gab = g.backend().frameDifferenceActionBackward(g, frames);
        return new Tensor[] {needsGrad(0) ? gab[0] : null, needsGrad(1) ? gab[1] : null};
    }
}
