package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Average pooling over 1, 2 or 3 spatial axes (count_include_pad=True); backward spreads g evenly over each window.
 * Reference: {@code torch.nn.functional.avg_pool2d}.
 */
public final class AvgPool extends Function {
    private final PoolParams params;
    private Shape inShape;

    public AvgPool(PoolParams params) { this.params = params; }

    @Override public String name() { return "avg_pool" + params.spatialRank() + "d"; }

    @Override protected Tensor forward(Tensor... in) {
        MaxPool.checkPoolInput(name(), in[0], params);
        inShape = in[0].shape();
        return in[0].backend().avgPool(in[0], params);
    }

    @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.backend().avgPoolBackward(g, inShape, params)}; }
}
