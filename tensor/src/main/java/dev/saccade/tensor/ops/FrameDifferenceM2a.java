package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * The motion term of M2A (Gebotys et al., arXiv 2111.09976; gebob19/M2A {@code CustomMotionAttention}) on
 * {@code (N·T, C, H, W)}: {@code out[t] = x[t+1] − x[t]} for t &lt; T−1 and {@code out[T−1] = −x[T−1]}
 * (the shifted-in frame is zero). Backward: {@code gx[t] = g[t−1] − g[t]} with {@code g[−1] = 0}.
 */
public final class FrameDifferenceM2a extends Function {
    private final int frames;

    public FrameDifferenceM2a(int frames) { this.frames = frames; }

    @Override public String name() { return "frame_difference_m2a"; }

    @Override protected Tensor forward(Tensor... in) {
        TemporalShift.checkClip(name(), in[0], frames);
        return in[0].backend().frameDifferenceM2a(in[0], frames);
    }

    @Override protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.backend().frameDifferenceM2aBackward(g, frames)};
    }
}
