package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;
import java.util.Arrays;

/**
 * Constant padding: {@code pads[2i]} elements before and {@code pads[2i+1]} after axis i, filled with
 * {@code value}. Note the axis order is first-to-last (unlike {@code torch.nn.functional.pad}, which lists the
 * last axis first). Backward narrows g back to the input.
 */
public final class Pad extends Function {
    private final int[] pads;
    private final double value;
    private Shape inShape;

    public Pad(int[] pads, double value) { this.pads = pads.clone(); this.value = value; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        if (pads.length != 2 * x.rank()) throw new ShapeException("pad: " + Arrays.toString(pads) + " needs two entries per axis of shape " + x.shape());
        int[] d = x.shape().toArray();
        for (int i = 0; i < d.length; i++) {
            if (pads[2 * i] < 0 || pads[2 * i + 1] < 0) throw new ShapeException("pad: negative padding " + Arrays.toString(pads));
            d[i] += pads[2 * i] + pads[2 * i + 1];
        }
        Shape outShape = Shape.of(d);
        Tensor out = Tensor.wrap(x.backend().allocate(x.dtype(), outShape.numel()), outShape, x.backend());
        if (value != 0) x.backend().fill(out, value);
        var inner = out.layout();
        for (int i = 0; i < d.length; i++) inner = inner.narrow(i, pads[2 * i], x.dim(i));
        x.backend().copy(x, Tensor.wrap(out.storage(), inner, out.backend()));
        return out;
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor r = g;
        for (int i = 0; i < inShape.rank(); i++) r = r.narrow(i, pads[2 * i], inShape.dim(i));
        return new Tensor[] {r.contiguous()};
    }
}
