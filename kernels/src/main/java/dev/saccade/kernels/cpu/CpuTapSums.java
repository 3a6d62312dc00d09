package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link dev.saccade.tensor.ops.TapSums} on a contiguous float x (N, C, H, W) into out (N, 3, 3, C): per plane, the sum S with
 * vector loads, its first and last rows and columns and its corners, and then each tap's sum as S less the row and
 * column that tap never reads plus the corner both excluded: tap (u, v) with {@code u = 0} skips the last row,
 * {@code u = 2} the first, and the same for v and the columns. Edge sums are taken in double; S in float lanes,
 * added in {@link Simd#sumLanes}' fixed order. The scalar twin sums each tap's rectangle by its definition.
 * Planes are split over the threads.
 *
 * <pre>{@code
 * CpuTapSums.forward(x, 0, n, c, h, w, out);   // out (n, 3, 3, c)
 * }</pre>
 */
final class CpuTapSums {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int L = V.length();
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private CpuTapSums() {}

    /** out[((n·3 + u)·3 + v)·C + c] for the planes (n, c) of x from offset xo, each h × w. */
    static void forward(float[] x, int xo, int n, int c, int h, int w, float[] out) {
        int s = h * w, planes = n * c;
        if (s == 0) {
            java.util.Arrays.fill(out, 0, 9 * planes, 0f);
            return;
        }
        CpuThreads.parallelFor(0, planes, Math.max(1, GRAIN_ELEMENTS / s), (lo, hi) -> {
            for (int p = lo; p < hi; p++) plane(x, xo + p * s, h, w, out, offset(p / c, p % c, c), c);
        });
    }

    /** Where tap (0, 0) of plane (image, channel) goes in the (N, 3, 3, C) output; tap (u, v) is 3u + v strides of C on. */
    static int offset(int image, int channel, int c) { return image * 9 * c + channel; }

    private static void plane(float[] x, int in, int h, int w, float[] out, int o, int stride) {
        int s = h * w, bound = s - s % L, i = 0;
        FloatVector acc = FloatVector.zero(V);
        for (; i < bound; i += L) acc = acc.add(FloatVector.fromArray(V, x, in + i));
        double total = Simd.sumLanes(acc);
        for (; i < s; i++) total += x[in + i];
        fromEdges(x, in, h, w, total, out, o, stride);
    }

    /**
     * The nine tap sums of the h × w plane of x at {@code in} whose sum is {@code total}, tap (u, v) into
     * {@code out[o + (3u + v)·stride]} (stride C in the (N, 3, 3, C) layout): only
     * the first and last rows and columns are read (a kernel that has just written the plane calls this while it is
     * in cache, {@link CpuPooledTemporalConv}).
     */
    static void fromEdges(float[] x, int in, int h, int w, double total, float[] out, int o, int stride) {
        double firstRow = 0, lastRow = 0, firstCol = 0, lastCol = 0;
        int last = in + (h - 1) * w, both = Math.min(h, w), j = 0;
        for (; j < both; j++) {                              // four independent sums per step while rows and columns last
            firstRow += x[in + j];
            lastRow += x[last + j];
            firstCol += x[in + j * w];
            lastCol += x[in + j * w + w - 1];
        }
        for (int jr = j; jr < w; jr++) {
            firstRow += x[in + jr];
            lastRow += x[last + jr];
        }
        for (int jc = j; jc < h; jc++) {
            firstCol += x[in + jc * w];
            lastCol += x[in + jc * w + w - 1];
        }
        // tap (u, v): u = 0 skips the last row, u = 2 the first; v the same for the columns; a corner both skipped is added back
        double top = total - lastRow, bottom = total - firstRow;
        out[o] = (float) (top - lastCol + x[last + w - 1]);
        out[o + stride] = (float) top;
        out[o + 2 * stride] = (float) (top - firstCol + x[last]);
        out[o + 3 * stride] = (float) (total - lastCol);
        out[o + 4 * stride] = (float) total;
        out[o + 5 * stride] = (float) (total - firstCol);
        out[o + 6 * stride] = (float) (bottom - lastCol + x[in + w - 1]);
        out[o + 7 * stride] = (float) bottom;
        out[o + 8 * stride] = (float) (bottom - firstCol + x[in]);
    }

    /** The scalar twin: each tap's rectangle of rows R_u × columns C_v summed in double. */
    static void forwardScalar(float[] x, int xo, int n, int c, int h, int w, float[] out) {
        for (int p = 0; p < n * c; p++) {
            int in = xo + p * h * w;
            for (int u = 0; u < 3; u++) {
                for (int v = 0; v < 3; v++) {
                    double sum = 0;
                    for (int r = u == 2 ? 1 : 0; r < (u == 0 ? h - 1 : h); r++) {
                        for (int j = v == 2 ? 1 : 0; j < (v == 0 ? w - 1 : w); j++) sum += x[in + r * w + j];
                    }
                    out[offset(p / c, p % c, c) + (3 * u + v) * c] = (float) sum;
                }
            }
        }
    }
}
