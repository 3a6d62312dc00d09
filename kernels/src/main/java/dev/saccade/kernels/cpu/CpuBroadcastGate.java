package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.BroadcastGate.Combine;
import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link dev.saccade.tensor.ops.BroadcastGate} op on a contiguous x (M, C, S), S = H·W, with a channel gate
 * c (M, C) and a spatial gate s (M, S), either absent: {@code y = x·(α + c + s)} (SUM) or {@code y = x·c·s}
 * (PRODUCT). Forward reads x once and writes y once; backward reads g and x once, writes gx once and reduces
 * gc (over S) and gs (over C) on the way. Work is split over the M frames, so each frame's gs row is private to
 * one thread. In inference the forward can also finish a residual block, {@code y = act(gate(x) + r)}, in the
 * same pass ({@link dev.saccade.tensor.ops.InferenceGate}). The scalar twin computes in double; F64 and disabled
 * SIMD use it.
 */
final class CpuBroadcastGate {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private CpuBroadcastGate() {}

    /** A gate's values as a dense double[] (null for an absent gate), for the scalar twin. */
    private static double[] values(Tensor t) { return t == null ? null : t.toDoubleArray(); }

    /** A float gate's values as a dense float[] (null for an absent gate), for the vector path: no cast to double. */
    private static float[] floatValues(Tensor t) { return t == null ? null : t.toFloatArray(); }

    /** y = gate(x); x, y contiguous (M, C, H, W); c (M, C, 1, 1) and s (M, 1, H, W) any layout, or null. */
    static void forward(Tensor x, Tensor c, Tensor s, Combine combine, double offset, Tensor y) {
        forward(x, c, s, combine, offset, null, ConvActivation.NONE, y);
    }

    /**
     * y = act(gate(x) + r), the gate with the residual block's epilogue (inference): r contiguous (M, C, H, W) or
     * null; y may be x itself (each element is read before it is written).
     */
    static void forward(Tensor x, Tensor c, Tensor s, Combine combine, double offset, Tensor r, ConvActivation act, Tensor y) {
        int m = x.dim(0), ch = x.dim(1), sp = x.dim(2) * x.dim(3);
        if (x.numel() == 0) return;
        HostStorage xs = CpuElementwise.host(x), ys = CpuElementwise.host(y), rs = r == null ? null : CpuElementwise.host(r);
        int xo = x.layout().offset(), yo = y.layout().offset(), ro = r == null ? 0 : r.layout().offset();
        boolean sum = combine == Combine.SUM;
        double cAbsent = sum ? 0 : 1, base = sum ? offset : 0;
        if (xs.dtype() == DType.F32 && Simd.enabled()) {
            float[] xf = xs.floats(), yf = ys.floats(), rf = rs == null ? null : rs.floats(), cf = floatValues(c), sf = floatValues(s);
            boolean plain = rf == null && act == ConvActivation.NONE;
            CpuThreads.parallelFor(0, m * ch, Math.max(1, GRAIN_ELEMENTS / sp), (lo, hi) -> {
                for (int row = lo; row < hi; row++) {
                    int in = xo + row * sp, out = yo + row * sp, so = (row / ch) * sp;
                    float gc = cf == null ? (float) cAbsent : cf[row];
                    if (sf == null && plain) { scaleRow(xf, in, yf, out, sp, (float) (sum ? base + gc : gc)); continue; }
                    if (sf == null) { scaleRowEpilogue(xf, in, rf, ro + row * sp, yf, out, sp, (float) (sum ? base + gc : gc), act); continue; }
                    if (!sum && !plain) { productRowEpilogue(xf, in, sf, so, gc, rf, ro + row * sp, act, yf, out, sp); continue; }
                    float add = (float) (base + gc);
                    FloatVector vc = FloatVector.broadcast(V, sum ? add : gc);
                    int i = 0, bound = V.loopBound(sp);
                    if (plain) {
                        for (; i < bound; i += V.length()) {
                            FloatVector gs = FloatVector.fromArray(V, sf, so + i);
                            FloatVector gate = sum ? gs.add(vc) : gs.mul(vc);
                            FloatVector.fromArray(V, xf, in + i).mul(gate).intoArray(yf, out + i);
                        }
                    } else {
                        int rr = ro + row * sp;
                        for (; i < bound; i += V.length()) {
                            FloatVector gs = FloatVector.fromArray(V, sf, so + i);
                            FloatVector gate = sum ? gs.add(vc) : gs.mul(vc);
                            FloatVector v = FloatVector.fromArray(V, xf, in + i).mul(gate);
                            if (rf != null) v = v.add(FloatVector.fromArray(V, rf, rr + i));
                            VectorActivation.apply(v, act).intoArray(yf, out + i);
                        }
                    }
                    for (; i < sp; i++) {
                        float v = xf[in + i] * (sum ? sf[so + i] + add : sf[so + i] * gc);
                        if (rf != null) v += rf[ro + row * sp + i];
                        yf[out + i] = act.apply(v);
                    }
                }
            });
        } else {
            double[] cv = values(c), sv = values(s);
            CpuThreads.parallelFor(0, m * ch, Math.max(1, GRAIN_ELEMENTS / sp), (lo, hi) -> {
                for (int row = lo; row < hi; row++) {
                    int in = xo + row * sp, out = yo + row * sp, so = (row / ch) * sp, rr = ro + row * sp;
                    double gc = cv == null ? cAbsent : cv[row];
                    for (int i = 0; i < sp; i++) {
                        double gs = sv == null ? cAbsent : sv[so + i];
                        double gate = sum ? base + gc + gs : gc * gs;
                        double v = xs.getDouble(in + i) * gate + (rs == null ? 0 : rs.getDouble(rr + i));
                        ys.setDouble(out + i, activate(v, act));
                    }
                }
            });
        }
    }

    /** The activation of the scalar twin, in double (as {@link ConvActivation#apply}). */
    private static double activate(double v, ConvActivation act) {
        return switch (act) {
            case NONE -> v;
            case RELU -> v > 0 ? v : 0;
            case RELU6 -> v <= 0 ? 0 : Math.min(v, 6);
        };
    }

    /** y = act(x·a + r) over one row; r may be null. */
    private static void scaleRowEpilogue(float[] x, int in, float[] r, int ri, float[] y, int out, int len, float a, ConvActivation act) {
        FloatVector va = FloatVector.broadcast(V, a);
        int i = 0, bound = V.loopBound(len);
        for (; i < bound; i += V.length()) {
            FloatVector v = FloatVector.fromArray(V, x, in + i).mul(va);
            if (r != null) v = v.add(FloatVector.fromArray(V, r, ri + i));
            VectorActivation.apply(v, act).intoArray(y, out + i);
        }
        for (; i < len; i++) y[out + i] = act.apply(x[in + i] * a + (r == null ? 0f : r[ri + i]));
    }

    /**
     * y = act(x·(s·a) + r) over one row of len, s the frame's spatial gate from {@code so} and a the row's channel
     * gate (PRODUCT with both gates); r may be null. Shared with {@link CpuSpatialAttentionGate}, which gates with
     * the same bits.
     */
    static void productRowEpilogue(float[] x, int in, float[] s, int so, float a, float[] r, int ri, ConvActivation act,
                                   float[] y, int out, int len) {
        FloatVector va = FloatVector.broadcast(V, a);
        int i = 0, bound = V.loopBound(len);
        for (; i < bound; i += V.length()) {
            FloatVector v = FloatVector.fromArray(V, x, in + i).mul(FloatVector.fromArray(V, s, so + i).mul(va));
            if (r != null) v = v.add(FloatVector.fromArray(V, r, ri + i));
            VectorActivation.apply(v, act).intoArray(y, out + i);
        }
        for (; i < len; i++) {
            float v = x[in + i] * (s[so + i] * a);
            if (r != null) v += r[ri + i];
            y[out + i] = act.apply(v);
        }
    }

    private static void scaleRow(float[] x, int in, float[] y, int out, int len, float a) {
        FloatVector va = FloatVector.broadcast(V, a);
        int i = 0, bound = V.loopBound(len);
        for (; i < bound; i += V.length()) FloatVector.fromArray(V, x, in + i).mul(va).intoArray(y, out + i);
        for (; i < len; i++) y[out + i] = x[in + i] * a;
    }

    /**
     * Gradients of {@link #forward}: gx (M, C, H, W), gc (M, C, 1, 1), gs (M, 1, H, W), each contiguous or null
     * when not wanted; g and x contiguous.
     */
    static void backward(Tensor g, Tensor x, Tensor c, Tensor s, Combine combine, double offset, Tensor gx, Tensor gcOut, Tensor gsOut) {
        int m = x.dim(0), ch = x.dim(1), sp = x.dim(2) * x.dim(3);
        if (x.numel() == 0) return;
        HostStorage gst = CpuElementwise.host(g), xs = CpuElementwise.host(x);
        HostStorage gxs = gx == null ? null : CpuElementwise.host(gx);
        HostStorage gcs = gcOut == null ? null : CpuElementwise.host(gcOut), gss = gsOut == null ? null : CpuElementwise.host(gsOut);
        int go = g.layout().offset(), xo = x.layout().offset();
        boolean sum = combine == Combine.SUM;
        double cAbsent = sum ? 0 : 1, base = sum ? offset : 0;
        boolean simd = xs.dtype() == DType.F32 && Simd.enabled();
        double[] cv = simd ? null : values(c), sv = simd ? null : values(s);
        float[] cf = simd ? floatValues(c) : null, sf = simd ? floatValues(s) : null;
        CpuThreads.parallelFor(0, m, Math.max(1, GRAIN_ELEMENTS / Math.max(1, ch * sp)), (lo, hi) -> {
            double[] gsAcc = gss == null ? null : new double[sp];                              // (S) of one frame
            float[] gsLane = simd && gss != null ? new float[sp] : null;
            for (int f = lo; f < hi; f++) {
                if (gsAcc != null) java.util.Arrays.fill(gsAcc, 0);
                if (gsLane != null) java.util.Arrays.fill(gsLane, 0);
                int so = f * sp;
                for (int k = 0; k < ch; k++) {
                    int row = f * ch + k, off = row * sp;
                    double gcv = simd ? (cf == null ? cAbsent : cf[row]) : (cv == null ? cAbsent : cv[row]);
                    double rowSum = simd
                            ? backwardRowSimd(gst.floats(), go + off, xs.floats(), xo + off, gxs == null ? null : gxs.floats(), off,
                                              sf, so, sp, (float) gcv, sum, (float) base, gsLane)
                            : backwardRowScalar(gst, go + off, xs, xo + off, gxs, off, sv, so, sp, gcv, sum, base, cAbsent, gsAcc);
                    if (gcs != null) gcs.setDouble(row, rowSum);
                }
                if (gss != null) for (int i = 0; i < sp; i++) gss.setDouble(so + i, gsLane != null ? gsLane[i] : gsAcc[i]);
            }
        });
    }

    /**
     * One (frame, channel) row: gx = g·gate, returns Σ g·x·∂gate/∂c, adds g·x·∂gate/∂s into gsLane. The spatial
     * gradient accumulates in float over the channels (a vector add per row), the channel gradient per row in double.
     */
    private static double backwardRowSimd(float[] g, int gi, float[] x, int xi, float[] gx, int out, float[] s, int so, int len,
                                          float gc, boolean sum, float base, float[] gsLane) {
        FloatVector vc = FloatVector.broadcast(V, gc), vbase = FloatVector.broadcast(V, base + gc);
        FloatVector acc = FloatVector.zero(V);
        int i = 0, bound = V.loopBound(len);
        for (; i < bound; i += V.length()) {
            FloatVector gv = FloatVector.fromArray(V, g, gi + i), xv = FloatVector.fromArray(V, x, xi + i);
            FloatVector sv = s == null ? null : FloatVector.fromArray(V, s, so + i);
            FloatVector gxx = gv.mul(xv);
            if (gx != null) {
                FloatVector gate = sum ? (sv == null ? vbase : sv.add(vbase)) : (sv == null ? vc : sv.mul(vc));
                gv.mul(gate).intoArray(gx, out + i);
            }
            acc = sum || sv == null ? acc.add(gxx) : gxx.fma(sv, acc);
            if (gsLane != null) {
                FloatVector prev = FloatVector.fromArray(V, gsLane, i);
                (sum ? prev.add(gxx) : gxx.fma(vc, prev)).intoArray(gsLane, i);
            }
        }
        double rowSum = Simd.sumLanes(acc);
        for (; i < len; i++) {
            float sv = s == null ? (sum ? 0 : 1) : s[so + i];
            float gxx = g[gi + i] * x[xi + i];
            if (gx != null) gx[out + i] = g[gi + i] * (sum ? base + gc + sv : gc * sv);
            rowSum += sum ? gxx : gxx * sv;
            if (gsLane != null) gsLane[i] += sum ? gxx : gxx * gc;
        }
        return rowSum;
    }

    /** The scalar twin of {@link #backwardRowSimd}, in double. */
    private static double backwardRowScalar(HostStorage g, int gi, HostStorage x, int xi, HostStorage gx, int out, double[] s, int so,
                                            int len, double gc, boolean sum, double base, double absent, double[] gsAcc) {
        double rowSum = 0;
        for (int i = 0; i < len; i++) {
            double sv = s == null ? absent : s[so + i];
            double gv = g.getDouble(gi + i), gxx = gv * x.getDouble(xi + i);
            if (gx != null) gx.setDouble(out + i, gv * (sum ? base + gc + sv : gc * sv));
            rowSum += sum ? gxx : gxx * sv;
            if (gsAcc != null) gsAcc[i] += sum ? gxx : gxx * gc;
        }
        return rowSum;
    }
}
