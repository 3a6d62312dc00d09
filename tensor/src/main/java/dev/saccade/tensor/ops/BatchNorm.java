package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Batch normalisation in training mode over every axis but the channel axis 1 of (N, C, *S)
 * (Ioffe &amp; Szegedy 2015, Alg. 1; {@code torch.nn.functional.batch_norm(training=True)}):
 * {@code x̂ = (x − μ_B) / sqrt(σ²_B + ε)}, {@code y = γ x̂ + β}, with the biased batch variance. When running
 * statistics are given they are updated in place as PyTorch does:
 * {@code running = (1 − momentum)·running + momentum·stat}, with the unbiased variance {@code σ²_B · M/(M−1)}.
 * Backward with M = N·|S|: {@code gβ = Σ g}, {@code gγ = Σ g x̂},
 * {@code gx = γ/(M·sqrt(σ²+ε)) · (M g − gβ − x̂ gγ)}.
 * Evaluation mode is a plain affine map with the running statistics (see {@code Functional.batchNorm}).
 * With {@code relu} the op is batch norm followed by ReLU, {@code y = max(γ x̂ + β, 0)}
 * ({@code Functional.batchNormRelu}): one output instead of two, and the backward masks g where
 * {@code γ x̂ + β ≤ 0} ({@code torch.nn.functional.relu}'s gradient) before the batch-norm backward.
 */
public final class BatchNorm extends Function {
    private final double eps, momentum;
    private final Tensor runningMean, runningVar;
    private final boolean relu;
    private Tensor xhat, invStd, gamma, beta;
    private int count;

    /** Running statistics may be null (then nothing is tracked). */
    public BatchNorm(double eps, double momentum, Tensor runningMean, Tensor runningVar) {
        this(eps, momentum, runningMean, runningVar, false);
    }

    /** With {@code relu}, batch norm followed by ReLU in one op. */
    public BatchNorm(double eps, double momentum, Tensor runningMean, Tensor runningVar, boolean relu) {
        this.relu = relu;
        this.eps = eps;
        this.momentum = momentum;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
    }

    @Override public String name() { return relu ? "batch_norm_relu" : "batch_norm"; }

    /** Shape (1, C, 1, …) for broadcasting a per-channel vector over x. */
    static int[] channelShape(Tensor x) {
        int[] s = new int[x.rank()];
        java.util.Arrays.fill(s, 1);
        s[1] = x.dim(1);
        return s;
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor[] grads = relu                                                                           // {gx, gγ, gβ}
                ? g.backend().batchNormReluTrainingBackward(g, xhat, invStd, gamma, beta, needsGrad(0))
                : g.backend().batchNormTrainingBackward(g, xhat, invStd, gamma, needsGrad(0));
        int c = g.dim(1);
        Tensor[] out = new Tensor[inputs().length];
        out[0] = grads[0];
        if (out.length > 1 && needsGrad(1)) out[1] = grads[1].reshape(c);
        if (out.length > 2 && needsGrad(2)) out[2] = grads[2].reshape(c);
        return out;
    }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        gamma = in.length > 1 ? in[1] : null;
        beta = in.length > 2 ? in[2] : null;
        Checks.sameKind(name(), x, gamma, beta);
        Checks.floating(name(), x);
        if (x.rank() < 2) throw new ShapeException(name() + ": input must be (N, C, …), got " + x.shape());
        int c = x.dim(1);
        for (Tensor p : new Tensor[] {gamma, beta, runningMean, runningVar}) {
            if (p != null && (p.rank() != 1 || p.dim(0) != c)) throw new ShapeException(name() + ": parameter " + p.shape() + " must be (" + c + ",) for input " + x.shape());
        }
        count = x.numel() / c;
        if (count < 2) throw new ShapeException(name() + ": training needs more than one value per channel, input " + x.shape());
        Tensor[] r = relu ? x.backend().batchNormReluTraining(x, gamma, beta, eps)    // {y, x̂, μ, σ², invStd}
                          : x.backend().batchNormTraining(x, gamma, beta, eps);
        Tensor y = r[0], mean = r[2], var = r[3];               // μ, σ² (1, C, 1, …), σ² biased
        xhat = r[1];
        invStd = r[4];
        if (runningMean != null) {
            scaleInPlace(runningMean, 1 - momentum);
            runningMean.backend().axpy(momentum, mean.reshape(c), runningMean);
        }
        if (runningVar != null) {
            scaleInPlace(runningVar, 1 - momentum);
            runningVar.backend().axpy(momentum * count / (count - 1.0), var.reshape(c), runningVar);
        }
        return y;
    }

    private static void scaleInPlace(Tensor t, double s) {
        Tensor scaled = t.mul(s);
        t.backend().copy(scaled, t);
    }

    @Override protected void releaseSaved() { xhat = null; invStd = null; gamma = null; beta = null; }
}
