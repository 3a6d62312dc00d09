package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.Objects;

/**
 * CBAM's spatial attention with its output gate and the residual block's epilogue, as one op (Woo et al., ECCV 2018,
 * Eq. 3 and Fig. 3): for x (N·T, C, H, W), the channel attention c (N·T, C, 1, 1), a k×k kernel (1, 2, k, k) with k
 * odd (padding k/2, no bias) and a residual (N·T, C, H, W) or none,
 * <pre>
 * F'  = x·c                                                      (never written)
 * M_s = σ(conv_k×k([mean_C F', max_C F'], kernel))                (N·T, 1, H, W)
 * y   = act(F'·M_s + residual)                                    (N·T, C, H, W)
 * </pre>
 * Composed ({@link #composed}: {@link Functional#channelAvgMaxPool}, {@link Functional#conv2d}, the sigmoid and
 * {@link InferenceGate}) the pooling reads every frame of x and the gate then reads them all again; here a backend
 * may pool a frame and gate it while the frame is still in the core's cache (the CPU's: docs/PERF.md, 1.00–1.16×
 * the composed ops at the ResNet-50 stages). Evaluation
 * only (like {@link InferenceGate}); training runs the composed ops, which autograd differentiates. Each frame is
 * attended on its own: W3's spatio-temporal mask, which mixes frames, is not this op.
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) {
 *     Tensor[] r = SpatialAttentionGate.inference(branch, mc, spatialWeight, identity, ConvActivation.RELU);
 *     Tensor out = r[0], ms = r[1];          // (N·T, C, H, W), (N·T, 1, H, W)
 * }
 * }</pre>
 */
public final class SpatialAttentionGate {
    private static final String OP = "spatial_attention_gate";

    private SpatialAttentionGate() {}

    /**
     * @param x        (M, C, H, W)
     * @param c        (M, C, 1, 1), the channel attention M_c
     * @param kernel   (1, 2, k, k), k odd
     * @param residual (M, C, H, W) added before the activation, or null
     * @return {y (M, C, H, W) new and contiguous, M_s (M, 1, H, W)}
     */
    public static Tensor[] inference(Tensor x, Tensor c, Tensor kernel, Tensor residual, ConvActivation act) {
        return run(x, c, kernel, residual, act, false);
    }

    /**
     * {@link #inference} with x dead after the call: the backend may write y into x's own storage, as
     * {@link InferenceGate#applyInPlace} does. The caller must not read x afterwards, and recycles it only when y
     * does not {@linkplain InferenceConv#sharesStorage share its storage}. The same floats as {@link #inference}.
     */
    public static Tensor[] inferenceInPlace(Tensor x, Tensor c, Tensor kernel, Tensor residual, ConvActivation act) {
        return run(x, c, kernel, residual, act, true);
    }

    private static Tensor[] run(Tensor x, Tensor c, Tensor kernel, Tensor residual, ConvActivation act, boolean intoX) {
        if (GradMode.isEnabled()) throw new IllegalStateException(OP + ": evaluation only; run under GradMode.disable()");
        check(x, c, kernel, residual);
        long t0 = InferenceProfile.start();
        Tensor[] out = x.backend().spatialAttentionGate(x, c, kernel, residual, Objects.requireNonNull(act, "act"), intoX);
        InferenceProfile.stopOp(t0, OP, x, out[0]);
        int h = x.dim(2), w = x.dim(3);
        MacCounter.report("conv2d", out[1].shape(), (long) kernel.numel() * x.dim(0) * h * w);   // as the composed conv2d counts it
        return out;
    }

    /** The reference: the channel pooling, the convolution, the sigmoid and the gate as separate ops. */
    public static Tensor[] composed(Tensor x, Tensor c, Tensor kernel, Tensor residual, ConvActivation act) {
        check(x, c, kernel, residual);
        Tensor pooled = Functional.channelAvgMaxPool(x, c);                                           // (M, 2, H, W)
        Tensor ms = Functional.conv2d(pooled, kernel, null, 1, kernel.dim(2) / 2, 1, 1).sigmoid();   // (M, 1, H, W)
        return new Tensor[] {InferenceGate.composed(x, c, ms, BroadcastGate.Combine.PRODUCT, 0, residual, act), ms};
    }

    private static void check(Tensor x, Tensor c, Tensor kernel, Tensor residual) {
        Objects.requireNonNull(c, OP + ": the channel attention c is required");
        BroadcastGate.check(OP, x, c, null);
        Checks.sameKind(OP, x, kernel);
        checkKernel(OP, kernel);
        if (residual != null) {
            Checks.sameKind(OP, x, residual);
            if (!residual.shape().equals(x.shape())) {
                throw new ShapeException(OP + ": residual " + residual.shape() + " does not match the input " + x.shape());
            }
        }
    }

    /** The spatial attention's kernel: (1, 2, k, k) with k odd. */
    static void checkKernel(String op, Tensor kernel) {
        int k = kernel.rank() == 4 ? kernel.dim(2) : -1;
        if (kernel.rank() != 4 || kernel.dim(0) != 1 || kernel.dim(1) != 2 || kernel.dim(3) != k || k % 2 == 0) {
            throw new ShapeException(op + ": kernel must be (1, 2, k, k) with k odd, got " + kernel.shape());
        }
    }
}
