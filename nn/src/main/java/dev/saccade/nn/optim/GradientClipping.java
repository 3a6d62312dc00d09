package dev.saccade.nn.optim;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.Collection;

/**
 * Clipping of the global gradient norm, as {@code torch.nn.utils.clip_grad_norm_} (norm type 2): the total norm is
 * {@code ‖(‖g_1‖₂, …, ‖g_n‖₂)‖₂} over the parameters that have a gradient, and every gradient is scaled in place by
 * {@code min(1, maxNorm / (total + 1e-6))}. TSM/TSN/ACTION-Net train with {@code --gd 20}.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = GradientClipping.clipGlobalNorm(model.parameters(), 20);
 * optimizer.step();
 * }</pre>
 */
public final class GradientClipping {
    /** PyTorch's guard against division by a zero norm. */
    public static final double EPS = 1e-6;

    private GradientClipping() {}

    /**
     * Scales the gradients of {@code params} so that their global L2 norm is at most {@code maxNorm}; returns the norm
     * before clipping. Parameters without a gradient are ignored; with none at all the norm is 0. A NaN or infinite
     * norm is returned as is and, as in PyTorch (error_if_nonfinite=False), the gradients are multiplied by the
     * resulting non-finite factor; callers should check the returned value.
     */
    public static double clipGlobalNorm(Collection<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clipGlobalNorm: maxNorm " + maxNorm + " must be > 0");
        try (var noGrad = GradMode.disable()) {
            Tensor sumOfSquares = null;                                  // () Σ_p ‖g_p‖²
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                Tensor s = g.square().sum();
                sumOfSquares = sumOfSquares == null ? s : sumOfSquares.add(s.to(sumOfSquares.device()));
            }
            if (sumOfSquares == null) return 0;
            double total = Math.sqrt(sumOfSquares.item());
            double coef = maxNorm / (total + EPS);
            if (coef < 1 || Double.isNaN(coef)) {
                for (Tensor p : params) {
                    Tensor g = p.grad();
                    if (g != null) g.backend().copy(g.mul(coef), g);
                }
            }
            return total;
        }
    }
}
