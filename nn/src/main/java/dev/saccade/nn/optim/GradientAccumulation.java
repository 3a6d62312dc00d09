package dev.saccade.nn.optim;

import dev.saccade.tensor.Tensor;

/**
 * Sums gradients over {@code k} micro-batches so that one optimizer step sees the gradient of a batch {@code k}
 * times larger than fits in memory. Backward already accumulates into {@code grad} until it is cleared, so the only
 * changes to the plain loop are: scale each micro-batch's loss by {@code 1/k} (the mean over the large batch is the
 * mean of the micro-batch means), and step, clip and clear only after the {@code k}-th micro-batch.
 *
 * <p>How the trainer uses it:
 * <pre>{@code
 * GradientAccumulation acc = new GradientAccumulation(4);
 * optimizer.zeroGrad();
 * for (Batch b : loader) {
 *     Tensor loss = criterion.apply(model.forward(b.input()), b.labels());
 *     acc.scale(loss).backward();                    // grads += ∇(loss / k)
 *     if (acc.microBatchDone()) {                    // true after every k-th call
 *         GradientClipping.clipGlobalNorm(model.parameters(), 20);
 *         optimizer.step();
 *         optimizer.zeroGrad();
 *     }
 * }
 * }</pre>
 * The learning-rate schedule should count optimizer steps, not micro-batches. BatchNorm still normalises each
 * micro-batch with its own statistics, so accumulation matches a large batch exactly only for models without
 * batch-dependent layers. At the end of an epoch with a partial group, {@link #pending()} tells how many
 * micro-batches are waiting; the trainer may step on them or drop them ({@link #reset()}).
 */
public final class GradientAccumulation {
    private final int k;
    private int pending;

    /** @param k micro-batches per optimizer step, ≥ 1 (1 is the plain loop) */
    public GradientAccumulation(int k) {
        if (k < 1) throw new IllegalArgumentException("GradientAccumulation: k = " + k + " micro-batches per step must be ≥ 1");
        this.k = k;
    }

    public int microBatches() { return k; }

    /** {@code loss / k}, the contribution of one micro-batch to the large batch's mean loss. */
    public Tensor scale(Tensor loss) { return k == 1 ? loss : loss.div(k); }

    /** Counts one micro-batch whose backward has run; true when it completes a group of {@code k} (time to step). */
    public boolean microBatchDone() {
        pending++;
        if (pending == k) {
            pending = 0;
            return true;
        }
        return false;
    }

    /** Micro-batches counted since the last completed group. */
    public int pending() { return pending; }

    /** Forgets a partial group (call together with {@code optimizer.zeroGrad()}). */
    public void reset() { pending = 0; }
}
