package dev.saccade.tensor.ops;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * {@code y = x·(α + σ(z))} for x and z of one shape, in one pass: M2A's residual gate {@code x·σ(conv_up(y')) + x}
 * with α = 1 (Gebotys et al., arXiv 2111.09976, §3; gebob19/M2A {@code ops/temporal_shift.py}, class {@code M2A}),
 * σ the logistic function ({@code torch.sigmoid}). Backward, with σ recomputed from the saved z:
 * <pre>
 *   gx = g·(α + σ(z)),     gz = g·x·σ(z)·(1 − σ(z))
 * </pre>
 * The composed ops (sigmoid, multiply, add) write three full-size tensors; the backend reads x and z once and
 * writes y once. {@link #composed} is the reference the {@link Backend#sigmoidGate} default runs.
 */
public final class SigmoidGate extends Function {
    private final double offset;
    private Tensor x, z;

    /** @param offset α, 1 for M2A's {@code x·σ(z) + x} */
    public SigmoidGate(double offset) { this.offset = offset; }

    @Override public String name() { return "sigmoid_gate"; }

    @Override protected Tensor forward(Tensor... in) {
        Checks.floating(name(), in[0]);
        Checks.sameKind(name(), in[0], in[1]);
        if (!in[0].shape().equals(in[1].shape())) throw new ShapeException(name() + ": x " + in[0].shape() + " and z " + in[1].shape() + " must have the same shape");
        x = in[0];
        z = in[1];
        return x.backend().sigmoidGate(x, z, offset);
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor[] grads = g.backend().sigmoidGateBackward(g, x, z, offset, needsGrad(0), needsGrad(1));
        return new Tensor[] {grads[0], grads[1]};
    }

    @Override protected void releaseSaved() { x = null; z = null; }

    /** Forward through sigmoid, multiply and add. */
    public static Tensor composed(Tensor x, Tensor z, double offset) { return x.mul(z.sigmoid().add(offset)); }

    /** Backward through the elementwise ops; returns {gx, gz}, each null unless asked for. */
    public static Tensor[] composedBackward(Tensor g, Tensor x, Tensor z, double offset, boolean needX, boolean needZ) {
        Tensor s = z.sigmoid();
        Tensor gx = needX ? g.mul(s.add(offset)) : null;
        Tensor gz = needZ ? g.mul(x).mul(s).mul(s.neg().add(1)) : null;
        return new Tensor[] {gx, gz};
    }
}
