package dev.saccade.tensor.ops;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Depthwise temporal convolution, kernel 3, zero padding 1, run directly on the backbone's {@code (N·T, C, H, W)}
 * layout: ACTION-Net's learnable shift {@code action_shift} (Wang, She, Smolic, CVPR 2021, §3.1; V-Sense/ACTION-Net
 * {@code models/action.py}, a {@code Conv1d(C, C, 3, padding=1, groups=C, bias=False)} applied to the
 * {@code (N·H·W, C, T)} permuted copy) and W3's channel-temporal convolutions on {@code (N·T, C, 1, 1)}. With the
 * weight {@code w (C, 1, 3)} and PyTorch's cross-correlation ({@code torch.nn.Conv1d} doc):
 * <pre>
 *   y[n, t, c, s] = w[c,0]·x[n, t−1, c, s] + w[c,1]·x[n, t, c, s] + w[c,2]·x[n, t+1, c, s]   (x = 0 outside [0, T))
 * </pre>
 * Backward, from the same sum:
 * <pre>
 *   gx[n, t, c, s] = w[c,2]·g[n, t−1, c, s] + w[c,1]·g[n, t, c, s] + w[c,0]·g[n, t+1, c, s]   (the flipped kernel)
 *   gw[c, k]       = Σ_{n,t,s} g[n, t, c, s]·x[n, t+k−1, c, s]
 * </pre>
 * No permute copies: the backend reads x once and writes y once. {@link #composed} is the reference the
 * {@link Backend#temporalConv} default runs (permute, grouped {@code conv}, permute back).
 */
public final class TemporalConv extends Function {
    private final int frames;
    private Tensor x, w;    // (N·T, C, H, W), (C, 1, 3)

    public TemporalConv(int frames) {
        if (frames < 1) throw new IllegalArgumentException("temporal_conv: frames " + frames + " must be ≥ 1");
        this.frames = frames;
    }

    @Override public String name() { return "temporal_conv"; }

    /** Checks x (N·T, C, H, W) and w (C, 1, 3). */
    static void check(String op, Tensor x, Tensor w, int frames) {
        TemporalShift.checkClip(op, x, frames);
        Checks.sameKind(op, x, w);
        if (w.rank() != 3 || w.dim(0) != x.dim(1) || w.dim(1) != 1 || w.dim(2) != 3) {
            throw new ShapeException(op + ": weight must be (C, 1, 3) = (" + x.dim(1) + ", 1, 3) for input " + x.shape() + ", got " + w.shape());
        }
    }

    @Override protected Tensor forward(Tensor... in) {
        check(name(), in[0], in[1], frames);
        x = in[0];
        w = in[1];
        Tensor y = x.backend().temporalConv(x, w, frames);
        MacCounter.report(name(), y.shape(), 3L * y.numel());         // as the Conv1d it replaces: 3 taps per output
        return y;
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor[] gxw = g.backend().temporalConvBackward(g, x, w, frames, needsGrad(0), needsGrad(1));
        return new Tensor[] {gxw[0], gxw[1]};
    }

    @Override protected void releaseSaved() { x = null; w = null; }

    // ---- the composed reference: what the modules ran before, and the Backend default

    /** x (N·T, C, H, W) → the (N·H·W, C, T) sequence layout of the official code, contiguous. */
    private static Tensor toSequences(Tensor x, int frames) {
        int nt = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), n = nt / frames;
        return x.reshape(n, frames, c, h, wd).permute(0, 3, 4, 2, 1).contiguous().reshape(n * h * wd, c, frames);
    }

    /** The inverse of {@link #toSequences}: (N·H·W, C, T) → (N·T, C, H, W), contiguous. */
    private static Tensor fromSequences(Tensor seq, int frames, int h, int wd) {
        int c = seq.dim(1), n = seq.dim(0) / (h * wd);
        return seq.reshape(n, h, wd, c, frames).permute(0, 4, 3, 1, 2).contiguous().reshape(n * frames, c, h, wd);
    }

    private static ConvParams params(int channels) { return ConvParams.uniform(1, 1, 1, 1, channels); }

    /** Forward through permute copies and the backend's grouped 1-D convolution. */
    public static Tensor composed(Backend b, Tensor x, Tensor w, int frames) {
        Tensor seq = toSequences(x, frames);                                              // (N·H·W, C, T)
        return fromSequences(b.conv(seq, w, null, params(x.dim(1))), frames, x.dim(2), x.dim(3));
    }

    /** Backward through the same permutes and the backend's convolution gradients; returns {gx, gw}. */
    public static Tensor[] composedBackward(Backend b, Tensor gy, Tensor x, Tensor w, int frames, boolean needX, boolean needW) {
        Tensor gseq = toSequences(gy, frames);                                            // (N·H·W, C, T)
        ConvParams p = params(x.dim(1));
        Tensor gx = needX ? fromSequences(b.convBackwardData(gseq, w, gseq.shape(), p), frames, x.dim(2), x.dim(3)) : null;
        Tensor gw = needW ? b.convBackwardFilter(toSequences(x, frames), gseq, w.shape(), p) : null;
        return new Tensor[] {gx, gw};
    }
}
