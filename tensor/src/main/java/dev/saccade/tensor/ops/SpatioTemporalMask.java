package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;

/**
 * W3's spatio-temporal mask in evaluation (Pérez-Rúa et al., ECCV 2020, §3.2, Eq. 5–6; saccade's
 * {@code W3Attention}): for the channel-pooled maps of the channel-attended features, {@code pooled = [avg_C F_c,
 * max_C F_c]} (N·T, 2, H, W) ({@link Functional#channelAvgMaxPool}), a frame kernel (1, 2, k, k) with k odd and the
 * two 3×3×3 temporal kernels (1, 1, 3, 3, 3), none with a bias,
 * <pre>
 * M_s-frm = σ(conv_k×k(pooled, frame kernel))                 padding k/2                       (N·T, 1, H, W)
 * M_s     = σ(conv3d(relu(conv3d(M_s-frm, k0)), k2))          over (T, H, W) of each clip, padding 1
 * </pre>
 * Composed ({@link #composed}) this is a 2-d convolution, a sigmoid, a permute copy to (N, 1, T, H, W), two 3-d
 * convolutions, a ReLU, a sigmoid and a permute copy back: ten ops on maps of one channel, each with its output and
 * its fixed costs, repeated in each of ResNet-50's sixteen blocks. A backend may run the whole of it in a few passes
 * (the CPU: three, docs/PERF.md). Evaluation only; training runs the composed ops, which autograd differentiates.
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) {
 *     Tensor pooled = Functional.channelAvgMaxPool(f, mc);                                  // (N·8, 2, H, W)
 *     Tensor ms = SpatioTemporalMask.inference(pooled, frameKernel, k0, k2, 8);             // (N·8, 1, H, W)
 * }
 * }</pre>
 */
public final class SpatioTemporalMask {
    private static final String OP = "spatio_temporal_mask";

    private SpatioTemporalMask() {}

    /**
     * @param pooled      (N·T, 2, H, W)
     * @param frameKernel (1, 2, k, k), k odd
     * @param k0          (1, 1, 3, 3, 3), the first temporal convolution
     * @param k2          (1, 1, 3, 3, 3), the second
     * @return M_s (N·T, 1, H, W), new and contiguous
     */
    public static Tensor inference(Tensor pooled, Tensor frameKernel, Tensor k0, Tensor k2, int frames) {
        if (GradMode.isEnabled()) throw new IllegalStateException(OP + ": evaluation only; run under GradMode.disable()");
        check(pooled, frameKernel, k0, k2, frames);
        long t0 = InferenceProfile.start();
        Tensor mask = pooled.backend().spatioTemporalMask(pooled, frameKernel, k0, k2, frames);
        InferenceProfile.stopOp(t0, OP, pooled, mask);
        long pixels = (long) pooled.dim(0) * pooled.dim(2) * pooled.dim(3);
        MacCounter.report("conv2d", mask.shape(), frameKernel.numel() * pixels);      // as the composed convolutions count
        MacCounter.report("conv3d", mask.shape(), 2L * 27 * pixels);
        return mask;
    }

    /** The reference: the equations op by op, as {@code W3Attention} runs them in training. */
    public static Tensor composed(Tensor pooled, Tensor frameKernel, Tensor k0, Tensor k2, int frames) {
        check(pooled, frameKernel, k0, k2, frames);
        int nt = pooled.dim(0), h = pooled.dim(2), w = pooled.dim(3), n = nt / frames;
        Tensor m = Functional.conv2d(pooled, frameKernel, null, 1, frameKernel.dim(2) / 2, 1, 1).sigmoid();   // (N·T, 1, H, W)
        Tensor vol = m.reshape(n, frames, 1, h, w).permute(0, 2, 1, 3, 4).contiguous();                        // (N, 1, T, H, W)
        vol = Functional.conv3d(vol, k0, null, 1, 1, 1, 1).relu();
        vol = Functional.conv3d(vol, k2, null, 1, 1, 1, 1).sigmoid();
        return vol.permute(0, 2, 1, 3, 4).contiguous().reshape(nt, 1, h, w);                                   // (N·T, 1, H, W)
    }

    private static void check(Tensor pooled, Tensor frameKernel, Tensor k0, Tensor k2, int frames) {
        if (pooled.rank() != 4 || pooled.dim(1) != 2) throw new ShapeException(OP + ": pooled maps must be (N·T, 2, H, W), got " + pooled.shape());
        if (frames < 1 || pooled.dim(0) % frames != 0) {
            throw new ShapeException(OP + ": " + pooled.dim(0) + " frames of pooled " + pooled.shape() + " are not whole clips of T=" + frames);
        }
        SpatialAttentionGate.checkKernel(OP, frameKernel);
        for (Tensor k : new Tensor[] {k0, k2}) {
            if (k.rank() != 5 || k.dim(0) != 1 || k.dim(1) != 1 || k.dim(2) != 3 || k.dim(3) != 3 || k.dim(4) != 3) {
                throw new ShapeException(OP + ": temporal kernel must be (1, 1, 3, 3, 3), got " + k.shape());
            }
        }
        for (Tensor k : new Tensor[] {frameKernel, k0, k2}) Checks.sameKind(OP, pooled, k);
    }
}
