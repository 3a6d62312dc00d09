package dev.saccade.tensor.ops;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/** Conversion to another dtype ({@code torch.Tensor.to(dtype)}); backward converts g back. */
public final class Cast extends Function {
    private final DType target;
    private DType source;

    public Cast(DType target) { this.target = target; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        source = x.dtype();
        Tensor out = Tensor.wrap(x.backend().allocate(target, x.numel()), x.shape(), x.backend());
        x.backend().copy(x, out);
        return out;
    }

    @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {source.isFloating() ? g.to(source) : null}; }
}
