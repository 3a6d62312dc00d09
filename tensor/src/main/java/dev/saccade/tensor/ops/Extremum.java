package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Max or min over a set of axes ({@code torch.amax/amin}). Backward sends g to the elements equal to the
 * extremum, split evenly among ties, as PyTorch does.
 */
public final class Extremum extends Function {
    private final ReduceOp op;
    private final int[] requestedAxes;
    private final boolean keepDim;
    private Tensor x, keptResult;
    private int[] axes;

    public Extremum(ReduceOp op, int[] axes, boolean keepDim) {
        if (op == ReduceOp.SUM) throw new IllegalArgumentException("Extremum takes MAX or MIN");
        this.op = op; this.requestedAxes = axes.clone(); this.keepDim = keepDim;
    }

    @Override public String name() { return op == ReduceOp.MAX ? "amax" : "amin"; }

    @Override protected Tensor forward(Tensor... in) {
        x = in[0];
        axes = Sum.normalize(x.shape(), requestedAxes);
        keptResult = x.backend().reduce(op, x, axes);
        return keepDim ? keptResult : Reshape.viewAs(keptResult, Sum.dropAxes(keptResult.shape(), axes));
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor mask = x.eq(keptResult);                       // 1 at the extremum (ties included)
        Tensor count = mask.sum(true, axes);
        Tensor gk = g.reshape(keptResult.shape().toArray());
        return new Tensor[] {mask.mul(gk.div(count))};
    }

    @Override protected void releaseSaved() { x = null; keptResult = null; }
}
