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
 * taken as each tile is stored instead of in a second pass over y. Each (image, channel) keeps an L-lane sum
 * and an L-lane max; a stored tile row adds its lanes of that image to them (no horizontal reduction per tile), and
 * {@link #finish} reduces the lanes once ({@link Simd#sumLanes}, a fixed order). The sum accumulates in float lanes,
 * as {@code CpuAvgMaxPool} does, in the order the tiles are stored. The max is exact, taken as a compare and a blend
 * ({@code a < b ? b : a}) rather than {@link FloatVector#max}, whose NaN and signed-zero rules cost several
 * instructions on x86 (in this loop, more than the sum): it equals {@code Math.max}'s except that a zero max
 * may keep the sign of the first zero seen and a NaN is not propagated (the mean still is). Covers images
 * {@code [image0, image0 + images)}; one instance is written by one thread at a time.
 *
 * <pre>{@code
 * TilePool pool = TilePool.onThreadScratch(n0, nb, cOut, plane);
 * pool.bases(offset, lanes, segments, co0, at);    // then PooledTileKernel.tile(…, pool.sums(), pool.maxes(), at)
 * pool.finish(pooled, n);                          // pooled (2, N, C_out): means, then maxes
 * }</pre>
 */
final class TilePool {
    private static final long HALF = (1L << L) - 1, FULL = (1L << NR) - 1;

    /** Each thread's accumulator arrays {sum, max}, grown on demand and reused ({@link #onThreadScratch}). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private final int image0, images, cOut, plane, length;
    private final float[] sum;   // (images, C_out, L) at [0, length)
    private final float[] max;   // (images, C_out, L) at [0, length)
    /** The tile of the last {@link #add} or {@link #bases} (its first segment's offset) and its segments' images. */
    private int tileOffset = Integer.MIN_VALUE;
    private final int[] segmentImage;

    /** A pool with arrays of its own, for a column range whose pool another thread merges. */
    TilePool(int image0, int images, int cOut, int plane) {
        this(image0, images, cOut, plane, new float[images * cOut * L], new float[images * cOut * L]);
    }

    /**
     * A pool on the calling thread's scratch arrays (no allocation once they are large enough; fixed addresses, so
     * the loop's speed does not move with where a fresh array lands): finished by this thread before it makes
     * another, and never handed to another thread.
     */
    static TilePool onThreadScratch(int image0, int images, int cOut, int plane) {
        float[][] s = SCRATCH.get();
        int length = images * cOut * L;
        if (s[0].length < length) {
            s[0] = new float[length];
            s[1] = new float[length];
        }
        return new TilePool(image0, images, cOut, plane, s[0], s[1]);
    }

    private TilePool(int image0, int images, int cOut, int plane, float[] sum, float[] max) {
        this.image0 = image0;
        this.images = images;
        this.cOut = cOut;
        this.plane = plane;
        this.length = images * cOut * L;
        this.sum = sum;
        this.max = max;
        this.segmentImage = new int[ConvEpilogue.maxSegments(plane)];
        Arrays.fill(sum, 0, length, 0f);
        Arrays.fill(max, 0, length, Float.NEGATIVE_INFINITY);
    }

    /** The L-lane sums (images, C_out, L), for {@link PooledTileKernel}. */
    float[] sums() { return sum; }

    /** The L-lane maxes (images, C_out, L), for {@link PooledTileKernel}. */
    float[] maxes() { return max; }

    /**
     * For the tile whose segments are given ({@link ConvEpilogue#segments}) and output channels {@code co0 …}: the
     * index in {@link #sums} and {@link #maxes} of each segment's first row, {@code at[s] = (image·C_out + co0)·L}.
     */
    void bases(int[] offset, long[] lanes, int segments, int co0, int[] at) {
        locate(offset, lanes, segments);
        for (int sg = 0; sg < segments; sg++) at[sg] = (segmentImage[sg] * cOut + co0) * L;
    }

    /** Each segment's image (from 0 for image0), found once per column tile: every row block of it reuses them. */
    private void locate(int[] offset, long[] lanes, int segments) {
        if (offset[0] == tileOffset) return;
        tileOffset = offset[0];
        for (int sg = 0; sg < segments; sg++)                // offset = image·C_out·P + p − t
            segmentImage[sg] = (offset[sg] + Long.numberOfTrailingZeros(lanes[sg])) / (cOut * plane) - image0;
    }

    /**
     * Adds rows {@code [0, mr)} (output channels {@code co0 …}) of the tile just stored to y (N, C_out, P), read back:
     * lane t of segment s, row r, is {@code y[offset[s] + (co0 + r)·P + t]} ({@link ConvEpilogue#segments}). For
     * partial tiles; full ones are pooled from their registers ({@link PooledTileKernel}).
     */
    void add(float[] y, int co0, int mr, int[] offset, long[] lanes, int segments) {
        locate(offset, lanes, segments);
        for (int sg = 0; sg < segments; sg++) {
            long bits = lanes[sg];
            int at = (segmentImage[sg] * cOut + co0) * L, o = offset[sg] + co0 * plane;
            if (bits == FULL) {
                for (int r = 0; r < mr; r++, o += plane, at += L) addRow(y, o, at);
            } else {
                for (int r = 0; r < mr; r++, o += plane, at += L)
                    for (int h = 0; h < NR; h += L) {
                        long half = bits >>> h & HALF;
                        if (half != 0) addLanes(y, o + h, half, at);
                    }
            }
        }
    }

    /**
     * The NR values of one tile row, {@code y[o, o + NR)}, into the L-lane sum and max at {@code at}. Scalars in,
     * stores out, as {@link #addLanes}: no vector crosses a call or merges two paths (C2 would box it).
     */
    private void addRow(float[] y, int o, int at) {
        FloatVector v0 = FloatVector.fromArray(S, y, o), v1 = FloatVector.fromArray(S, y, o + L);
        FloatVector.fromArray(S, sum, at).add(v0.add(v1)).intoArray(sum, at);
        FloatVector m01 = v0.blend(v1, v0.lt(v1)), m = FloatVector.fromArray(S, max, at);
        m.blend(m01, m.lt(m01)).intoArray(max, at);
    }

    /** The lanes set in {@code lanes} of {@code y[o, o + L)} into the sum and max at {@code at}. */
    private void addLanes(float[] y, int o, long lanes, int at) {
        VectorMask<Float> k = LaneMask.of(lanes);
        FloatVector v = FloatVector.fromArray(S, y, o, k);                          // lanes off the mask read 0
        FloatVector.fromArray(S, sum, at).add(v).intoArray(sum, at);
        FloatVector m = FloatVector.fromArray(S, max, at);
        m.blend(v, m.lt(v).and(k)).intoArray(max, at);
    }

    /** Adds another pool of the same images (a later column range of the same chunk), lane by lane. */
    void merge(TilePool other) {
        for (int i = 0; i < length; i += L) {
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
