package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * {@code out = a ∘ b} with NumPy broadcasting. Backward, with g the output gradient, each summed back to the
 * input's shape over broadcast axes: add (g, g); sub (g, −g); mul (g·b, g·a); div (g/b, −g·a/b²);
 * maximum/minimum route g to the selected input, split evenly at ties (as {@code torch.maximum}).
 * Comparisons have no gradient.
 */
public final class ElementwiseBinary extends Function {
    private final BinaryOp op;
    private Tensor a, b;

    public ElementwiseBinary(BinaryOp op) { this.op = op; }

    @Override public String name() { return op.kernelName(); }

    @Override protected Tensor forward(Tensor... in) {
        Checks.sameKind(op.kernelName(), in[0], in[1]);
        a = in[0];
        b = in[1];
        Shape out = Shape.broadcast(a.shape(), b.shape());
        Tensor ea = a.shape().equals(out) ? a : Tensor.wrap(a.storage(), a.layout().expand(out), a.backend());
        Tensor eb = b.shape().equals(out) ? b : Tensor.wrap(b.storage(), b.layout().expand(out), b.backend());
        return a.backend().binary(op, ea, eb);
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor ga = null, gb = null;
        boolean wa = needsGrad(0), wb = needsGrad(1);
        switch (op) {
            case ADD -> { ga = g; gb = g; }
            case SUB -> { ga = g; gb = wb ? g.neg() : null; }
            case MUL -> { ga = wa ? g.mul(b) : null; gb = wb ? g.mul(a) : null; }
            case DIV -> {
                ga = wa ? g.div(b) : null;
                gb = wb ? g.mul(a).div(b.square()).neg() : null;
            }
            case MAXIMUM, MINIMUM -> {
                Tensor aWins = op == BinaryOp.MAXIMUM ? a.gt(b) : a.lt(b);
                Tensor tie = a.eq(b).mul(0.5);
                Tensor shareA = aWins.add(tie);            // 1, ½ or 0
                ga = wa ? g.mul(shareA) : null;
                gb = wb ? g.mul(shareA.rsub(1)) : null;
            }
            case GT, LT, EQ -> { return new Tensor[] {null, null}; }
        }
        return new Tensor[] {ga == null ? null : Sum.sumTo(ga, a.shape()), gb == null ? null : Sum.sumTo(gb, b.shape())};
    }

    @Override protected void releaseSaved() { a = null; b = null; }
}
