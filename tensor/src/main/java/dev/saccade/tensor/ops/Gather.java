package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * {@code out[i][j][k] = x[i][idx[i][j][k]][k]} for axis 1 (and likewise for any axis), {@code torch.gather}.
 * Backward scatter-adds g into zeros of x's shape.
 */
public final class Gather extends Function {
    private final int axis;
    private Tensor indices;
    private Shape inShape;
    private int a;

    public Gather(int axis) { this.axis = axis; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        indices = in[1];
        Checks.integral("gather", "indices", indices);
        inShape = x.shape();
        a = inShape.normalizeAxis(axis);
        if (indices.rank() != x.rank()) throw new ShapeException("gather: indices " + indices.shape() + " must have the rank of input " + x.shape());
        for (int d = 0; d < x.rank(); d++) {
            if (d != a && indices.dim(d) > x.dim(d)) throw new ShapeException("gather: indices " + indices.shape() + " larger than input " + x.shape() + " at axis " + d);
        }
        for (long i : indices.toLongArray()) {
            if (i < 0 || i >= x.dim(a)) throw new ShapeException("gather: index " + i + " out of range for axis " + a + " of shape " + x.shape());
        }
        return x.backend().gather(x, a, indices);
    }

    @Override protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.backend().scatterAdd(inShape, a, indices, g), null};
    }

    @Override protected void releaseSaved() { indices = null; }
}
