package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise temporal convolution (kernel 3, padding 1) on contiguous (N, T, C, S) buffers, S = H·W: the
 * {@link dev.saccade.tensor.ops.TemporalConv} op, without the permute copies of the composed form.
 * <p>Rows of S ≥ one vector: work is split over (n, c) pairs and walks t upwards, so the rows x[t−1], x[t], x[t+1]
 * of a pair are read from memory once and from cache after. Shorter rows (W3's (N·T, C, 1, 1) maps): each frame
 * plane of C·S elements is one vector loop with the three taps expanded to per-element weights.
 * The scalar twin computes every sum in double, element by element; F64 and disabled SIMD use it.
 */
final class CpuTemporalConv {
    private static final VectorSpecies<Float> S = Simd.F;
    /** Elements per parallel chunk, at least. */
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private CpuTemporalConv() {}

    /** The taps w (C, 1, 3) as double[3C], row-major, read through any layout. */
    static double[] taps(Tensor w) {
        double[] k = new double[w.numel()];
        float[] f = w.dtype() == DType.F32 ? w.toFloatArray() : null;
        double[] d = f == null ? w.toDoubleArray() : null;
        for (int i = 0; i < k.length; i++) k[i] = f != null ? f[i] : d[i];
        return k;
    }

    /** y = conv(x, w) over T; x, y contiguous (N·T, C, H, W). {@code flip} uses w[c, 2−k] (the data gradient). */
    static void forward(Tensor x, Tensor w, int frames, boolean flip, Tensor y) {
        int nt = x.dim(0), c = x.dim(1), s = x.numel() / Math.max(1, nt * c);
        if (x.numel() == 0) return;
        double[] k = taps(w);
        if (flip) for (int ch = 0; ch < c; ch++) { double t = k[3 * ch]; k[3 * ch] = k[3 * ch + 2]; k[3 * ch + 2] = t; }
        HostStorage xs = CpuElementwise.host(x), ys = CpuElementwise.host(y);
        int xo = x.layout().offset(), n = nt / frames;
        if (xs.dtype() == DType.F32 && Simd.enabled()) {
            if (s >= S.length()) forwardRows(xs.floats(), xo, ys.floats(), k, n, frames, c, s);
            else forwardPlanes(xs.floats(), xo, ys.floats(), k, n, frames, c, s);
        } else {
            forwardScalar(xs, xo, ys, k, n, frames, c, s);
        }
    }

    private static void forwardRows(float[] x, int xo, float[] y, double[] k, int n, int frames, int c, int s) {
        int plane = c * s;
        CpuThreads.parallelFor(0, n * c, Math.max(1, GRAIN_ELEMENTS / (frames * s)), (lo, hi) -> {
            for (int pair = lo; pair < hi; pair++) {
                int b = pair / c, ch = pair % c;
                float w0 = (float) k[3 * ch], w1 = (float) k[3 * ch + 1], w2 = (float) k[3 * ch + 2];
                FloatVector v0 = FloatVector.broadcast(S, w0), v1 = FloatVector.broadcast(S, w1), v2 = FloatVector.broadcast(S, w2);
                for (int t = 0; t < frames; t++) {
                    int row = (b * frames + t) * plane + ch * s;             // offset of (b, t, ch, 0)
                    int in = xo + row;
                    boolean prev = t > 0, next = t < frames - 1;
                    int i = 0, bound = S.loopBound(s);
                    for (; i < bound; i += S.length()) {
                        FloatVector acc = FloatVector.fromArray(S, x, in + i).mul(v1);
                        if (prev) acc = FloatVector.fromArray(S, x, in + i - plane).fma(v0, acc);
                        if (next) acc = FloatVector.fromArray(S, x, in + i + plane).fma(v2, acc);
                        acc.intoArray(y, row + i);
                    }
                    for (; i < s; i++) {
                        float acc = x[in + i] * w1;
                        if (prev) acc = Math.fma(x[in + i - plane], w0, acc);
                        if (next) acc = Math.fma(x[in + i + plane], w2, acc);
                        y[row + i] = acc;
                    }
                }
            }
        });
    }

    /**
     * y = conv(x, k) over T for frames of {@code c·s} floats (planes smaller than a vector: the taps laid out per
     * element of a frame); x at xo, y from 0, both (N·T, C, S) contiguous; k (C, 3) row-major. Also the temporal
     * convolutions of pooled vectors (s = 1) in {@link CpuChannelAttentionGates}.
     */
    static void forwardPlanes(float[] x, int xo, float[] y, double[] k, int n, int frames, int c, int s) {
        int plane = c * s;
        float[] w0 = new float[plane], w1 = new float[plane], w2 = new float[plane];      // taps per element of a frame
        for (int e = 0; e < plane; e++) {
            int ch = e / s;
            w0[e] = (float) k[3 * ch];
            w1[e] = (float) k[3 * ch + 1];
            w2[e] = (float) k[3 * ch + 2];
        }
        CpuThreads.parallelFor(0, n * frames, Math.max(1, GRAIN_ELEMENTS / plane), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int t = row % frames, out = row * plane, in = xo + out;
                boolean prev = t > 0, next = t < frames - 1;
                int i = 0, bound = S.loopBound(plane);
                for (; i < bound; i += S.length()) {
                    FloatVector acc = FloatVector.fromArray(S, x, in + i).mul(FloatVector.fromArray(S, w1, i));
                    if (prev) acc = FloatVector.fromArray(S, x, in + i - plane).fma(FloatVector.fromArray(S, w0, i), acc);
                    if (next) acc = FloatVector.fromArray(S, x, in + i + plane).fma(FloatVector.fromArray(S, w2, i), acc);
                    acc.intoArray(y, out + i);
                }
                for (; i < plane; i++) {
                    float acc = x[in + i] * w1[i];
                    if (prev) acc = Math.fma(x[in + i - plane], w0[i], acc);
                    if (next) acc = Math.fma(x[in + i + plane], w2[i], acc);
                    y[out + i] = acc;
                }
            }
        });
    }

    /** The scalar twin: each output a double sum of three products. */
    private static void forwardScalar(HostStorage x, int xo, HostStorage y, double[] k, int n, int frames, int c, int s) {
        int plane = c * s;
        CpuThreads.parallelFor(0, n * frames, Math.max(1, GRAIN_ELEMENTS / Math.max(1, plane)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int t = row % frames, out = row * plane, in = xo + out;
                for (int e = 0; e < plane; e++) {
                    int ch = e / s;
                    double acc = k[3 * ch + 1] * x.getDouble(in + e);
                    if (t > 0) acc += k[3 * ch] * x.getDouble(in + e - plane);
                    if (t < frames - 1) acc += k[3 * ch + 2] * x.getDouble(in + e + plane);
                    y.setDouble(out + e, acc);
                }
            }
        });
    }

    /**
     * gw[c, k] = Σ_{n,t,s} g[n,t,c,s]·x[n,t+k−1,c,s] into gw (C, 1, 3) contiguous; g and x contiguous (N·T, C, H, W).
     * Work is split over channels, so each channel's three sums are private to one thread (no reduction across
     * threads); each row's partial sum is accumulated in double.
     */
    static void weightGradient(Tensor g, Tensor x, int frames, Tensor gw) {
        int nt = x.dim(0), c = x.dim(1), s = x.numel() / Math.max(1, nt * c), n = nt / frames, plane = c * s;
        HostStorage gs = CpuElementwise.host(g), xs = CpuElementwise.host(x), ws = CpuElementwise.host(gw);
        int go = g.layout().offset(), xo = x.layout().offset();
        if (xs.dtype() == DType.F32 && gs.dtype() == DType.F32 && ws.dtype() == DType.F32 && Simd.enabled() && s < S.length() && nt > 0) {
            weightGradientSmallPlanes(gs.floats(), go, xs.floats(), xo, nt, frames, c, s, ws.floats());
            return;
        }
        boolean simd = xs.dtype() == DType.F32 && Simd.enabled() && s >= S.length();
        CpuThreads.parallelFor(0, c, Math.max(1, GRAIN_ELEMENTS / Math.max(1, nt * s)), (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double k0 = 0, k1 = 0, k2 = 0;
                for (int b = 0; b < n; b++) {
                    for (int t = 0; t < frames; t++) {
                        int row = (b * frames + t) * plane + ch * s, gr = go + row, xr = xo + row;
                        if (simd) {
                            float[] gf = gs.floats(), xf = xs.floats();
                            k1 += dot(gf, gr, xf, xr, s);
                            if (t > 0) k0 += dot(gf, gr, xf, xr - plane, s);
                            if (t < frames - 1) k2 += dot(gf, gr, xf, xr + plane, s);
                        } else {
                            for (int e = 0; e < s; e++) {
                                double gv = gs.getDouble(gr + e);
                                k1 += gv * xs.getDouble(xr + e);
                                if (t > 0) k0 += gv * xs.getDouble(xr + e - plane);
                                if (t < frames - 1) k2 += gv * xs.getDouble(xr + e + plane);
                            }
                        }
                    }
                }
                ws.setDouble(3 * ch, k0);
                ws.setDouble(3 * ch + 1, k1);
                ws.setDouble(3 * ch + 2, k2);
            }
        });
    }

    /**
     * {@link #weightGradient} for planes of fewer than a vector's values (W3's (N·T, C, 1, 1) maps, the last stages
     * of small inputs): a frame's C·S values are one run, so the products are summed over the frames element by
     * element in float vectors along that run (three (C·S) sums, split over the threads by channel), and each
     * channel's S sums are added in double at the end.
     */
    private static void weightGradientSmallPlanes(float[] g, int go, float[] x, int xo, int nt, int frames, int c, int s, float[] gw) {
        int plane = c * s;
        CpuThreads.parallelFor(0, c, Math.max(1, GRAIN_ELEMENTS / Math.max(1, nt * s)), (lo, hi) -> {
            int e0 = lo * s, len = (hi - lo) * s, bound = S.loopBound(len);
            float[] k0 = new float[len], k1 = new float[len], k2 = new float[len];
            for (int row = 0; row < nt; row++) {
                int t = row % frames, gr = go + row * plane + e0, xr = xo + row * plane + e0, i = 0;
                boolean prev = t > 0, next = t < frames - 1;
                for (; i < bound; i += S.length()) {
                    FloatVector gv = FloatVector.fromArray(S, g, gr + i);
                    gv.fma(FloatVector.fromArray(S, x, xr + i), FloatVector.fromArray(S, k1, i)).intoArray(k1, i);
                    if (prev) gv.fma(FloatVector.fromArray(S, x, xr + i - plane), FloatVector.fromArray(S, k0, i)).intoArray(k0, i);
                    if (next) gv.fma(FloatVector.fromArray(S, x, xr + i + plane), FloatVector.fromArray(S, k2, i)).intoArray(k2, i);
                }
                for (; i < len; i++) {
                    float gv = g[gr + i];
                    k1[i] = Math.fma(gv, x[xr + i], k1[i]);
                    if (prev) k0[i] = Math.fma(gv, x[xr + i - plane], k0[i]);
                    if (next) k2[i] = Math.fma(gv, x[xr + i + plane], k2[i]);
                }
            }
            for (int ch = lo; ch < hi; ch++) {
                double a = 0, b = 0, d = 0;
                for (int e = (ch - lo) * s; e < (ch - lo + 1) * s; e++) { a += k0[e]; b += k1[e]; d += k2[e]; }
                gw[3 * ch] = (float) a;
                gw[3 * ch + 1] = (float) b;
                gw[3 * ch + 2] = (float) d;
            }
        });
    }

    /** Σ a[ao..ao+len)·b[bo..bo+len), vector lanes in float, the row total in double. */
    private static double dot(float[] a, int ao, float[] b, int bo, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0, bound = S.loopBound(len);
        for (; i < bound; i += S.length()) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        double sum = Simd.sumLanes(acc);
        for (; i < len; i++) sum += (double) a[ao + i] * b[bo + i];
        return sum;
    }
}
