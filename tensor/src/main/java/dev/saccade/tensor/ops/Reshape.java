package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;
import java.util.Arrays;

/**
 * The same elements in a new shape: a view when the strides allow it, else a contiguous copy
 * ({@code torch.reshape}). Backward reshapes g back.
 */
public final class Reshape extends Function {
    private final Shape target;
    private Shape inShape;

    public Reshape(Shape target) { this.target = target; }

    /** Resolves one −1 entry of {@code dims} so that the element count of {@code from} is kept. */
    public static Shape infer(Shape from, int[] dims) {
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (unknown >= 0) throw new ShapeException("reshape " + Arrays.toString(dims) + ": only one axis may be -1");
                unknown = i;
            } else known *= dims[i];
        }
        int[] out = dims.clone();
        if (unknown >= 0) {
            if (known == 0 || from.numel() % known != 0) {
                throw new ShapeException("cannot reshape shape " + from + " (" + from.numel() + " elements) to " + Arrays.toString(dims));
            }
            out[unknown] = (int) (from.numel() / known);
        }
        Shape s = Shape.of(out);
        if (s.numel() != from.numel()) throw new ShapeException("cannot reshape shape " + from + " (" + from.numel() + " elements) to " + s + " (" + s.numel() + " elements)");
        return s;
    }

    /** A view of a contiguous tensor with no history; for ops' internal use. */
    public static Tensor viewAs(Tensor t, Shape shape) {
        return Tensor.wrap(t.storage(), t.contiguous().layout().view(shape), t.backend());
    }

    /** Removes a size-1 axis without history. */
    public static Tensor dropAxis(Tensor t, int axis) {
        int[] d = new int[t.rank() - 1];
        for (int i = 0, j = 0; i < t.rank(); i++) if (i != axis) d[j++] = t.dim(i);
        return viewAs(t, Shape.of(d));
    }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        var v = x.layout().view(target);
        if (v != null) return Tensor.wrap(x.storage(), v, x.backend());
        Tensor c = Contiguous.copy(x);
        return Tensor.wrap(c.storage(), c.layout().view(target), c.backend());
    }

    @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.reshape(inShape.toArray())}; }
}
