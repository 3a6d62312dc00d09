package dev.saccade.tensor.ops;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;
import dev.saccade.tensor.autograd.GradMode;

/**
 * M2A's motion attention with its residual, {@code y' = softmax(m mᵀ/√E) m + y}, on y (N·T, r, H, W) viewed as N
 * clips of T frames of E = r·H·W values (Gebotys et al., arXiv 2111.09976, §3; gebob19/M2A
 * {@code ops/temporal_shift.py}, {@code CustomMotionAttention} + {@code Motion}):
 * <pre>
 * ŷ[t] = layer_norm(y[t]) over (r, H, W), no affine          biased variance, ε
 * m[t] = ŷ[t+1] − ŷ[t],  m[T−1] = −ŷ[T−1]                   motion, m = D ŷ
 * A    = softmax(m mᵀ / √E) over the last axis               (N, T, T), one head, no projections
 * y'   = A m + y
 * </pre>
 * Backward, for g = ∂L/∂y' (per clip; rows are frames, products over E):
 * <pre>
 * dA   = g mᵀ,   dS = A ⊙ (dA − rowsum(A ⊙ dA)) / √E          softmax (Vaswani et al. 2017, Eq. 1)
 * dm   = Aᵀ g + (dS + dSᵀ) m                                 both products of m
 * dŷ   = Dᵀ dm:  dŷ[t] = dm[t−1] − dm[t]                     the frame difference
 * ∂L/∂y = g + rstd·(dŷ − mean(dŷ) − ŷ·mean(dŷ ⊙ ŷ))          layer norm without affine, per frame
 * </pre>
 * As an op ({@link #fused}; the CPU runs one kernel each way: the forward reads y three times and writes y' once,
 * the backward reads y four times and g twice and writes ∂L/∂y once, and neither writes ŷ, m, A m or their
 * gradients; CUDA runs its forward kernel and {@link #composedBackward}); {@link #composed} is the same from differentiable ops (layer norm, frame
 * difference, matmul, softmax, matmul, add), the reference both directions are tested against, and
 * {@link #composedBackward} the backward above from those ops' own backward formulas, which backends without a
 * kernel run. {@link #inference} is the forward alone, evaluation only.
 *
 * <pre>{@code
 * Tensor attended = MotionAttention.fused(y, 8, 1e-5);           // y, attended: (N·8, r, H, W); differentiable
 * try (var noGrad = GradMode.disable()) {
 *     Tensor same = MotionAttention.inference(y, 8, 1e-5);
 * }
 * }</pre>
 */
public final class MotionAttention extends Function {
    private static final String OP = "motion_attention";
    private final int frames;
    private final double eps;
    private Tensor y;

    private MotionAttention(int frames, double eps) {
        this.frames = frames;
        this.eps = eps;
    }

    @Override public String name() { return OP; }

    /** {@code softmax(m mᵀ/√E) m + y} as one differentiable op, forward and backward by the backend's kernels. */
    public static Tensor fused(Tensor y, int frames, double eps) {
        check(OP, y, frames);
        return new MotionAttention(frames, eps).apply(y);
    }

    @Override protected Tensor forward(Tensor... in) {
        y = in[0];
        Tensor out = y.backend().motionAttention(y, frames, eps);
        reportMacs(y, frames);
        return out;
    }

    @Override protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.backend().motionAttentionBackward(g, y, frames, eps)};
    }

    @Override protected void releaseSaved() { y = null; }

    /** {@code softmax(m mᵀ/√E) m + y} by the backend's kernel; evaluation only (refused while gradients are on). */
    public static Tensor inference(Tensor y, int frames, double eps) {
        if (GradMode.isEnabled()) throw new IllegalStateException(OP + ": evaluation only; run under GradMode.disable()");
        check(OP, y, frames);
        long t0 = InferenceProfile.start();
        Tensor out = InferenceProfile.stopOp(t0, OP, y, y.backend().motionAttention(y, frames, eps));
        reportMacs(y, frames);
        return out;
    }

    /** The two products of the composed form, as {@link MatMul} counts them: m mᵀ (N, T, T) and A m (N, T, E). */
    private static void reportMacs(Tensor y, int frames) {
        int n = y.dim(0) / frames, e = y.dim(1) * y.dim(2) * y.dim(3);                // E per frame, also for no frames
        MacCounter.report("matmul", Shape.of(n, frames, frames), (long) n * frames * frames * e);
        MacCounter.report("matmul", Shape.of(n, frames, e), (long) n * frames * frames * e);
    }

    /** The same from layer norm, frame difference, matmul, softmax, matmul and add (differentiable). */
    public static Tensor composed(Tensor y, int frames, double eps) { return attention(y, frames, eps).add(y); }

    /** {@code softmax(m mᵀ/√E) m} alone, without the residual (differentiable), as {@link #composed} computes it. */
    public static Tensor attention(Tensor y, int frames, double eps) {
        check(OP, y, frames);
        int nt = y.dim(0), r = y.dim(1), h = y.dim(2), w = y.dim(3);
        int n = nt / frames, e = r * h * w;
        Tensor normed = Functional.layerNorm(y, 3, null, null, eps);                 // (N·T, r, H, W)
        Tensor motion = Functional.frameDifferenceM2a(normed, frames);               // (N·T, r, H, W)
        Tensor tokens = motion.reshape(n, frames, e);                                // (N, T, E)
        Tensor scores = tokens.matmul(tokens.transpose(1, 2)).mul(1.0 / Math.sqrt(e)); // (N, T, T)
        Tensor attended = scores.softmax(-1).matmul(tokens);                         // (N, T, E)
        return attended.reshape(nt, r, h, w);
    }

    /**
     * ∂L/∂y of {@link #composed} for ∂L/∂y' = g, by the formulas in the class comment, each step one of the composed
     * ops' backward (softmax's, matmul's, the frame difference's, layer norm's); run with gradients off. Any floating
     * dtype, any backend.
     */
    public static Tensor composedBackward(Tensor g, Tensor y, int frames, double eps) {
        check(OP, y, frames);
        if (!g.shape().equals(y.shape())) throw new ShapeException(OP + ": gradient " + g.shape() + " for y " + y.shape());
        Backend b = y.backend();
        int nt = y.dim(0), n = nt / frames, e = y.dim(1) * y.dim(2) * y.dim(3);
        double scale = 1.0 / Math.sqrt(e);
        Tensor y3 = y.reshape(n, frames, e), g3 = g.reshape(n, frames, e);             // (N, T, E)
        Tensor centred = y3.sub(y3.mean(true, 2));
        Tensor rstd = centred.mul(centred).mean(true, 2).add(eps).rsqrt();             // (N, T, 1)
        Tensor normed = centred.mul(rstd);                                            // ŷ (N, T, E)
        Tensor m = b.frameDifferenceM2a(normed.reshape(nt, e), frames).reshape(n, frames, e);
        Tensor mt = m.transpose(1, 2);                                                // (N, E, T)
        Tensor a = m.matmul(mt).mul(scale).softmax(-1);                               // A (N, T, T)
        Tensor dS = b.softmaxBackward(a, g3.matmul(mt), false).mul(scale);            // dA = g mᵀ → ∂/∂(m mᵀ)
        Tensor dm = a.transpose(1, 2).matmul(g3).add(dS.add(dS.transpose(1, 2)).matmul(m));
        Tensor dNormed = b.frameDifferenceM2aBackward(dm.reshape(nt, e), frames).reshape(n, frames, e);
        Tensor dy = dNormed.sub(dNormed.mean(true, 2)).sub(normed.mul(dNormed.mul(normed).mean(true, 2))).mul(rstd);
        return dy.add(g3).reshape(y.shape().toArray());
    }

    private static void check(String op, Tensor y, int frames) {
        if (y.rank() != 4) throw new ShapeException(op + ": needs (N·T, r, H, W), got " + y.shape());
        if (frames < 1 || y.dim(0) % frames != 0) {
            throw new ShapeException(op + ": batch " + y.dim(0) + " of " + y.shape() + " is not a multiple of T=" + frames);
        }
        Checks.floating(op, y);
    }
}
