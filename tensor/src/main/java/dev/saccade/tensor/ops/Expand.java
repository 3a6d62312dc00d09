package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/** Broadcasts size-1 axes to {@code target} as a stride-0 view ({@code torch.expand}); backward sums g back. */
public final class Expand extends Function {
    private final Shape target;
    private Shape inShape;

    public Expand(Shape target) { this.target = target; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        return Tensor.wrap(x.storage(), x.layout().expand(target), x.backend());
    }

    @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {Sum.sumTo(g, inShape)}; }
}
