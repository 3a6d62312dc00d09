package dev.saccade.nn.layers;

import dev.saccade.nn.Module;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;

/**
 * Batch normalisation over the channel axis 1 of (N, C, *): batch statistics and running averages in training
 * mode, running statistics in evaluation mode; {@code γ = 1, β = 0}, momentum 0.1, ε = 1e-5 by default.
 * Works for BatchNorm1d/2d/3d inputs alike. A frozen layer (TSN's partial BN) always uses its running statistics.
 * Reference: {@code torch.nn.BatchNorm2d}.
 */
public final class BatchNorm extends Module {
    private final int channels;
    private final double eps, momentum;
    private final Tensor weight, bias, runningMean, runningVar, batchesTracked;
    private boolean frozen;

    public BatchNorm(int channels) { this(channels, 1e-5, 0.1); }

    public BatchNorm(int channels, double eps, double momentum) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = parameter("weight", Tensor.ones(channels));
        this.bias = parameter("bias", Tensor.zeros(channels));
        this.runningMean = buffer("running_mean", Tensor.zeros(channels));
        this.runningVar = buffer("running_var", Tensor.ones(channels));
        this.batchesTracked = buffer("num_batches_tracked", Tensor.zeros(DType.I64));
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }
    public Tensor runningMean() { return runningMean; }
    public Tensor runningVar() { return runningVar; }
    public int channels() { return channels; }
    public double eps() { return eps; }

    /** Freezes the running statistics (evaluation-mode normalisation even while training), as TSN's partial BN. */
    public void setFrozen(boolean frozen) { this.frozen = frozen; }
    public boolean isFrozen() { return frozen; }

    @Override public Tensor forward(Tensor x) {
        boolean useBatch = countBatch();
        return Functional.batchNorm(x, runningMean, runningVar, weight, bias, useBatch, momentum, eps);
    }

    /**
     * {@code forward(x).relu()} as one op in training ({@link Functional#batchNormRelu}): the same values and
     * gradients, one activation-sized tensor and one pass fewer each way.
     */
    public Tensor forwardRelu(Tensor x) {
        boolean useBatch = countBatch();
        return Functional.batchNormRelu(x, runningMean, runningVar, weight, bias, useBatch, momentum, eps);
    }

    /** True when this pass normalises with batch statistics; then counts the batch. */
    private boolean countBatch() {
        boolean useBatch = isTraining() && !frozen;
        if (useBatch) batchesTracked.backend().fill(batchesTracked, batchesTracked.item() + 1);
        return useBatch;
    }

    @Override public String describe() { return "BatchNorm(" + channels + (frozen ? ", frozen" : "") + ")"; }
}
