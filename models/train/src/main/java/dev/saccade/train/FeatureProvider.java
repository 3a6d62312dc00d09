package dev.saccade.train;

import dev.saccade.tensor.Tensor;

/**
 * A model that exposes the feature map its last {@code forward} computed before global pooling: for W3 the
 * AFR-refined last-stage map {@code y} of Eq. 8, {@code (N·T, C, H, W)}. MFR (Eq. 9) regularises the student's map
 * towards the teacher's.
 *
 * <pre>{@code
 * Tensor logits = model.forward(x);
 * Tensor y = ((FeatureProvider) model).lastFeatures();   // (N·T, C, H, W), part of the autograd graph
 * }</pre>
 */
public interface FeatureProvider {
    /** The refined features of the latest forward pass (still attached to its graph when grad was on). */
    Tensor lastFeatures();
}
