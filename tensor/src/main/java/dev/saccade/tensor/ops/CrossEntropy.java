package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Mean softmax cross-entropy of logits (N, K) against class indices (N,):
 * {@code L = −(1/N) Σ_n log softmax(x_n)[t_n]}. Backward: {@code gx = g · (softmax(x) − onehot(t)) / N}.
 * Reference: {@code torch.nn.functional.cross_entropy(reduction='mean')}.
 */
public final class CrossEntropy extends Function {
    private Tensor logProbs, targets;

    @Override public String name() { return "cross_entropy"; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor logits = in[0];
        targets = in[1];
        Checks.floating(name(), logits);
        Checks.integral(name(), "targets", targets);
        if (logits.rank() != 2) throw new ShapeException(name() + ": logits must be (N, K), got " + logits.shape());
        if (targets.rank() != 1 || targets.dim(0) != logits.dim(0)) {
            throw new ShapeException(name() + ": targets " + targets.shape() + " must be (" + logits.dim(0) + ",) for logits " + logits.shape());
        }
        int k = logits.dim(1);
        for (long t : targets.toLongArray()) {
            if (t < 0 || t >= k) throw new ShapeException(name() + ": target class " + t + " out of range for " + k + " classes (logits " + logits.shape() + ")");
        }
        logProbs = logits.backend().softmax(logits, true);
        Tensor picked = logProbs.gather(1, targets.reshape(-1, 1));      // (N, 1)
        return picked.mean().neg();
    }

    @Override protected Tensor[] backward(Tensor g) {
        int n = logProbs.dim(0);
        Tensor idx = targets.reshape(-1, 1);
        Tensor ones = Tensor.full(1, logProbs.dtype(), n, 1).to(logProbs.device());
        Tensor onehot = logProbs.backend().scatterAdd(logProbs.shape(), 1, idx, ones);
        Tensor gx = logProbs.exp().sub(onehot).mul(g.div(n));
        return new Tensor[] {gx, null};
    }

    @Override protected void releaseSaved() { logProbs = null; targets = null; }
}
