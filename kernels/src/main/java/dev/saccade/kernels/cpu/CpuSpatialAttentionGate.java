package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;

/**
 * The {@link dev.saccade.tensor.ops.SpatialAttentionGate} op on contiguous F32 arrays, one frame at a time: for
 * frame f of x (M, C, S), S = H·W, with the channel attention c (M, C),
 * <pre>
 * pool  sum[s] = Σ_c x[f, c, s]·c[f, c],  max[s] = max_c x[f, c, s]·c[f, c]        {@link CpuAvgMaxPool#poolChannels}
 * map   M_s[f] = σ(conv_k×k([sum/C, max], kernel)), zero padding k/2                 (H, W)
 * gate  y[f, c, s] = act(x[f, c, s]·(M_s[f, s]·c[f, c]) + r[f, c, s])                 as {@link CpuBroadcastGate}
 * </pre>
 * The frame's pooling pass brings its C·S floats into the core's cache and the gate pass reads them again right
 * after, on the same thread, where the composed ops (a channel pooling over all frames, then a gate over all frames)
 * read all of x before the gate reads it again: a frame of 1024 × 14² is 0.8 MB, inside a 1 MiB L2; from 512 × 28²
 * (1.6 MB) and 256 × 56² (3.2 MB) the second read comes from L3 at best. Frames are split over the threads. The pooling and the gate are
 * {@link CpuAvgMaxPool}'s and {@link CpuBroadcastGate}'s own loops (the same bits); the k×k map is a
 * {@link PlaneCorrelation}.
 */
final class CpuSpatialAttentionGate {
    private CpuSpatialAttentionGate() {}

    /**
     * @param x      (M, C, H, W) from {@code xo}
     * @param c      (M, C) from 0, the channel attention
     * @param kernel (1, 2, k, k) from 0, k odd
     * @param r      (M, C, H, W) from {@code ro}, or null
     * @param y      (M, C, H, W) from {@code yo}; may be x itself at the same offset (each element is read before
     *               the gate writes it)
     * @param map    (M, 1, H, W) from 0: M_s
     */
    static void forward(float[] x, int xo, float[] c, float[] kernel, int k, float[] r, int ro, ConvActivation act,
                        float[] y, int yo, float[] map, int m, int ch, int h, int w) {
        int sp = h * w;
        CpuThreads.parallelFor(0, m, 1, (lo, hi) -> {
            float[] sum = new float[sp], max = new float[sp];
            float[] padded = new float[2 * (h + k - 1) * (w + k - 1) + PlaneCorrelation.SLACK];   // two pooled planes, zero border k/2
            for (int f = lo; f < hi; f++) {
                int frame = f * ch * sp;
                CpuAvgMaxPool.poolChannels(x, xo + frame, ch, sp, c, f * ch, sum, max);
                spatialMap(sum, max, ch, kernel, k, h, w, padded, map, f * sp);
                for (int row = 0; row < ch; row++) {
                    int at = frame + row * sp;
                    CpuBroadcastGate.productRowEpilogue(x, xo + at, map, f * sp, c[f * ch + row], r, r == null ? 0 : ro + at, act, y, yo + at, sp);
                }
            }
        });
    }

    /** map[at, at + H·W) = σ(conv_k×k([sum/C, max])) of one frame; padded is scratch of 2·(H+k−1)·(W+k−1) + slack. */
    private static void spatialMap(float[] sum, float[] max, int ch, float[] kernel, int k, int h, int w, float[] padded,
                                   float[] map, int at) {
        int pad = k / 2, pw = w + k - 1, plane = (h + k - 1) * pw;
        for (int i = 0; i < h; i++) {
            int dst = (i + pad) * pw + pad;
            for (int j = 0; j < w; j++) {
                padded[dst + j] = sum[i * w + j] / ch;                             // the mean, as CpuAvgMaxPool writes it
                padded[plane + dst + j] = max[i * w + j];
            }
        }
        PlaneCorrelation.apply(padded, 0, pw, 2, plane, k, kernel, h, w, true, map, at, w);
    }
}
