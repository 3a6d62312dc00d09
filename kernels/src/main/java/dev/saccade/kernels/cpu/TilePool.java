package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The spatial sum and max per (image, output channel) of the tiles {@link ConvFused}'s GEMM stores
 * ({@link ConvFused#forwardPooled}): the {@code avg_HW} and {@code max_HW} descriptors of a channel attention that
 * reads the convolution's output next (CBAM, Woo et al., ECCV 2018, Eq. 2; W3, Pérez-Rúa et al., ECCV 2020, Eq. 3),
 * taken while each tile is still in L1 instead of in a second pass over y. Each (image, channel) keeps an L-lane sum
 * and an L-lane max; a stored tile row adds its lanes of that image to them (no horizontal reduction per tile), and
 * {@link #finish} reduces the lanes once ({@link Simd#sumLanes}, a fixed order). The sum accumulates in float lanes,
 * as {@code CpuAvgMaxPool} does, in the order the tiles are stored. The max is exact, taken as a compare and a blend
 * ({@code a < b ? b : a}) rather than {@link FloatVector#max}, whose NaN and signed-zero rules cost several
 * instructions on x86 (three times the sum's cost in this loop): it equals {@code Math.max}'s except that a zero max
 * may keep the sign of the first zero seen and a NaN is not propagated (the mean still is). Covers images
 * {@code [image0, image0 + images)}; one instance is written by one thread at a time.
 *
 * <pre>{@code
 * TilePool pool = new TilePool(n0, nb, cOut, plane);
 * pool.add(y, co0, MR, offset, lanes, segments);   // after each last-KC store
 * pool.finish(pooled, n);                          // pooled (2, N, C_out): means, then maxes
 * }</pre>
 */
final class TilePool {
    private static final long HALF = (1L << L) - 1, FULL = (1L << NR) - 1;

    private final int image0, images, cOut, plane;
    private final float[] sum;   // (images, C_out, L)
    private final float[] max;   // (images, C_out, L)

    TilePool(int image0, int images, int cOut, int plane) {
        this.image0 = image0;
        this.images = images;
        this.cOut = cOut;
        this.plane = plane;
        this.sum = new float[images * cOut * L];
        this.max = new float[images * cOut * L];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
    }

    /**
     * Adds rows {@code [0, mr)} (output channels {@code co0 …}) of the tile just stored to y (N, C_out, P): lane t of
     * segment s, row r, is {@code y[offset[s] + (co0 + r)·P + t]} ({@link ConvEpilogue#segments}).
     */
    void add(float[] y, int co0, int mr, int[] offset, long[] lanes, int segments) {
        for (int sg = 0; sg < segments; sg++) {
            long bits = lanes[sg];
            int t0 = Long.numberOfTrailingZeros(bits);
            int image = (offset[sg] + t0) / (cOut * plane) - image0;                  // offset = image·C_out·P + p − t
            int at = (image * cOut + co0) * L, o = offset[sg] + co0 * plane;
            if (bits == FULL) {
                for (int r = 0; r < mr; r++, o += plane, at += L) {
                    FloatVector v0 = FloatVector.fromArray(S, y, o), v1 = FloatVector.fromArray(S, y, o + L);
                    FloatVector.fromArray(S, sum, at).add(v0.add(v1)).intoArray(sum, at);
                    FloatVector m01 = v0.blend(v1, v0.lt(v1)), m = FloatVector.fromArray(S, max, at);
                    m.blend(m01, m.lt(m01)).intoArray(max, at);
                }
                continue;
            }
            for (int r = 0; r < mr; r++, o += plane, at += L) {
                FloatVector s = FloatVector.fromArray(S, sum, at), m = FloatVector.fromArray(S, max, at);
                for (int h = 0; h < NR; h += L) {
                    long half = bits >>> h & HALF;
                    if (half == 0) continue;
                    VectorMask<Float> k = VectorMask.fromLong(S, half);
                    FloatVector v = FloatVector.fromArray(S, y, o + h, k);            // lanes off the mask read 0
                    s = s.add(v);
                    m = m.blend(v, m.lt(v).and(k));
                }
                s.intoArray(sum, at);
                m.intoArray(max, at);
            }
        }
    }

    /** Adds another pool of the same images (a later column range of the same chunk), lane by lane. */
    void merge(TilePool other) {
        for (int i = 0; i < sum.length; i += L) {
            FloatVector.fromArray(S, sum, i).add(FloatVector.fromArray(S, other.sum, i)).intoArray(sum, i);
            FloatVector m = FloatVector.fromArray(S, max, i), o = FloatVector.fromArray(S, other.max, i);
            m.blend(o, m.lt(o)).intoArray(max, i);
        }
    }

    /** Writes this pool's images into pooled (2, n, C_out): the mean {@code sum / P} at row 0, the max at row 1. */
    void finish(float[] pooled, int n) {
        for (int i = 0; i < images; i++)
            for (int co = 0; co < cOut; co++) {
                int at = (i * cOut + co) * L, out = (image0 + i) * cOut + co;
                pooled[out] = (float) ((double) Simd.sumLanes(FloatVector.fromArray(S, sum, at)) / plane);
                pooled[n * cOut + out] = FloatVector.fromArray(S, max, at).reduceLanes(VectorOperators.MAX);
            }
    }
}
