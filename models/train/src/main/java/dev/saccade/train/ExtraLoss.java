package dev.saccade.train;

import dev.saccade.tensor.Tensor;

/**
 * A term added to the cross-entropy of each training step, computed after the model's forward pass (e.g. W3's MFR
 * feature regulariser, {@link MfrTraining}).
 *
 * <pre>{@code
 * ExtraLoss l2 = (input, logits) -> logits.square().mean().mul(1e-4);
 * }</pre>
 */
@FunctionalInterface
public interface ExtraLoss {
    /**
     * @param input  the batch, {@code (N, T, 3, H, W)}
     * @param logits the model's output, {@code (N, K)}
     * @return a one-element tensor to add to the loss
     */
    Tensor compute(Tensor input, Tensor logits);
}
