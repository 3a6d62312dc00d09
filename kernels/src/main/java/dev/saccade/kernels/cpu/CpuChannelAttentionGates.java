package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.UnaryOp;

/**
 * CBAM's and W3's channel attention in one call ({@link dev.saccade.tensor.ops.ChannelAttentionGates}): the shared
 * MLP's two products through {@link Sgemm} — the second once, on the sum of the two hidden vectors (it is linear:
 * {@code W₂·h_avg + b₂ + W₂·h_max + b₂ = W₂·(h_avg + h_max) + 2·b₂}) — then the sigmoid and, for W3, the two depthwise
 * temporal convolutions over T ({@link CpuTemporalConv}'s kernel on frames of C floats). One code path instead of
 * a dozen ops.
 *
 * <p>The scalar reference is {@link dev.saccade.tensor.ops.ChannelAttentionGates#composed}, op by op; the second
 * product's sums run in another order than there (last bits).
 */
final class CpuChannelAttentionGates {
    private CpuChannelAttentionGates() {}

    /**
     * @param pooled (2, N·T, C) at pooledOff: spatial averages, then maxima
     * @param w1 (hidden, C), b1 (hidden), w2 (C, hidden), b2 (C); k0, k2 (C, 3) or both null ({@link CpuTemporalConv#taps})
     * @param out (N·T, C), written: M_c
     */
    static void forward(float[] pooled, int pooledOff, int clips, int frames, int c, int hidden, float[] w1, float[] b1,
                        float[] w2, float[] b2, double[] k0, double[] k2, float[] out) {
        int nt = clips * frames;
        float[] h = new float[2 * nt * hidden];                                     // (2·N·T, hidden)
        Sgemm.gemm(false, true, 2 * nt, hidden, c, 1f, pooled, pooledOff, c, w1, 0, c, 0f, h, 0, hidden);
        float[] sum = new float[nt * hidden];                                       // relu(h_avg + b₁) + relu(h_max + b₁)
        for (int row = 0; row < nt; row++) {
            for (int j = 0; j < hidden; j++) {
                sum[row * hidden + j] = Math.max(h[row * hidden + j] + b1[j], 0f) + Math.max(h[(nt + row) * hidden + j] + b1[j], 0f);
            }
        }
        Sgemm.gemm(false, true, nt, c, hidden, 1f, sum, 0, hidden, w2, 0, hidden, 0f, out, 0, c);
        for (int row = 0; row < nt; row++) {
            int o = row * c;
            for (int j = 0; j < c; j++) out[o + j] += 2f * b2[j];
        }
        CpuElementwise.unaryF32(UnaryOp.SIGMOID, 0f, out, 0, out, 0, nt * c);
        if (k0 == null) return;
        float[] mid = new float[nt * c];
        CpuTemporalConv.forwardPlanes(out, 0, mid, k0, clips, frames, c, 1);
        for (int i = 0; i < mid.length; i++) mid[i] = Math.max(mid[i], 0f);
        CpuTemporalConv.forwardPlanes(mid, 0, out, k2, clips, frames, c, 1);
        CpuElementwise.unaryF32(UnaryOp.SIGMOID, 0f, out, 0, out, 0, nt * c);
    }
}
