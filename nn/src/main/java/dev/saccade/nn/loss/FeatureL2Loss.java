package dev.saccade.nn.loss;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Mean over frames of the L2 norm of the per-frame feature difference, W3's mature feature-guided regularisation
 * (MFR, W3 paper Eq. 9; docs/MODELS.md §6.4): for maps {@code y_Q, y_P} of shape (N·T, C, H, W),
 * {@code L = (1/(N·T)) Σ_f ‖vec(y_Q[f]) − vec(y_P[f])‖₂}. Backward:
 * {@code ∂L/∂y_Q[f] = (y_Q[f] − y_P[f]) / (N·T · ‖y_Q[f] − y_P[f]‖₂)}, and 0 for a frame whose difference is exactly 0
 * (the subgradient PyTorch's {@code norm} uses), so identical maps give a zero gradient, not NaN.
 * The loss does not detach either side: pass {@code matureFeatures.detach()} when the mature model is fixed.
 *
 * <pre>{@code
 * Tensor mfr = FeatureL2Loss.apply(refined, matureRefined.detach());   // ()
 * Tensor loss = ce.add(mfr.mul(lambda));
 * }</pre>
 */
public final class FeatureL2Loss {
    private FeatureL2Loss() {}

    /** The mean per-frame L2 distance between two maps of the same shape (frames on axis 0). */
    public static Tensor apply(Tensor current, Tensor reference) {
        if (!current.shape().equals(reference.shape())) {
            throw new ShapeException("FeatureL2Loss: feature maps differ in shape: " + current.shape() + " vs " + reference.shape());
        }
        if (current.rank() < 2 || current.dim(0) == 0) {
            throw new ShapeException("FeatureL2Loss: need maps (N·T, C, …) with at least one frame, got " + current.shape());
        }
        return new MeanFrameDistance().apply(current, reference);
    }

    /** The autograd op: forward the mean of per-frame norms, backward the normalised difference. */
    private static final class MeanFrameDistance extends Function {
        private Tensor diff, inverseNorm;     // (F, D), (F, 1)

        @Override public String name() { return "feature_l2"; }

        @Override protected Tensor forward(Tensor... in) {
            int frames = in[0].dim(0);
            diff = in[0].sub(in[1]).reshape(frames, -1);                 // (F, D)
            Tensor norm = diff.square().sum(true, 1).sqrt();             // (F, 1)
            Tensor nonZero = norm.gt(Tensor.zeros(norm.dtype(), norm.device(), 1));   // (F, 1) 1 where ‖d‖ > 0
            inverseNorm = nonZero.div(norm.add(nonZero.rsub(1)));        // 1/‖d‖, 0 where ‖d‖ = 0
            return norm.mean();
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor[] inputs = inputs();
            int frames = diff.dim(0);
            Tensor gq = diff.mul(inverseNorm).mul(g.div(frames)).reshape(inputs[0].shape().toArray());
            return new Tensor[] {needsGrad(0) ? gq : null, needsGrad(1) ? gq.neg() : null};
        }

        @Override protected void releaseSaved() { diff = null; inverseNorm = null; }
    }
}
