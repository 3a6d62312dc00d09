package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link dev.saccade.tensor.ops.PooledTemporalConv} on contiguous float (N·T, C, S) buffers, S = H·W: the depthwise
 * temporal convolution of {@link CpuTemporalConv} (same arithmetic, so xs is the same floats), and while each output
 * row is in registers its sum for the spatial mean and its add into the channel sum. Work items are a clip and a
 * block of channels; each walks its channels and, per channel, t upwards (rows x[t−1], x[t], x[t+1] from cache after
 * their first read), summing into its own (T, S) channel partial, which are added up at the end (in block order).
 *
 * <pre>{@code
 * CpuPooledTemporalConv.forward(x, 0, taps, clips, 8, c, h * w, xs, spatial, channel);
 * }</pre>
 */
final class CpuPooledTemporalConv {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int L = V.length();

    private CpuPooledTemporalConv() {}

    /**
     * @param k       taps (C, 3) in double, as {@link CpuTemporalConv} reads them
     * @param y       xs (N·T, C, S), written
     * @param spatial (N·T, C), written: the mean of each row of xs
     * @param channel (N·T, S), written: the mean over C of xs
     */
    static void forward(float[] x, int xo, double[] k, int clips, int frames, int c, int s, float[] y, float[] spatial,
                        float[] channel) {
        forward(x, xo, k, clips, frames, c, s, 1, y, spatial, channel, null);
    }

    /**
     * As above, and with {@code taps} (N·T, 3, 3, C) not null, each xs plane's {@link CpuTapSums tap sums} (its
     * edges read while the plane is in cache, its sum the spatial mean's); S = h·w, h the planes' height.
     */
    static void forward(float[] x, int xo, double[] k, int clips, int frames, int c, int s, int h, float[] y,
                        float[] spatial, float[] channel, float[] taps) {
        int blocks = Math.max(1, Math.min(c, (CpuThreads.threads() + clips - 1) / clips));
        float[][] partial = new float[clips * blocks][frames * s];                 // per item: (T, S) channel sums
        CpuThreads.parallelFor(0, clips * blocks, 1, (lo, hi) -> {
            for (int item = lo; item < hi; item++) {
                int b = item / blocks, p = item % blocks;
                int c0 = (int) ((long) c * p / blocks), c1 = (int) ((long) c * (p + 1) / blocks);
                block(x, xo, k, b, frames, c, s, h, c0, c1, y, spatial, partial[item], taps);
            }
        });
        float inv = 1f / c;
        for (int b = 0; b < clips; b++) {
            float[] first = partial[b * blocks];
            for (int p = 1; p < blocks; p++) {
                float[] more = partial[b * blocks + p];
                for (int i = 0; i < first.length; i++) first[i] += more[i];
            }
            int out = b * frames * s;
            for (int i = 0; i < first.length; i++) channel[out + i] = first[i] * inv;
        }
    }

    /** Channels {@code [c0, c1)} of clip b: xs rows, their means into spatial, their sums into part (T, S), their tap sums. */
    private static void block(float[] x, int xo, double[] k, int b, int frames, int c, int s, int h, int c0, int c1,
                              float[] y, float[] spatial, float[] part, float[] taps) {
        int plane = c * s, bound = s - s % L;
        float invS = 1f / s;
        float[] totals = taps == null ? null : new float[frames];
        for (int ch = c0; ch < c1; ch++) {
            float w0 = (float) k[3 * ch], w1 = (float) k[3 * ch + 1], w2 = (float) k[3 * ch + 2];
            FloatVector v0 = FloatVector.broadcast(V, w0), v1 = FloatVector.broadcast(V, w1), v2 = FloatVector.broadcast(V, w2);
            for (int t = 0; t < frames; t++) {
                int row = (b * frames + t) * plane + ch * s, in = xo + row, pr = t * s;
                boolean prev = t > 0, next = t < frames - 1;
                FloatVector sum = FloatVector.zero(V);
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector acc = FloatVector.fromArray(V, x, in + i).mul(v1);
                    if (prev) acc = FloatVector.fromArray(V, x, in + i - plane).fma(v0, acc);
                    if (next) acc = FloatVector.fromArray(V, x, in + i + plane).fma(v2, acc);
                    acc.intoArray(y, row + i);
                    sum = sum.add(acc);
                    acc.add(FloatVector.fromArray(V, part, pr + i)).intoArray(part, pr + i);
                }
                float total = Simd.sumLanes(sum);                            // a fixed order: same bits in every JIT tier
                for (; i < s; i++) {
                    float acc = x[in + i] * w1;
                    if (prev) acc = Math.fma(x[in + i - plane], w0, acc);
                    if (next) acc = Math.fma(x[in + i + plane], w2, acc);
                    y[row + i] = acc;
                    total += acc;
                    part[pr + i] += acc;
                }
                spatial[(b * frames + t) * c + ch] = total * invS;
                if (taps != null) totals[t] = total;
            }
            // the channel's tap sums once its T planes are written (still in L1; reading them back at once, while
            // the vector stores are in flight, was slower on 7² and 14² planes)
            if (taps != null) {
                for (int t = 0; t < frames; t++) {
                    int image = b * frames + t;
                    CpuTapSums.fromEdges(y, image * plane + ch * s, h, s / h, totals[t], taps, CpuTapSums.offset(image, ch, c), c);
                }
            }
        }
    }
}
