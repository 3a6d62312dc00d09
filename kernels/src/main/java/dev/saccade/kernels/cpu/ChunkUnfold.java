package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col and col2im for a chunk of consecutive images at once, through a precomputed index map and Vector-API
 * gathers / scatters: the unfolding {@link ConvGemm} uses for narrow or strided output rows (where {@link Im2col}'s
 * row copies are too short to pay off) and for kernels with taps that only ever read padding. Where a vector of
 * columns reads consecutive elements of x (stride-1 rows whose plane the vector does not leave), {@link #unfold}
 * loads them with one plain load and zeroes the padding lanes by a blend instead of gathering.
 *
 * <p>For a group of {@code C = C_in/groups} channels, live taps {@code taps[0..T)} and images {@code n0 .. n0+B}, the
 * column matrix is {@code (C·T, B·P)}: row {@code c·T + i}, column {@code b·P + p} holds
 * {@code x[n0 + b, c, (od·sD − pD + kd·dD, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW)]} for tap {@code taps[i] =
 * (kd·kH + kh)·kW + kw} and output position {@code p = (od·oH + oh)·oW + ow}, zero in the padding (as
 * {@code torch.nn.functional.unfold}, images side by side). The map holds, per tap and column, the offset of that
 * element from the chunk's first channel plane, and whether it is inside the input.
 *
 * <pre>{@code
 * ChunkUnfold u = ChunkUnfold.of(g, Im2col.liveTaps(g), 8);
 * u.unfold(x, xBase, 8, col);        // (C·T, 8·P)
 * u.foldAdd(col, 8, gx, gxBase);     // gx += col2im(col)
 * }</pre>
 */
final class ChunkUnfold {
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();
    private static final FloatVector ZERO = FloatVector.zero(F);
    /**
     * Whether masked gathers and scatters compile to instructions: JDK 25's C2 has them with AVX-512 (16 lanes) only;
     * below that they run the Vector API's Java fallback (58–166 ns a masked gather on a Zen 1 core against 12.5 for
     * an unmasked one; an ad-hoc loop, docs/PERF.md), and AVX2 has no scatter at all. There {@link #unfold} gathers
     * unmasked (masked-off lanes read offset 0, inside x) and blends with zero, and {@link #foldAdd} adds lane by lane.
     */
    private static final boolean MASKED_GATHER = L >= 16;

    private final ConvGeometry g;
    private final int[] taps;
    private final int images, cols;
    private final int[] offset;        // (T, B·P): element offset from x[n0, c] (image stride C_in·D·H·W); 0 in padding
    private final boolean[] inside;    // (T, B·P)
    /**
     * (T, ⌊B·P / L⌋): per tap and vector of L columns, the offset lane 0 reads when the vector's inside lanes read
     * consecutive elements of x ({@code offset[j + l] = start + l}: a stride-1 "same" convolution's vectors that stay
     * inside one image's plane), so that one plain load blended with zero replaces the gather; {@link #GATHER} where
     * they do not, {@link #PADDING} where no lane is inside.
     */
    private final int[] runStart;
    private final int vectorsPerRow;
    private static final int GATHER = Integer.MIN_VALUE, PADDING = Integer.MIN_VALUE + 1;

    /** Maps kept per thread: a network's convolutions come round again every step. */
    private static final int CACHED_MAPS = 32;
    private static final ThreadLocal<java.util.LinkedHashMap<Key, ChunkUnfold>> CACHE = ThreadLocal.withInitial(
            () -> new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override protected boolean removeEldestEntry(java.util.Map.Entry<Key, ChunkUnfold> eldest) {
                    return size() > CACHED_MAPS;
                }
            });

    private record Key(ConvGeometry g, int images, java.util.List<Integer> taps) {}

    private ChunkUnfold(ConvGeometry g, int[] taps, int images) {
        this.g = g;
        this.taps = taps;
        this.images = images;
        int P = g.outPlane();
        this.cols = images * P;
        int[] map = Im2col.tapOffsets(g);                                       // (kVol, P), −1 in padding
        offset = new int[taps.length * cols];
        inside = new boolean[taps.length * cols];
        int imageStride = g.cIn() * g.inPlane();
        for (int i = 0; i < taps.length; i++)
            for (int b = 0; b < images; b++)
                for (int p = 0; p < P; p++) {
                    int s = map[taps[i] * P + p], j = i * cols + b * P + p;
                    inside[j] = s >= 0;
                    offset[j] = s >= 0 ? b * imageStride + s : 0;
                }
        vectorsPerRow = cols / L;
        runStart = new int[taps.length * vectorsPerRow];
        for (int i = 0; i < taps.length; i++)
            for (int v = 0; v < vectorsPerRow; v++) runStart[i * vectorsPerRow + v] = runStart(i * cols + v * L);
    }

    /** {@link #runStart} of the vector of columns whose lane 0 is map entry j. */
    private int runStart(int j) {
        int start = PADDING;
        for (int l = 0; l < L; l++) {
            if (!inside[j + l]) continue;
            if (start == PADDING) start = offset[j + l] - l;
            else if (offset[j + l] - l != start) return GATHER;
        }
        return start;
    }

    /** Vectors of the map read by one plain load each (for the tests: that the load path is taken at all). */
    int contiguousVectors() {
        int n = 0;
        for (int s : runStart) if (s != GATHER && s != PADDING) n++;
        return n;
    }

    /** The map for this geometry, taps and chunk size; the last {@value #CACHED_MAPS} built on this thread are reused. */
    static ChunkUnfold of(ConvGeometry g, int[] taps, int images) {
        Key key = new Key(g, images, java.util.Arrays.stream(taps).boxed().toList());
        return CACHE.get().computeIfAbsent(key, k -> new ChunkUnfold(g, taps.clone(), images));
    }

    /**
     * Unfolds {@code nb ≤ B} images whose first group channel plane starts at {@code xBase} into the first
     * {@code nb·P} columns of col, leading dimension {@code nb·P}.
     *
     * @param col output {@code (C·T, nb·P)}, overwritten
     */
    void unfold(float[] x, int xBase, int nb, float[] col) {
        unfold(x, xBase, nb, col, MASKED_GATHER);
    }

    /** {@link #unfold} by masked gathers, or by unmasked ones blended with zero (the tests run both). */
    void unfold(float[] x, int xBase, int nb, float[] col, boolean maskedGather) {
        int n = nb * g.outPlane(), inPlane = g.inPlane(), T = taps.length, bound = F.loopBound(n);
        for (int c = 0, r = 0; c < g.cInPerGroup(); c++) {
            int base = xBase + c * inPlane;                                     // x[n0, c]
            for (int i = 0; i < T; i++, r++) {
                int m = i * cols, dst = r * n, j = 0, runs = i * vectorsPerRow;
                for (; j < bound; j += L) {
                    int start = runStart[runs + j / L];
                    if (start == PADDING) {
                        ZERO.intoArray(col, dst + j);
                        continue;
                    }
                    VectorMask<Float> in = VectorMask.fromArray(F, inside, m + j);
                    int from = base + start;                    // lane 0's element; lanes outside still read x
                    if (start != GATHER && from >= 0 && from <= x.length - L) {
                        ZERO.blend(FloatVector.fromArray(F, x, from), in).intoArray(col, dst + j);
                    } else if (maskedGather) {
                        FloatVector.fromArray(F, x, base, offset, m + j, in).intoArray(col, dst + j);
                    } else {
                        ZERO.blend(FloatVector.fromArray(F, x, base, offset, m + j), in).intoArray(col, dst + j);
                    }
                }
                for (; j < n; j++) col[dst + j] = inside[m + j] ? x[base + offset[m + j]] : 0f;
            }
        }
    }

    /**
     * Adds the first {@code nb·P} columns of col back onto the input positions they were read from (the adjoint of
     * {@link #unfold}). Within one column row every position is distinct, so the scatter has no conflicts; rows are
     * added in order.
     */
    void foldAdd(float[] col, int nb, float[] gx, int gxBase) {
        foldAdd(col, nb, gx, gxBase, MASKED_GATHER);
    }

    /** {@link #foldAdd} by masked gathers and scatters, or lane by lane (the tests run both). */
    void foldAdd(float[] col, int nb, float[] gx, int gxBase, boolean maskedScatter) {
        int n = nb * g.outPlane(), inPlane = g.inPlane(), T = taps.length, bound = F.loopBound(n);
        for (int c = 0, r = 0; c < g.cInPerGroup(); c++) {
            int base = gxBase + c * inPlane;
            for (int i = 0; i < T; i++, r++) {
                int m = i * cols, src = r * n, j = 0;
                for (; maskedScatter && j < bound; j += L) {
                    VectorMask<Float> in = VectorMask.fromArray(F, inside, m + j);
                    FloatVector.fromArray(F, gx, base, offset, m + j, in).add(FloatVector.fromArray(F, col, src + j))
                            .intoArray(gx, base, offset, m + j, in);
                }
                for (; j < n; j++) if (inside[m + j]) gx[base + offset[m + j]] += col[src + j];
            }
        }
    }

    /** Scalar twin of {@link #unfold}: the same columns, one element at a time. */
    void unfoldScalar(float[] x, int xBase, int nb, float[] col) {
        int n = nb * g.outPlane(), inPlane = g.inPlane(), T = taps.length;
        for (int c = 0, r = 0; c < g.cInPerGroup(); c++)
            for (int i = 0; i < T; i++, r++)
                for (int j = 0; j < n; j++)
                    col[r * n + j] = inside[i * cols + j] ? x[xBase + c * inPlane + offset[i * cols + j]] : 0f;
    }

    /** Scalar twin of {@link #foldAdd}. */
    void foldAddScalar(float[] col, int nb, float[] gx, int gxBase) {
        int n = nb * g.outPlane(), inPlane = g.inPlane(), T = taps.length;
        for (int c = 0, r = 0; c < g.cInPerGroup(); c++)
            for (int i = 0; i < T; i++, r++)
                for (int j = 0; j < n; j++)
                    if (inside[i * cols + j]) gx[gxBase + c * inPlane + offset[i * cols + j]] += col[r * n + j];
    }
}
