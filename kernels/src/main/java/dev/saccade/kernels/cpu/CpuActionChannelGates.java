package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.TapSums;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * ACTION-Net's CE and ME gates q + s in one call ({@link dev.saccade.tensor.ops.ActionChannelGates}): four products
 * on a few rows through {@link Sgemm} (the squeezes read their weights in place, {@link GemmFewRows}), the temporal
 * convolution as one product over a three-frame window, ME's tap arithmetic and frame difference and the two
 * sigmoids in plain loops. One code path instead of some twenty ops: in a model the ops' fixed costs (their code and
 * metadata evicted by the activation passes in between, an output tensor each) outweighed their arithmetic.
 *
 * <p>The scalar reference is {@link dev.saccade.tensor.ops.ActionChannelGates#composed}, op by op; sums in the
 * products and over the taps run in another order than there (last bits).
 */
final class CpuActionChannelGates {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private CpuActionChannelGates() {}

    /**
     * @param pooled (N·T, C) plane means of xs
     * @param taps   (N·T, 9, C) tap sums of xs, tap-major
     * @param ceSqueeze (r, C), ceTemporal (r, r, 3), ceExpand (C, r), meSqueeze W' (r, C), meBias b' (r) or null,
     *                  meDepthwise (r, 9), meExpand (C, r)
     * @param out    (N·T, C), written: q + s
     */
    static void forward(float[] pooled, int pooledOff, float[] taps, int tapsOff, int clips, int frames, int c, int r,
                        int height, int width, float[] ceSqueeze, float[] ceTemporal, float[] ceExpand, float[] meSqueeze,
                        float[] meBias, float[] meDepthwise, float[] meExpand, float[] out) {
        int nt = clips * frames;
        // CE: h = S₂·pooled (N·T, r); window (N·T, r, 3) of h over t−1, t, t+1 (zeros past the clip's ends);
        // h' = relu(window · K) (N·T, r), K (r, r·3) as stored; q logits = h'·E₂ᵀ (N·T, C)
        float[] h = new float[nt * r];
        Sgemm.gemm(false, true, nt, r, c, 1f, pooled, pooledOff, c, ceSqueeze, 0, c, 0f, h, 0, r);
        float[] window = new float[nt * 3 * r];
        for (int n = 0; n < clips; n++) {
            for (int t = 0; t < frames; t++) {
                int row = (n * frames + t) * 3 * r;
                for (int k = 0; k < 3; k++) {
                    int src = t + k - 1;
                    if (src < 0 || src >= frames) continue;
                    int from = (n * frames + src) * r;
                    for (int i = 0; i < r; i++) window[row + 3 * i + k] = h[from + i];
                }
            }
        }
        float[] hc = new float[nt * r];
        Sgemm.gemm(false, true, nt, r, 3 * r, 1f, window, 0, 3 * r, ceTemporal, 0, 3 * r, 0f, hc, 0, r);
        for (int i = 0; i < hc.length; i++) hc[i] = Math.max(hc[i], 0f);
        float[] qLogits = new float[nt * c];
        Sgemm.gemm(false, true, nt, c, r, 1f, hc, 0, r, ceExpand, 0, r, 0f, qLogits, 0, c);

        // ME: m (N·T, 9, r) = taps · W'ᵀ (+ b'·|R_u|·|C_v|); d[t] = (Σ_u k[u]·m_u[t+1] − m_centre[t]) / (H·W), 0 at T−1
        float[] m = new float[nt * 9 * r];
        Sgemm.gemm(false, true, nt * 9, r, c, 1f, taps, tapsOff, c, meSqueeze, 0, c, 0f, m, 0, r);
        float[] counts = new float[9];
        for (int u = 0; u < 3; u++) for (int v = 0; v < 3; v++) counts[3 * u + v] = (float) (TapSums.reads(u, height) * (double) TapSums.reads(v, width));
        float[] filtered = new float[nt * r], whole = new float[nt * r];
        for (int row = 0; row < nt; row++) {
            for (int j = 0; j < r; j++) {
                float sum = 0f, centre = 0f;
                for (int u = 0; u < 9; u++) {
                    float mu = m[(row * 9 + u) * r + j];
                    if (meBias != null) mu += counts[u] * meBias[j];
                    sum = Math.fma(mu, meDepthwise[j * 9 + u], sum);
                    if (u == 4) centre = mu;
                }
                filtered[row * r + j] = sum;
                whole[row * r + j] = centre;
            }
        }
        float plane = (float) ((double) height * width);
        float[] d = new float[nt * r];
        for (int n = 0; n < clips; n++) {
            for (int t = 0; t + 1 < frames; t++) {
                int at = (n * frames + t) * r, next = at + r;
                for (int j = 0; j < r; j++) d[at + j] = (filtered[next + j] - whole[at + j]) / plane;
            }
        }
        float[] sLogits = new float[nt * c];
        Sgemm.gemm(false, true, nt, c, r, 1f, d, 0, r, meExpand, 0, r, 0f, sLogits, 0, c);

        // out = σ(q logits) + σ(s logits)
        int i = 0, total = nt * c;
        for (int end = S.loopBound(total); i < end; i += S.length()) {
            VectorExp.sigmoid(FloatVector.fromArray(S, qLogits, i)).add(VectorExp.sigmoid(FloatVector.fromArray(S, sLogits, i)))
                    .intoArray(out, i);
        }
        for (; i < total; i++) out[i] = VectorExp.sigmoid(qLogits[i]) + VectorExp.sigmoid(sLogits[i]);
    }
}
