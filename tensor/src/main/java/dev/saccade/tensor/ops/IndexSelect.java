package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * {@code x.index_select(axis, indices)}: the slices of {@code x} at the given indices along an axis.
 * Backward adds g's slices back at their indices (repeated indices accumulate). Reference: {@code torch.index_select}.
 */
public final class IndexSelect extends Function {
    private final int axis;
    private Tensor indices;
    private Shape inShape;
    private int a;

    public IndexSelect(int axis) { this.axis = axis; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        indices = in[1];
        Checks.integral("index_select", "indices", indices);
        Checks.rank("index_select", "indices", indices, 1);
        inShape = x.shape();
        a = inShape.normalizeAxis(axis);
        long[] idx = indices.toLongArray();
        for (long i : idx) {
            if (i < 0 || i >= inShape.dim(a)) throw new dev.saccade.tensor.ShapeException("index_select: index " + i + " out of range for axis " + a + " of shape " + inShape);
        }
        return x.backend().indexSelect(x, a, indices);
    }

    @Override protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.backend().indexAdd(inShape, a, indices, g), null};
    }

    @Override protected void releaseSaved() { indices = null; }
}
