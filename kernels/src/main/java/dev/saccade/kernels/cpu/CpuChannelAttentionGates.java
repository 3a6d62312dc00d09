package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * CBAM's and W3's channel attention in one call ({@link dev.saccade.tensor.ops.ChannelAttentionGates}): the shared
 * MLP's two products through {@link Sgemm} — the second once, on the sum of the two hidden vectors (it is linear:
 * {@code W₂·h_avg + b₂ + W₂·h_max + b₂ = W₂·(h_avg + h_max) + 2·b₂}) — then the sigmoid and, for W3, the two depthwise
 * temporal convolutions over T, vectors along C (each tap's weights gathered into a row of their own first). One
 * code path instead of a dozen ops.
 *
 * <p>The scalar reference is {@link dev.saccade.tensor.ops.ChannelAttentionGates#composed}, op by op; the second
 * product's sums run in another order than there (last bits).
 */
final class CpuChannelAttentionGates {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CpuChannelAttentionGates() {}

    /**
     * @param pooled (2, N·T, C) at pooledOff: spatial averages, then maxima
     * @param w1 (hidden, C), b1 (hidden), w2 (C, hidden), b2 (C); k0, k2 (C, 3) or both null
     * @param out (N·T, C), written: M_c
     */
    static void forward(float[] pooled, int pooledOff, int clips, int frames, int c, int hidden, float[] w1, float[] b1,
                        float[] w2, float[] b2, float[] k0, float[] k2, float[] out) {
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
        sigmoid(out, nt * c);
        if (k0 == null) return;
        float[] mid = new float[nt * c];
        temporal(out, taps(k0, c), clips, frames, c, mid);
        for (int i = 0; i < mid.length; i++) mid[i] = Math.max(mid[i], 0f);
        temporal(mid, taps(k2, c), clips, frames, c, out);
        sigmoid(out, nt * c);
    }

    /** The kernel (C, 3) as three rows (3, C): tap k of every channel contiguous. */
    private static float[] taps(float[] k, int c) {
        float[] rows = new float[3 * c];
        for (int ch = 0; ch < c; ch++) for (int t = 0; t < 3; t++) rows[t * c + ch] = k[3 * ch + t];
        return rows;
    }

    /** {@code y[t] = k₀·x[t−1] + k₁·x[t] + k₂·x[t+1]} per channel within each clip (zeros past its ends); x, y (N·T, C). */
    private static void temporal(float[] x, float[] k, int clips, int frames, int c, float[] y) {
        int bound = S.loopBound(c);
        for (int n = 0; n < clips; n++) {
            for (int t = 0; t < frames; t++) {
                int row = (n * frames + t) * c;
                boolean prev = t > 0, next = t < frames - 1;
                int j = 0;
                for (; j < bound; j += L) {
                    FloatVector acc = FloatVector.fromArray(S, x, row + j).mul(FloatVector.fromArray(S, k, c + j));
                    if (prev) acc = FloatVector.fromArray(S, x, row - c + j).fma(FloatVector.fromArray(S, k, j), acc);
                    if (next) acc = FloatVector.fromArray(S, x, row + c + j).fma(FloatVector.fromArray(S, k, 2 * c + j), acc);
                    acc.intoArray(y, row + j);
                }
                for (; j < c; j++) {
                    float acc = x[row + j] * k[c + j];
                    if (prev) acc = Math.fma(x[row - c + j], k[j], acc);
                    if (next) acc = Math.fma(x[row + c + j], k[2 * c + j], acc);
                    y[row + j] = acc;
                }
            }
        }
    }

    private static void sigmoid(float[] v, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) VectorExp.sigmoid(FloatVector.fromArray(S, v, i)).intoArray(v, i);
        for (; i < n; i++) v[i] = VectorExp.sigmoid(v[i]);
    }
}
