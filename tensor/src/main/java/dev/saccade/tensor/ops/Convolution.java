package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * 1-, 2- or 3-d cross-correlation with stride, padding, dilation and groups (depthwise when groups = C_in = C_out):
 * x (N, C_in, *S) ⋆ w (C_out, C_in/groups, *K) + b (C_out) → (N, C_out, *S').
 * Backward: gx = backward-data(g, w), gw = backward-filter(x, g), gb = Σ g over N and S'.
 * Reference: {@code torch.nn.functional.conv1d/conv2d/conv3d}.
 */
public final class Convolution extends Function {
    private final ConvParams params;
    private Tensor x, w;

    public Convolution(ConvParams params) { this.params = params; }

    @Override public String name() { return "conv" + params.spatialRank() + "d"; }

    @Override protected Tensor forward(Tensor... in) {
        x = in[0];
        w = in[1];
        Tensor b = in.length > 2 ? in[2] : null;
        int r = params.spatialRank();
        Checks.sameKind(name(), x, w, b);
        Checks.floating(name(), x);
        if (x.rank() != r + 2 || w.rank() != r + 2) {
            throw new ShapeException(name() + ": input " + x.shape() + " and weight " + w.shape() + " must both have rank " + (r + 2));
        }
        int groups = params.groups();
        if (x.dim(1) != w.dim(1) * groups) {
            throw new ShapeException(name() + ": input " + x.shape() + " has " + x.dim(1) + " channels, weight " + w.shape()
                    + " with groups=" + groups + " expects " + w.dim(1) * groups);
        }
        if (w.dim(0) % groups != 0) throw new ShapeException(name() + ": weight " + w.shape() + " output channels not divisible by groups=" + groups);
        if (b != null && (b.rank() != 1 || b.dim(0) != w.dim(0))) {
            throw new ShapeException(name() + ": bias " + b.shape() + " must be (" + w.dim(0) + ",) for weight " + w.shape());
        }
        for (int i = 0; i < r; i++) {
            if (params.outputSize(i, x.dim(i + 2), w.dim(i + 2)) < 1) {
                throw new ShapeException(name() + ": input " + x.shape() + " is too small for weight " + w.shape() + " with " + params);
            }
        }
        Tensor y = x.backend().conv(x, w, b, params);
        long perOutput = (long) w.numel() / w.dim(0);                 // C_in/groups · Πk
        MacCounter.report(name(), y.shape(), perOutput * y.numel());
        return y;
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor gx = needsGrad(0) ? x.backend().convBackwardData(g, w, x.shape(), params) : null;
        Tensor gw = needsGrad(1) ? x.backend().convBackwardFilter(x, g, w.shape(), params) : null;
        Tensor gb = null;
        if (inputs().length > 2 && needsGrad(2)) {
            int[] axes = new int[g.rank() - 1];
            axes[0] = 0;
            for (int i = 2; i < g.rank(); i++) axes[i - 1] = i;
            gb = g.sum(axes);
        }
        return inputs().length > 2 ? new Tensor[] {gx, gw, gb} : new Tensor[] {gx, gw};
    }

    @Override protected void releaseSaved() { x = null; w = null; }
}
