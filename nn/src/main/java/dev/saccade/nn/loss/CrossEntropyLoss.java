package dev.saccade.nn.loss;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;

/**
 * Mean softmax cross-entropy of logits (N, K) against class indices (N,), {@code −(1/N) Σ_n log softmax(x_n)[t_n]}
 * (via {@link Functional#crossEntropy}). With the finiteness check on (the default) a NaN or infinite loss is an
 * {@link ArithmeticException} naming the step, so a diverging run stops at the step where it diverged instead of
 * writing NaN weights. The check reads the scalar back from the device, one small synchronisation per step.
 * Reference: {@code torch.nn.CrossEntropyLoss(reduction='mean')}.
 *
 * <pre>{@code
 * CrossEntropyLoss criterion = new CrossEntropyLoss();
 * Tensor loss = criterion.apply(model.forward(clips), labels, globalStep);   // () F32
 * loss.backward();
 * }</pre>
 */
public final class CrossEntropyLoss {
    private final boolean checkFinite;

    public CrossEntropyLoss() { this(true); }

    /** @param checkFinite whether to fail on a NaN/Inf loss */
    public CrossEntropyLoss(boolean checkFinite) { this.checkFinite = checkFinite; }

    /** The loss, a scalar; no step is named in an error. */
    public Tensor apply(Tensor logits, Tensor targets) { return compute(logits, targets, -1); }

    /** The loss, a scalar; {@code step} (≥ 0) is named in the error when the loss is not finite. */
    public Tensor apply(Tensor logits, Tensor targets, long step) {
        if (step < 0) throw new IllegalArgumentException("CrossEntropyLoss: step " + step + " must be ≥ 0");
        return compute(logits, targets, step);
    }

    private Tensor compute(Tensor logits, Tensor targets, long step) {
        Tensor loss = Functional.crossEntropy(logits, targets);          // ()
        if (checkFinite) {
            double v = loss.item();
            if (!Double.isFinite(v)) {
                throw new ArithmeticException("cross-entropy loss is " + v + (step >= 0 ? " at step " + step : "")
                        + " (logits " + logits.shape() + "): the run diverged or the input holds NaN/Inf; lower the learning rate or check the data");
            }
        }
        return loss;
    }
}
