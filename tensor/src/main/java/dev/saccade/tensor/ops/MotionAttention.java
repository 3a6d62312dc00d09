package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;

/**
 * M2A's motion attention with its residual, {@code y' = softmax(m mᵀ/√E) m + y}, on y (N·T, r, H, W) viewed as N
 * clips of T frames of E = r·H·W values (Gebotys et al., arXiv 2111.09976, §3; gebob19/M2A
 * {@code ops/temporal_shift.py}, {@code CustomMotionAttention} + {@code Motion}):
 * <pre>
 * ŷ[t] = layer_norm(y[t]) over (r, H, W), no affine          biased variance, ε
 * m[t] = ŷ[t+1] − ŷ[t],  m[T−1] = −ŷ[T−1]                   motion
 * A    = softmax(m mᵀ / √E) over the last axis               (N, T, T), one head, no projections
 * y'   = A m + y
 * </pre>
 * Scaled dot-product attention: Vaswani et al. 2017, Eq. 1. {@link #inference} runs the backend's kernel (on the CPU
 * two reads of y for the statistics and the T×T scores and one more for the output, none of ŷ, m or A m stored;
 * evaluation only); {@link #composed} is the same from differentiable ops, the reference it is tested against and
 * what training runs.
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) {
 *     Tensor attended = MotionAttention.inference(y, 8, 1e-5);    // y, attended: (N·8, r, H, W)
 * }
 * }</pre>
 */
public final class MotionAttention {
    private MotionAttention() {}

    /** {@code softmax(m mᵀ/√E) m + y} by the backend's kernel; evaluation only (refused while gradients are on). */
    public static Tensor inference(Tensor y, int frames, double eps) {
        String op = "motion_attention";
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        check(op, y, frames);
        Tensor out = y.backend().motionAttentionInference(y, frames, eps);
        int n = y.dim(0) / frames, e = y.dim(1) * y.dim(2) * y.dim(3);                // E per frame, also for no frames
        // the two products of the composed form, as MatMul counts them: m mᵀ (N, T, T) and A m (N, T, E)
        MacCounter.report("matmul", dev.saccade.tensor.Shape.of(n, frames, frames), (long) n * frames * frames * e);
        MacCounter.report("matmul", dev.saccade.tensor.Shape.of(n, frames, e), (long) n * frames * frames * e);
        return out;
    }

    /** The same from layer norm, frame difference, matmul, softmax, matmul and add (differentiable). */
    public static Tensor composed(Tensor y, int frames, double eps) { return attention(y, frames, eps).add(y); }

    /** {@code softmax(m mᵀ/√E) m} alone, without the residual (differentiable), as {@link #composed} computes it. */
    public static Tensor attention(Tensor y, int frames, double eps) {
        check("motion_attention", y, frames);
        int nt = y.dim(0), r = y.dim(1), h = y.dim(2), w = y.dim(3);
        int n = nt / frames, e = r * h * w;
        Tensor normed = Functional.layerNorm(y, 3, null, null, eps);                 // (N·T, r, H, W)
        Tensor motion = Functional.frameDifferenceM2a(normed, frames);               // (N·T, r, H, W)
        Tensor tokens = motion.reshape(n, frames, e);                                // (N, T, E)
        Tensor scores = tokens.matmul(tokens.transpose(1, 2)).mul(1.0 / Math.sqrt(e)); // (N, T, T)
        Tensor attended = scores.softmax(-1).matmul(tokens);                         // (N, T, E)
        return attended.reshape(nt, r, h, w);
    }

    private static void check(String op, Tensor y, int frames) {
        if (y.rank() != 4) throw new ShapeException(op + ": needs (N·T, r, H, W), got " + y.shape());
        if (frames < 1 || y.dim(0) % frames != 0) {
            throw new ShapeException(op + ": batch " + y.dim(0) + " of " + y.shape() + " is not a multiple of T=" + frames);
        }
        Checks.floating(op, y);
    }
}
