package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * {@code y = f(x; α)} for a {@link UnaryOp}; backward {@code gx = f'(x, y; α) · gy}.
 * Reference: the matching {@code torch.*} elementwise function.
 */
public final class ElementwiseUnary extends Function {
    private final UnaryOp op;
    private final double alpha;
    private Tensor x, y;

    public ElementwiseUnary(UnaryOp op, double alpha) { this.op = op; this.alpha = alpha; }

    @Override public String name() { return op.kernelName(); }

    @Override protected Tensor forward(Tensor... in) {
        Checks.floating(op.kernelName(), in[0]);
        x = in[0];
        y = x.backend().unary(op, x, alpha);
        return y;
    }

    @Override protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {x.backend().unaryBackward(op, x, y, gy, alpha)};
    }

    @Override protected void releaseSaved() { x = null; y = null; }
}
