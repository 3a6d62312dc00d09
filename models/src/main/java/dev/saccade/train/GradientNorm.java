package dev.saccade.train;

import dev.saccade.tensor.Tensor;
import java.util.Collection;

/**
 * Global gradient L2-norm clipping, as {@code torch.nn.utils.clip_grad_norm_}: the norm of all gradients
 * concatenated, {@code ‖g‖ = sqrt(Σ_p Σ_i g_pi²)}; when {@code ‖g‖ > maxNorm} every gradient is scaled by
 * {@code maxNorm / (‖g‖ + 1e-6)}.
 *
 * <pre>{@code
 * double norm = GradientNorm.clip(model.parameters(), 20);   // TSM's --gd 20
 * }</pre>
 */
public final class GradientNorm {
    private GradientNorm() {}

    /** The total norm of the gradients present (parameters without a gradient are skipped). */
    public static double total(Collection<Tensor> params) {
        double sumSquares = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) sumSquares += g.square().sum().item();
        }
        return Math.sqrt(sumSquares);
    }

    /** Clips in place and returns the norm before clipping. */
    public static double clip(Collection<Tensor> params, double maxNorm) {
        double norm = total(params);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) p.setGrad(g.mul(coef));
            }
        }
        return norm;
    }
}
