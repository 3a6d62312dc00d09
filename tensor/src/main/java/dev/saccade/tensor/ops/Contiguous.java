package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/** A row-major copy of any view ({@code torch.Tensor.contiguous}); backward passes g through. */
public final class Contiguous extends Function {
    /** A row-major copy with no history. */
    public static Tensor copy(Tensor x) {
        Tensor out = Tensor.wrap(x.backend().allocate(x.dtype(), x.numel()), x.shape(), x.backend());
        x.backend().copy(x, out);
        return out;
    }

    @Override protected Tensor forward(Tensor... in) { return copy(in[0]); }

    @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g}; }
}
