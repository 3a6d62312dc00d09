package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-d max pooling with the argmax the backward pass routes through ({@code torch.nn.functional.max_pool2d(...,
 * return_indices=True)}), vectorised across output columns: each input row of a window is first split into its
 * {@code s_W} column phases (phase p holds columns p, p + s_W, …, bordered by −∞), so that tap kw of L consecutive
 * output columns is one contiguous load from phase {@code (kw − p_W) mod s_W}. Lane by lane the update is
 * {@link PoolKernels#maxForward}'s, in its order (window rows, then columns): the first in-range tap is taken, later
 * ones replace it when greater or NaN, so ties keep the first maximum and the result is bit for bit the scalar
 * loop's, indices included. Branch-free: the per-tap compare-and-select that a scalar loop mispredicts about once per
 * window becomes masked blends. For {@code D = 1}, dilation 1 along W.
 *
 * <pre>{@code
 * MaxPoolIndices.forward(PoolGeometry.pool2d(128, 16, 16, 16, 3, 2, 1), x, y, argmax);
 * }</pre>
 */
final class MaxPoolIndices {
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int L = F.length();
    private static final IntVector IOTA = IntVector.zero(I).addIndex(1);
    private static final FloatVector MINUS_INF = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    /** Lanes 2i and 2i + 1 of two vectors side by side (indices past the first vector select from the second). */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, i -> 2 * i), ODD = VectorShuffle.fromOp(F, i -> 2 * i + 1);
    private static final ThreadLocal<float[][]> PHASES = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    private MaxPoolIndices() {}

    /** Whether {@link #forward} handles g. */
    static boolean supports(PoolGeometry g) {
        return g.inD() == 1 && g.kD() == 1 && g.padD() == 0 && g.dilW() == 1;
    }

    /** y (N, C, oH, oW) = window maxima of x (N, C, H, W), argmax their index in the input plane; both overwritten. */
    static void forward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        if (g.outW() < L) forwardByPlanes(g, x, y, argmax);
        else forwardByRows(g, x, y, argmax);
    }

    /**
     * Output rows narrower than a vector (the stem's pool of a 32² frame, 16² → 8², at 16 lanes), where
     * {@link #forwardByRows} would fill half of each vector: the lanes run over a whole output plane instead, and tap
     * (kh, kw) of each lane is gathered through a map of its input position in the plane, made once per call — the
     * same updates in the same tap order, so the same maxima and indices. Gathers unmasked (a lane outside the input
     * reads position 0 and is never taken), as AVX2 has no masked gather instruction.
     */
    static void forwardByPlanes(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        int inPlane = g.inPlane(), outPlane = g.outPlane(), inH = g.inH(), inW = g.inW(), planes = g.n() * g.c();
        int oW = g.outW(), taps = g.kH() * g.kW(), padded = (outPlane + L - 1) / L * L;
        int[] at = new int[taps * padded];                      // (kH·kW, padded): input position, 0 outside
        boolean[] inside = new boolean[taps * padded];
        for (int kh = 0, t = 0; kh < g.kH(); kh++)
            for (int kw = 0; kw < g.kW(); kw++, t++)
                for (int p = 0; p < outPlane; p++) {
                    int ih = p / oW * g.strideH() - g.padH() + kh * g.dilH(), iw = p % oW * g.strideW() - g.padW() + kw;
                    boolean in = ih >= 0 && ih < inH && iw >= 0 && iw < inW;
                    inside[t * padded + p] = in;
                    at[t * padded + p] = in ? ih * inW + iw : 0;
                }
        CpuThreads.parallelFor(0, planes, 16, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int xBase = plane * inPlane, o = plane * outPlane;
                for (int p0 = 0; p0 < outPlane; p0 += L) {
                    FloatVector best = MINUS_INF;
                    IntVector arg = IntVector.broadcast(I, -1);
                    for (int t = 0; t < taps; t++) {
                        int m = t * padded + p0;
                        FloatVector v = FloatVector.fromArray(F, x, xBase, at, m);
                        VectorMask<Float> take = takes(v, best, arg, VectorMask.fromArray(F, inside, m));
                        best = best.blend(v, take);
                        arg = arg.blend(IntVector.fromArray(I, at, m), take.cast(I));
                    }
                    store(best, arg, Math.min(L, outPlane - p0), y, argmax, o + p0);
                }
            }
        });
    }

    /** Output rows of at least a vector: L output columns of one row at a time, from the rows' column phases. */
    static void forwardByRows(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        int inPlane = g.inPlane(), outPlane = g.outPlane(), inH = g.inH(), inW = g.inW(), planes = g.n() * g.c();
        int oH = g.outH(), oW = g.outW(), kH = g.kH(), kW = g.kW(), sH = g.strideH(), sW = g.strideW();
        int pH = g.padH(), pW = g.padW(), dH = g.dilH();
        int qMin = Math.floorDiv(-pW, sW), qMax = Math.floorDiv(kW - 1 - pW, sW);
        int margin = -qMin;                                           // phase column j sits at margin + j
        int phaseLen = margin + oW + qMax + L + 1;                    // every load of L lanes stays inside
        int rowLen = sW * phaseLen;                                   // one window row, split into its phases
        IntVector laneColumns = IOTA.mul(sW);                         // lane l's input column, less lane 0's
        int[] phaseCount = phaseCounts(inW, sW, margin, phaseLen);
        int[] tapPhase = new int[kW], tapShift = new int[kW];         // tap kw reads phase (kw − p_W) mod s_W at j + q
        for (int kw = 0; kw < kW; kw++) {                             // (once per call: no divisions in the loops)
            tapPhase[kw] = Math.floorMod(kw - pW, sW);
            tapShift[kw] = Math.floorDiv(kw - pW, sW);
        }
        CpuThreads.parallelFor(0, planes * oH, 8, (lo, hi) -> {
            float[][] holder = PHASES.get();
            if (holder[0].length < kH * rowLen) holder[0] = new float[kH * rowLen];
            float[] phases = holder[0];                                 // (kH, s_W, phaseLen)
            for (int item = lo; item < hi; item++) {                    // item = plane·oH + oh
                int plane = item / oH, oh = item - plane * oH, xBase = plane * inPlane, o = plane * outPlane + oh * oW;
                int ih0 = oh * sH - pH;
                for (int kh = 0; kh < kH; kh++) {
                    int ih = ih0 + kh * dH;
                    if (ih >= 0 && ih < inH) split(x, xBase + ih * inW, inW, sW, margin, phaseLen, phaseCount, phases, kh * rowLen);
                }
                for (int ow0 = 0; ow0 < oW; ow0 += L) {                 // best, at over the window, L columns at a time
                    FloatVector best = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                    IntVector at = IntVector.broadcast(I, -1);
                    for (int kh = 0; kh < kH; kh++) {
                        int ih = ih0 + kh * dH;
                        if (ih < 0 || ih >= inH) continue;
                        for (int kw = 0; kw < kW; kw++) {
                            int ph = tapPhase[kw], q = tapShift[kw];
                            FloatVector v = FloatVector.fromArray(F, phases, kh * rowLen + ph * phaseLen + margin + ow0 + q);
                            IntVector iw = laneColumns.add((ow0 + q) * sW + ph);        // input column of each lane
                            VectorMask<Float> inside = iw.compare(VectorOperators.GE, 0)
                                    .and(iw.compare(VectorOperators.LT, inW)).cast(F);
                            VectorMask<Float> take = takes(v, best, at, inside);
                            best = best.blend(v, take);
                            at = at.blend(iw.add(ih * inW), take.cast(I));
                        }
                    }
                    store(best, at, Math.min(L, oW - ow0), y, argmax, o + ow0);
                }
            }
        });
    }

    /**
     * The lanes where tap value v replaces the window's running maximum, as the scalar loop decides it
     * ({@link PoolKernels#maxForwardScalar(PoolGeometry, float[], float[], int[])}): lanes inside the input whose first
     * tap this is (no index yet), whose value is greater, or that are NaN ({@code v ≠ v}).
     */
    private static VectorMask<Float> takes(FloatVector v, FloatVector best, IntVector arg, VectorMask<Float> inside) {
        return arg.compare(VectorOperators.LT, 0).cast(F).or(v.compare(VectorOperators.GT, best))
                .or(v.compare(VectorOperators.NE, v)).and(inside);
    }

    /**
     * The first {@code count ≤ L} lanes of the maxima and their indices at {@code y[at …]} and {@code argmax[at …]}:
     * plain stores for a whole vector (vmaskmovps is slow on AVX2), masked ones for the end of a row or plane.
     */
    private static void store(FloatVector best, IntVector arg, int count, float[] y, int[] argmax, int at) {
        if (count == L) {
            best.intoArray(y, at);
            arg.intoArray(argmax, at);
        } else {
            VectorMask<Float> lanes = LaneMask.of((1L << count) - 1);
            best.intoArray(y, at, lanes);
            arg.intoArray(argmax, at, lanes.cast(I));
        }
    }

    /**
     * phases[at + p·phaseLen + margin + j] = x[row + j·s + p] for the {@code count[p]} columns of phase p inside the
     * row, −∞ before and after them: each phase row is first filled with −∞ by vector stores, then the columns are
     * copied over it — at stride 2 by two loads and two shuffles per 2L columns (as {@link PhaseSplit}), else one by
     * one. A split row is read by every output row whose window covers it.
     */
    private static void split(float[] x, int row, int inW, int s, int margin, int phaseLen, int[] count, float[] phases, int at) {
        for (int p = 0; p < s; p++) {
            int base = at + p * phaseLen;
            for (int i = 0; i < phaseLen; i += L) MINUS_INF.intoArray(phases, Math.min(base + i, base + phaseLen - L));
        }
        int j = 0;
        if (s == 2) {
            int even = at + margin, odd = at + phaseLen + margin;
            for (; 2 * j + 2 * L <= inW; j += L) {
                FloatVector lo = FloatVector.fromArray(F, x, row + 2 * j), hi = FloatVector.fromArray(F, x, row + 2 * j + L);
                lo.rearrange(EVEN, hi).intoArray(phases, even + j);
                lo.rearrange(ODD, hi).intoArray(phases, odd + j);
            }
        }
        for (int p = 0; p < s; p++) {
            int dst = at + p * phaseLen + margin;
            for (int k = j, iw = row + j * s + p; k < count[p]; k++, iw += s) phases[dst + k] = x[iw];
        }
    }

    /** Columns of phase p (p, p + s, … below inW) that {@link #split} copies, at most phaseLen − margin. */
    private static int[] phaseCounts(int inW, int s, int margin, int phaseLen) {
        int[] count = new int[s];
        for (int p = 0; p < s; p++) count[p] = Math.max(0, Math.min(Math.ceilDiv(inW - p, s), phaseLen - margin));
        return count;
    }
}
