package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Max pooling over 1, 2 or 3 spatial axes of (N, C, *S); backward routes g to each window's argmax.
 * Reference: {@code torch.nn.functional.max_pool2d} (floor mode, padding never wins).
 */
public final class MaxPool extends Function {
    private final PoolParams params;
    private Tensor argmax;
    private Shape inShape;

    public MaxPool(PoolParams params) { this.params = params; }

    @Override public String name() { return "max_pool" + params.spatialRank() + "d"; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        checkPoolInput(name(), x, params);
        inShape = x.shape();
        Tensor[] r = x.backend().maxPool(x, params);
        argmax = r[1];
        return r[0];
    }

    /**
     * The pooled values alone, for evaluation under no-grad (no argmax kept, no autograd node).
     *
     * @throws IllegalStateException while gradients are enabled
     */
    public static Tensor inference(Tensor x, PoolParams p) {
        if (dev.saccade.tensor.autograd.GradMode.isEnabled()) {
            throw new IllegalStateException("max_pool inference: evaluation only; run under GradMode.disable()");
        }
        checkPoolInput("max_pool" + p.spatialRank() + "d", x, p);
        return x.backend().maxPoolInference(x, p);
    }

    static void checkPoolInput(String op, Tensor x, PoolParams p) {
        Checks.floating(op, x);
        if (x.rank() != p.spatialRank() + 2) throw new ShapeException(op + ": input must have rank " + (p.spatialRank() + 2) + ", got " + x.shape());
        for (int i = 0; i < p.spatialRank(); i++) {
            if (p.outputSize(i, x.dim(i + 2)) < 1) throw new ShapeException(op + ": input " + x.shape() + " too small for kernel " + java.util.Arrays.toString(p.kernel()));
        }
    }

    @Override protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.backend().maxPoolBackward(g, argmax, inShape, params)};
    }

    @Override protected void releaseSaved() { argmax = null; }
}
