package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AvgMaxPool.Axis;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link dev.saccade.tensor.ops.AvgMaxPool} op on a contiguous x (M, C, S), S = H·W, with an optional channel
 * scale c (M, C): mean and max of v = x·c over S (out (2, M, C)) or over C (out (M, 2, S)), reading x once.
 * Backward recomputes v (the same rounded product), finds the elements equal to the saved maximum, and writes
 * {@code gx = (ga/K + gm·[v = max]/#ties)·c}, with {@code gc = Σ_s gv·x}. Spatial pooling splits work over (m, c)
 * rows; channel pooling over the M frames, accumulating rows of S in vectors. The scalar twin computes sums in
 * double from the same rounded v; F64 and disabled SIMD use it.
 */
final class CpuAvgMaxPool {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int GRAIN_ELEMENTS = 1 << 15;
    /** The largest plane {@link #poolChannels} reads one channel row at a time (14² = 196). */
    static final int ONE_ROW_PLANE_MAX = 256;

    private CpuAvgMaxPool() {}

    /** v = x·c rounded to the storage's dtype, as the SIMD path computes it. */
    private static double v(double x, double c, boolean f32) { return f32 ? (float) x * (float) c : x * c; }

    static void forward(Tensor x, Tensor c, Axis axis, Tensor out) {
        int m = x.dim(0), ch = x.dim(1), sp = x.dim(2) * x.dim(3);
        HostStorage xs = CpuElementwise.host(x), os = CpuElementwise.host(out);
        int xo = x.layout().offset();
        double[] cv = c == null ? null : c.toDoubleArray();
        boolean f32 = xs.dtype() == DType.F32, simd = f32 && Simd.enabled();
        if (axis == Axis.SPATIAL) {
            CpuThreads.parallelFor(0, m * ch, Math.max(1, GRAIN_ELEMENTS / sp), (lo, hi) -> {
                for (int row = lo; row < hi; row++) {
                    double scale = cv == null ? 1 : cv[row], sum, max;
                    int in = xo + row * sp;
                    if (simd) {
                        float[] xf = xs.floats();
                        float sc = (float) scale;
                        FloatVector acc = FloatVector.zero(V), mx = FloatVector.broadcast(V, Float.NEGATIVE_INFINITY);
                        int i = 0, bound = V.loopBound(sp);
                        for (; i < bound; i += V.length()) {
                            FloatVector val = FloatVector.fromArray(V, xf, in + i);
                            if (cv != null) val = val.mul(sc);
                            acc = acc.add(val);
                            mx = mx.max(val);
                        }
                        sum = Simd.sumLanes(acc);
                        float fm = mx.reduceLanes(VectorOperators.MAX);
                        for (; i < sp; i++) {
                            float val = cv != null ? xf[in + i] * sc : xf[in + i];
                            sum += val;
                            fm = Math.max(fm, val);
                        }
                        max = fm;
                    } else {
                        sum = 0;
                        max = Double.NEGATIVE_INFINITY;
                        for (int i = 0; i < sp; i++) {
                            double val = v(xs.getDouble(in + i), scale, f32);
                            sum += val;
                            max = Math.max(max, val);
                        }
                    }
                    os.setDouble(row, sum / sp);
                    os.setDouble(m * ch + row, max);
                }
            });
            return;
        }
        float[] cf = simd && c != null ? c.toFloatArray() : null;
        CpuThreads.parallelFor(0, m, Math.max(1, GRAIN_ELEMENTS / Math.max(1, ch * sp)), (lo, hi) -> {
            double[] sum = new double[sp], max = new double[sp];
            float[] fsum = simd ? new float[sp] : null, fmax = simd ? new float[sp] : null;
            for (int f = lo; f < hi; f++) {
                int avgOut = f * 2 * sp, maxOut = avgOut + sp;
                if (simd) {
                    float[] of = os.floats();
                    poolChannels(xs.floats(), xo + f * ch * sp, ch, sp, cf, f * ch, fsum, fmax);
                    for (int i = 0; i < sp; i++) {
                        of[avgOut + i] = fsum[i] / ch;
                        of[maxOut + i] = fmax[i];
                    }
                } else {
                    java.util.Arrays.fill(sum, 0);
                    java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
                    for (int k = 0; k < ch; k++) {
                        int in = xo + (f * ch + k) * sp;
                        double scale = cv == null ? 1 : cv[f * ch + k];
                        for (int i = 0; i < sp; i++) {
                            double val = v(xs.getDouble(in + i), scale, f32);
                            sum[i] += val;
                            max[i] = Math.max(max[i], val);
                        }
                    }
                    for (int i = 0; i < sp; i++) {
                        os.setDouble(avgOut + i, sum[i] / ch);
                        os.setDouble(maxOut + i, max[i]);
                    }
                }
            }
        });
    }

    /**
     * The sum and max over C of one frame's v = x·c: x[in, in + C·S) holds its C rows of S, c[at, at + C) their
     * scales (null: 1); fsum and fmax (S floats each) receive the results. Sums are added in channel order. A plane of
     * at most four vectors is held in registers through the channel loop ({@link #planeInRegisters}). A plane of up
     * to {@value #ONE_ROW_PLANE_MAX} pixels is read one channel row after another, each added into the partial sums
     * and maxes (in L1): one read stream through the frame. A larger one is read four rows a sweep (four read streams
     * and one read-modify-write of the partials per four rows). The split was measured ({@code ChannelPoolBench},
     * docs/PERF.md): at 14² one row at a time read x from memory 1.3–1.9× as fast as four rows a sweep and from the
     * cache about as fast; at 28² it was 1.2–1.4× as fast from memory but 0.7× from the cache, and at 56² no faster
     * from memory, so four rows stay there. The last partial vector of a row is masked. Shared with
     * {@link CpuSpatialAttentionGate}, which must give the same bits.
     */
    static void poolChannels(float[] xf, int in, int ch, int sp, float[] c, int at, float[] fsum, float[] fmax) {
        if (sp >= V.length() && sp <= 4 * V.length()) {
            planeInRegisters(xf, in, ch, sp, c, at, fsum, fmax);
            return;
        }
        java.util.Arrays.fill(fsum, 0, sp, 0f);
        java.util.Arrays.fill(fmax, 0, sp, Float.NEGATIVE_INFINITY);
        int k = 0;
        if (sp > ONE_ROW_PLANE_MAX) for (; k + 4 <= ch; k += 4) channelsOfFour(xf, in + k * sp, sp, c, at + k, fsum, fmax);
        for (; k < ch; k++) channelRow(xf, in + k * sp, sp, c == null ? 1f : c[at + k], fsum, fmax);
    }

    /** Channel pooling of four consecutive channels (rows of sp at {@code in}, scales c[row …] or 1) into fsum and fmax. */
    private static void channelsOfFour(float[] xf, int in, int sp, float[] c, int row, float[] fsum, float[] fmax) {
        if (c == null) channelsOfFour(xf, in, sp, 1f, 1f, 1f, 1f, fsum, fmax);
        else channelsOfFour(xf, in, sp, c[row], c[row + 1], c[row + 2], c[row + 3], fsum, fmax);
    }

    /**
     * The four rows of sp at {@code in}, scaled by s0 … s3, into fsum and fmax: whole vectors, then the rows' last
     * partial vector masked.
     */
    private static void channelsOfFour(float[] xf, int in, int sp, float s0, float s1, float s2, float s3,
                                       float[] fsum, float[] fmax) {
        int i = 0, bound = V.loopBound(sp);
        for (; i < bound; i += V.length()) {
            FloatVector v0 = FloatVector.fromArray(V, xf, in + i).mul(s0);
            FloatVector v1 = FloatVector.fromArray(V, xf, in + sp + i).mul(s1);
            FloatVector v2 = FloatVector.fromArray(V, xf, in + 2 * sp + i).mul(s2);
            FloatVector v3 = FloatVector.fromArray(V, xf, in + 3 * sp + i).mul(s3);
            FloatVector sum = FloatVector.fromArray(V, fsum, i).add(v0).add(v1).add(v2).add(v3);
            FloatVector max = FloatVector.fromArray(V, fmax, i).max(v0).max(v1).max(v2).max(v3);
            sum.intoArray(fsum, i);
            max.intoArray(fmax, i);
        }
        if (i == sp) return;
        VectorMask<Float> lanes = V.indexInRange(i, sp);
        FloatVector v0 = FloatVector.fromArray(V, xf, in + i, lanes).mul(s0);
        FloatVector v1 = FloatVector.fromArray(V, xf, in + sp + i, lanes).mul(s1);
        FloatVector v2 = FloatVector.fromArray(V, xf, in + 2 * sp + i, lanes).mul(s2);
        FloatVector v3 = FloatVector.fromArray(V, xf, in + 3 * sp + i, lanes).mul(s3);
        FloatVector sum = FloatVector.fromArray(V, fsum, i, lanes).add(v0).add(v1).add(v2).add(v3);
        FloatVector max = FloatVector.fromArray(V, fmax, i, lanes).max(v0).max(v1).max(v2).max(v3);
        sum.intoArray(fsum, i, lanes);
        max.intoArray(fmax, i, lanes);
    }

    /** One channel's row of sp at {@code in}, scaled by s, added into fsum and maxed into fmax. */
    private static void channelRow(float[] xf, int in, int sp, float s, float[] fsum, float[] fmax) {
        int i = 0, bound = V.loopBound(sp);
        for (; i < bound; i += V.length()) {
            FloatVector v = FloatVector.fromArray(V, xf, in + i).mul(s);
            FloatVector.fromArray(V, fsum, i).add(v).intoArray(fsum, i);
            FloatVector.fromArray(V, fmax, i).max(v).intoArray(fmax, i);
        }
        if (i == sp) return;
        VectorMask<Float> lanes = V.indexInRange(i, sp);
        FloatVector v = FloatVector.fromArray(V, xf, in + i, lanes).mul(s);
        FloatVector.fromArray(V, fsum, i, lanes).add(v).intoArray(fsum, i, lanes);
        FloatVector.fromArray(V, fmax, i, lanes).max(v).intoArray(fmax, i, lanes);
    }

    /**
     * {@link #poolChannels} for a plane of L to 4·L pixels (7² with 16 lanes): four vectors of pixels, each summed
     * and maxed over all C channels in registers, stored once. A vector that would pass the plane's end starts at
     * {@code sp − L} instead, overlapping the one before: every accumulator still sums all channels of its own
     * pixels in channel order, so an overlapped pixel gets the same float from both and the stores need no mask.
     */
    private static void planeInRegisters(float[] xf, int in, int ch, int sp, float[] c, int at, float[] fsum, float[] fmax) {
        int l = V.length(), last = sp - l;
        int o0 = 0, o1 = Math.min(l, last), o2 = Math.min(2 * l, last), o3 = Math.min(3 * l, last);
        FloatVector s0 = FloatVector.zero(V), s1 = s0, s2 = s0, s3 = s0;
        FloatVector m0 = FloatVector.broadcast(V, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        for (int k = 0, row = in; k < ch; k++, row += sp) {
            float sc = c == null ? 1f : c[at + k];
            FloatVector v0 = FloatVector.fromArray(V, xf, row + o0).mul(sc), v1 = FloatVector.fromArray(V, xf, row + o1).mul(sc);
            FloatVector v2 = FloatVector.fromArray(V, xf, row + o2).mul(sc), v3 = FloatVector.fromArray(V, xf, row + o3).mul(sc);
            s0 = s0.add(v0);
            s1 = s1.add(v1);
            s2 = s2.add(v2);
            s3 = s3.add(v3);
            m0 = m0.max(v0);
            m1 = m1.max(v1);
            m2 = m2.max(v2);
            m3 = m3.max(v3);
        }
        s0.intoArray(fsum, o0);
        s1.intoArray(fsum, o1);
        s2.intoArray(fsum, o2);
        s3.intoArray(fsum, o3);
        m0.intoArray(fmax, o0);
        m1.intoArray(fmax, o1);
        m2.intoArray(fmax, o2);
        m3.intoArray(fmax, o3);
    }

    /**
     * gx (M, C, S) and gc (M, C), each contiguous or null; g, x contiguous, pooled the forward's output, with the
     * same rounded v as the forward. Float tensors with SIMD on take {@link #backwardF32}; the scalar twin below
     * decides the max's share by a compare per element and sums in double.
     */
    static void backward(Tensor g, Tensor x, Tensor c, Tensor pooled, Axis axis, Tensor gx, Tensor gc) {
        if (Simd.enabled() && x.dtype() == DType.F32 && g.dtype() == DType.F32 && pooled.dtype() == DType.F32
                && (c == null || c.dtype() == DType.F32)) {
            backwardF32(g, x, c, pooled, axis, gx, gc);
            return;
        }
        int m = x.dim(0), ch = x.dim(1), sp = x.dim(2) * x.dim(3);
        HostStorage gs = CpuElementwise.host(g), xs = CpuElementwise.host(x);
        HostStorage gxs = gx == null ? null : CpuElementwise.host(gx), gcs = gc == null ? null : CpuElementwise.host(gc);
        int go = g.layout().offset(), xo = x.layout().offset();
        double[] cv = c == null ? null : c.toDoubleArray(), pv = pooled.toDoubleArray();
        boolean f32 = xs.dtype() == DType.F32;
        if (axis == Axis.SPATIAL) {
            CpuThreads.parallelFor(0, m * ch, Math.max(1, GRAIN_ELEMENTS / sp), (lo, hi) -> {
                for (int row = lo; row < hi; row++) {
                    double scale = cv == null ? 1 : cv[row], max = pv[m * ch + row];
                    double ga = gs.getDouble(go + row) / sp, gm = gs.getDouble(go + m * ch + row);
                    int in = xo + row * sp, ties = 0;
                    for (int i = 0; i < sp; i++) if (v(xs.getDouble(in + i), scale, f32) == max) ties++;
                    double share = gm / ties, gcSum = 0;
                    for (int i = 0; i < sp; i++) {
                        double xv = xs.getDouble(in + i);
                        double gv = ga + (v(xv, scale, f32) == max ? share : 0);
                        if (gxs != null) gxs.setDouble(row * sp + i, gv * scale);
                        gcSum += gv * xv;
                    }
                    if (gcs != null) gcs.setDouble(row, gcSum);
                }
            });
            return;
        }
        CpuThreads.parallelFor(0, m, Math.max(1, GRAIN_ELEMENTS / Math.max(1, ch * sp)), (lo, hi) -> {
            int[] ties = new int[sp];
            for (int f = lo; f < hi; f++) {
                int gAvg = go + f * 2 * sp, gMax = gAvg + sp, pMax = f * 2 * sp + sp;
                java.util.Arrays.fill(ties, 0);
                for (int k = 0; k < ch; k++) {
                    int in = xo + (f * ch + k) * sp;
                    double scale = cv == null ? 1 : cv[f * ch + k];
                    for (int i = 0; i < sp; i++) if (v(xs.getDouble(in + i), scale, f32) == pv[pMax + i]) ties[i]++;
                }
                for (int k = 0; k < ch; k++) {
                    int row = f * ch + k, in = xo + row * sp;
                    double scale = cv == null ? 1 : cv[row], gcSum = 0;
                    for (int i = 0; i < sp; i++) {
                        double xv = xs.getDouble(in + i);
                        double gv = gs.getDouble(gAvg + i) / ch + (v(xv, scale, f32) == pv[pMax + i] ? gs.getDouble(gMax + i) / ties[i] : 0);
                        if (gxs != null) gxs.setDouble(row * sp + i, gv * scale);
                        gcSum += gv * xv;
                    }
                    if (gcs != null) gcs.setDouble(row, gcSum);
                }
            }
        });
    }

    /**
     * {@link #backward} on float vectors. Spatial pooling: per (m, c) row the max's ties are counted by a vector
     * compare, and gx takes one of two values, {@code ga·c} or {@code (ga + gm/ties)·c} (each computed in double and
     * rounded once, as the scalar twin rounds it), picked by the compare: the twin's floats; gc is
     * {@code ga·Σx + (gm/ties)·Σ_ties x} from float lane sums. Channel pooling: per frame the ties of each position
     * are counted over the channels in float lanes, the two candidate gradients of each position
     * ({@code gAvg/C}, {@code gAvg/C + gMax/ties}) computed once in double and rounded, then each channel row picks
     * between them by the compare and scales by its c; gc from float lane sums of gv·x.
     */
    private static void backwardF32(Tensor g, Tensor x, Tensor c, Tensor pooled, Axis axis, Tensor gx, Tensor gc) {
        int m = x.dim(0), ch = x.dim(1), sp = x.dim(2) * x.dim(3), bound = V.loopBound(sp);
        float[] gf = CpuElementwise.host(g).floats(), xf = CpuElementwise.host(x).floats();
        float[] gxf = gx == null ? null : CpuElementwise.host(gx).floats(), gcf = gc == null ? null : CpuElementwise.host(gc).floats();
        float[] cf = c == null ? null : c.contiguousFromZero().toFloatArray(), pf = pooled.contiguousFromZero().toFloatArray();
        int go = g.layout().offset(), xo = x.layout().offset();
        if (axis == Axis.SPATIAL) {
            CpuThreads.parallelFor(0, m * ch, Math.max(1, GRAIN_ELEMENTS / sp), (lo, hi) -> {
                for (int row = lo; row < hi; row++) {
                    float sc = cf == null ? 1f : cf[row], max = pf[m * ch + row];
                    int in = xo + row * sp, ties = 0, i = 0;
                    for (; i < bound; i += V.length()) {
                        FloatVector v = FloatVector.fromArray(V, xf, in + i);
                        if (cf != null) v = v.mul(sc);
                        ties += v.compare(VectorOperators.EQ, max).trueCount();
                    }
                    for (; i < sp; i++) if ((cf != null ? xf[in + i] * sc : xf[in + i]) == max) ties++;
                    double ga = gf[go + row] / (double) sp, share = gf[go + m * ch + row] / (double) ties;
                    FloatVector off = FloatVector.broadcast(V, (float) (ga * sc)), on = FloatVector.broadcast(V, (float) ((ga + share) * sc));
                    FloatVector sumX = FloatVector.zero(V), sumTies = FloatVector.zero(V);
                    for (i = 0; i < bound; i += V.length()) {
                        FloatVector xv = FloatVector.fromArray(V, xf, in + i);
                        VectorMask<Float> isMax = (cf != null ? xv.mul(sc) : xv).compare(VectorOperators.EQ, max);
                        if (gxf != null) off.blend(on, isMax).intoArray(gxf, row * sp + i);
                        sumX = sumX.add(xv);
                        sumTies = sumTies.add(xv, isMax);
                    }
                    double sx = Simd.sumLanes(sumX), st = Simd.sumLanes(sumTies);
                    for (; i < sp; i++) {
                        float xv = xf[in + i];
                        boolean isMax = (cf != null ? xv * sc : xv) == max;
                        if (gxf != null) gxf[row * sp + i] = (float) ((isMax ? ga + share : ga) * sc);
                        sx += xv;
                        if (isMax) st += xv;
                    }
                    if (gcf != null) gcf[row] = (float) (ga * sx + share * st);
                }
            });
            return;
        }
        CpuThreads.parallelFor(0, m, Math.max(1, GRAIN_ELEMENTS / Math.max(1, ch * sp)), (lo, hi) -> {
            float[] ties = new float[sp], off = new float[sp], on = new float[sp];
            for (int f = lo; f < hi; f++) {
                int gAvg = go + f * 2 * sp, gMax = gAvg + sp, pMax = f * 2 * sp + sp;
                java.util.Arrays.fill(ties, 0f);
                for (int k = 0; k < ch; k++) {
                    int in = xo + (f * ch + k) * sp, i = 0;
                    float sc = cf == null ? 1f : cf[f * ch + k];
                    for (; i < bound; i += V.length()) {
                        FloatVector v = FloatVector.fromArray(V, xf, in + i);
                        if (cf != null) v = v.mul(sc);
                        VectorMask<Float> isMax = v.compare(VectorOperators.EQ, FloatVector.fromArray(V, pf, pMax + i));
                        FloatVector.fromArray(V, ties, i).add(1f, isMax).intoArray(ties, i);
                    }
                    for (; i < sp; i++) if ((cf != null ? xf[in + i] * sc : xf[in + i]) == pf[pMax + i]) ties[i]++;
                }
                for (int i = 0; i < sp; i++) {
                    double avg = gf[gAvg + i] / (double) ch;
                    off[i] = (float) avg;
                    on[i] = (float) (avg + gf[gMax + i] / (double) ties[i]);
                }
                for (int k = 0; k < ch; k++) {
                    int row = f * ch + k, in = xo + row * sp, i = 0;
                    float sc = cf == null ? 1f : cf[row];
                    FloatVector gcSum = FloatVector.zero(V);
                    for (; i < bound; i += V.length()) {
                        FloatVector xv = FloatVector.fromArray(V, xf, in + i);
                        VectorMask<Float> isMax = (cf != null ? xv.mul(sc) : xv).compare(VectorOperators.EQ, FloatVector.fromArray(V, pf, pMax + i));
                        FloatVector gv = FloatVector.fromArray(V, off, i).blend(FloatVector.fromArray(V, on, i), isMax);
                        if (gxf != null) gv.mul(sc).intoArray(gxf, row * sp + i);
                        gcSum = gv.fma(xv, gcSum);
                    }
                    double gcs = Simd.sumLanes(gcSum);
                    for (; i < sp; i++) {
                        float xv = xf[in + i];
                        float gv = (cf != null ? xv * sc : xv) == pf[pMax + i] ? on[i] : off[i];
                        if (gxf != null) gxf[row * sp + i] = gv * sc;
                        gcs += (double) gv * xv;
                    }
                    if (gcf != null) gcf[row] = (float) gcs;
                }
            }
        });
    }
}
