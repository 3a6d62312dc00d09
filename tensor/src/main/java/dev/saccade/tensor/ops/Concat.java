package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/** Concatenation along an axis ({@code torch.cat}); backward narrows g into one slice per input. */
public final class Concat extends Function {
    private final int axis;
    private int a;
    private int[] sizes;

    public Concat(int axis) { this.axis = axis; }

    @Override protected Tensor forward(Tensor... in) {
        if (in.length == 0) throw new ShapeException("cat: no tensors");
        Checks.sameKind("cat", in);
        Tensor first = in[0];
        a = first.shape().normalizeAxis(axis);
        sizes = new int[in.length];
        int total = 0;
        for (int i = 0; i < in.length; i++) {
            Tensor t = in[i];
            if (t.rank() != first.rank()) throw new ShapeException("cat: tensor " + i + " has shape " + t.shape() + ", tensor 0 has " + first.shape());
            for (int d = 0; d < t.rank(); d++) {
                if (d != a && t.dim(d) != first.dim(d)) {
                    throw new ShapeException("cat along axis " + a + ": tensor " + i + " has shape " + t.shape() + ", tensor 0 has " + first.shape());
                }
            }
            sizes[i] = t.dim(a);
            total += sizes[i];
        }
        int[] d = first.shape().toArray();
        d[a] = total;
        Shape outShape = Shape.of(d);
        Tensor out = Tensor.wrap(first.backend().allocate(first.dtype(), outShape.numel()), outShape, first.backend());
        int start = 0;
        for (int i = 0; i < in.length; i++) {
            first.backend().copy(in[i], Tensor.wrap(out.storage(), out.layout().narrow(a, start, sizes[i]), out.backend()));
            start += sizes[i];
        }
        return out;
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor[] out = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (needsGrad(i)) out[i] = g.narrow(a, start, sizes[i]).contiguous();
            start += sizes[i];
        }
        return out;
    }
}
