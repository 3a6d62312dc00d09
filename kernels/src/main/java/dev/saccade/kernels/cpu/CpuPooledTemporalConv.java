package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link dev.saccade.tensor.ops.PooledTemporalConv} on contiguous float (N·T, C, S) buffers, S = H·W: the depthwise
 * temporal convolution of {@link CpuTemporalConv} (same arithmetic, so xs is the same floats), and while each output
 * row is in registers its sum for the spatial mean and its add into the channel sum. Work items are a clip and a
 * block of channels; each walks its channels L at a time and, per channel, t upwards (rows x[t−1], x[t], x[t+1] from
 * cache after their first read), summing into its own (T, S) channel partial, which are added up at the end (in block
 * order). The tap sums that ACTION-Net's motion excitation reads are taken from xs while it is in cache: per plane for
 * large planes, for L channels at once, one per lane, for small ones.
 *
 * <pre>{@code
 * CpuPooledTemporalConv.forward(x, 0, taps, clips, 8, c, h * w, xs, spatial, channel);
 * }</pre>
 */
final class CpuPooledTemporalConv {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int L = V.length();

    /**
     * Planes below this many pixels take their tap sums L channels at a time by gathers: read back one plane at a
     * time, the scalar walk down two columns and nine stores a channel apart cost about as much as the shift itself
     * there (docs/PERF.md). Larger planes keep the per-plane read-back, whose edges are a small part of the plane.
     */
    static final int GATHERED_TAPS_BELOW = 400;

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
     * As above, and with {@code taps} (N·T, 3, 3, C) not null, each xs plane's {@link CpuTapSums tap sums}, its sum
     * the spatial mean's and its edges read back while it is in cache; S = h·w, h the planes' height. Planes of fewer
     * than {@value #GATHERED_TAPS_BELOW} pixels (ResNet-50's 14² and 7²) are read back L channels at a time, one
     * channel per lane ({@link #gatheredTaps}); larger ones one plane at a time ({@link CpuTapSums#fromEdges}).
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
        boolean gathered = taps != null && s < GATHERED_TAPS_BELOW;
        float invS = 1f / s;
        float[] totals = taps == null ? null : new float[frames * L];              // (T, L): the group's plane sums
        int[] fullGroup = gathered ? channelOffsets(s, L) : null;
        for (int g0 = c0; g0 < c1; g0 += L) {
            int g1 = Math.min(c1, g0 + L);
            for (int ch = g0; ch < g1; ch++) {
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
                    float total = Simd.sumLanes(sum);                        // a fixed order: same bits in every JIT tier
                    for (; i < s; i++) {
                        float acc = x[in + i] * w1;
                        if (prev) acc = Math.fma(x[in + i - plane], w0, acc);
                        if (next) acc = Math.fma(x[in + i + plane], w2, acc);
                        y[row + i] = acc;
                        total += acc;
                        part[pr + i] += acc;
                    }
                    spatial[(b * frames + t) * c + ch] = total * invS;
                    if (taps != null) totals[t * L + ch - g0] = total;
                }
                // a large plane's tap sums once the channel's T planes are written (still in L1; reading each plane
                // back at once, while its vector stores were in flight, measured slower)
                if (taps != null && !gathered) {
                    for (int t = 0; t < frames; t++) {
                        int image = b * frames + t;
                        CpuTapSums.fromEdges(y, image * plane + ch * s, h, s / h, totals[t * L + ch - g0], taps,
                                CpuTapSums.offset(image, ch, c), c);
                    }
                }
            }
            if (gathered) {
                int[] offsets = g1 - g0 == L ? fullGroup : channelOffsets(s, g1 - g0);
                gatheredTaps(y, b, frames, c, s, h, g0, g1, offsets, totals, taps);
            }
        }
    }

    /**
     * Lane j of a gather reads the plane of the group's channel j: its offset from the first channel's plane, for the
     * group's {@code channels} lanes; 0 past them (a masked gather still range-checks its unset lanes).
     */
    private static int[] channelOffsets(int s, int channels) {
        int[] offsets = new int[L];
        for (int j = 0; j < channels; j++) offsets[j] = j * s;
        return offsets;
    }

    /**
     * The tap sums of channels {@code [g0, g1)} (at most L, just written to y) in every frame of clip b, one channel
     * per lane: each edge pixel of the h × w planes is one gather of the group's planes, the edges' sums and the
     * corners then give the nine tap sums as {@link CpuTapSums#fromEdges} combines them (here in float lanes), stored
     * as L consecutive channels of the (N·T, 3, 3, C) output.
     *
     * @param offsets {@link #channelOffsets} of the group
     * @param totals  (T, L): each plane's sum, as its spatial mean was taken from
     */
    private static void gatheredTaps(float[] y, int b, int frames, int c, int s, int h, int g0, int g1, int[] offsets,
                                     float[] totals, float[] taps) {
        int w = s / h, plane = c * s, lastRow = (h - 1) * w;
        VectorMask<Float> lanes = V.indexInRange(0, g1 - g0);
        for (int t = 0; t < frames; t++) {
            int image = b * frames + t, base = image * plane + g0 * s;
            FloatVector firstRowSum = FloatVector.zero(V), lastRowSum = firstRowSum, firstColSum = firstRowSum, lastColSum = firstRowSum;
            for (int j = 0; j < w; j++) {
                firstRowSum = firstRowSum.add(FloatVector.fromArray(V, y, base + j, offsets, 0, lanes));
                lastRowSum = lastRowSum.add(FloatVector.fromArray(V, y, base + lastRow + j, offsets, 0, lanes));
            }
            for (int r = 0; r < lastRow + w; r += w) {
                firstColSum = firstColSum.add(FloatVector.fromArray(V, y, base + r, offsets, 0, lanes));
                lastColSum = lastColSum.add(FloatVector.fromArray(V, y, base + r + w - 1, offsets, 0, lanes));
            }
            FloatVector topLeft = FloatVector.fromArray(V, y, base, offsets, 0, lanes);
            FloatVector topRight = FloatVector.fromArray(V, y, base + w - 1, offsets, 0, lanes);
            FloatVector bottomLeft = FloatVector.fromArray(V, y, base + lastRow, offsets, 0, lanes);
            FloatVector bottomRight = FloatVector.fromArray(V, y, base + lastRow + w - 1, offsets, 0, lanes);
            FloatVector total = FloatVector.fromArray(V, totals, t * L);
            // tap (u, v): u = 0 skips the last row, u = 2 the first; v the same for the columns; a corner both skipped is added back
            FloatVector top = total.sub(lastRowSum), bottom = total.sub(firstRowSum);
            int o = CpuTapSums.offset(image, g0, c);
            top.sub(lastColSum).add(bottomRight).intoArray(taps, o, lanes);
            top.intoArray(taps, o + c, lanes);
            top.sub(firstColSum).add(bottomLeft).intoArray(taps, o + 2 * c, lanes);
            total.sub(lastColSum).intoArray(taps, o + 3 * c, lanes);
            total.intoArray(taps, o + 4 * c, lanes);
            total.sub(firstColSum).intoArray(taps, o + 5 * c, lanes);
            bottom.sub(lastColSum).add(topRight).intoArray(taps, o + 6 * c, lanes);
            bottom.intoArray(taps, o + 7 * c, lanes);
            bottom.sub(firstColSum).add(topLeft).intoArray(taps, o + 8 * c, lanes);
        }
    }
}
