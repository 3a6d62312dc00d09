package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * {@code x.narrow(axis, start, length)}: a view of a slice. Backward places g into zeros of the input's shape.
 */
public final class Narrow extends Function {
    private final int axis, start, length;
    private Shape inShape;

    public Narrow(int axis, int start, int length) { this.axis = axis; this.start = start; this.length = length; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        return Tensor.wrap(x.storage(), x.layout().narrow(axis, start, length), x.backend());
    }

    @Override protected Tensor[] backward(Tensor g) {
        int a = inShape.normalizeAxis(axis);
        int[] pads = new int[2 * inShape.rank()];
        pads[2 * a] = start;
        pads[2 * a + 1] = inShape.dim(a) - start - length;
        return new Tensor[] {g.pad(pads, 0)};
    }
}
