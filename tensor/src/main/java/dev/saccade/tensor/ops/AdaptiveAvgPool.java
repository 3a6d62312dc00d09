package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Adaptive average pooling of (N, C, *S) to a fixed output size, bins {@code [floor(i·in/out), ceil((i+1)·in/out))}.
 * Reference: {@code torch.nn.functional.adaptive_avg_pool2d}.
 */
public final class AdaptiveAvgPool extends Function {
    private final int[] outSize;
    private Shape inShape;

    public AdaptiveAvgPool(int... outSize) { this.outSize = outSize.clone(); }

    @Override public String name() { return "adaptive_avg_pool" + outSize.length + "d"; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Checks.floating(name(), x);
        if (x.rank() != outSize.length + 2) throw new ShapeException(name() + ": input must have rank " + (outSize.length + 2) + ", got " + x.shape());
        inShape = x.shape();
        return x.backend().adaptiveAvgPool(x, outSize);
    }

    @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.backend().adaptiveAvgPoolBackward(g, inShape)}; }
}
