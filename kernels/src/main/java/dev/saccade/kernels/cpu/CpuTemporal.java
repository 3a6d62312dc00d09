package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The temporal ops on contiguous {@code (N·T, C, H, W)} buffers, each reading every input element once and writing
 * every output element once. The shift is pure data movement: per (n, t) it copies three channel slabs
 * ({@code [0,fold)} from t+1, {@code [fold,2fold)} from t−1, the rest from t) and zero-fills the clip boundary.
 */
final class CpuTemporal {
    private static final VectorSpecies<Float> S = Simd.F;

    /**
     * Elements a thread's share of a parallel loop should hold at least: below it the hand-off to the pool costs
     * more than the copy (ACTION's and M2A's differences of pooled (N·T, C, 1, 1) vectors).
     */
    private static final int GRAIN_ELEMENTS = 1 << 14;

    private CpuTemporal() {}

    /** TSM shift (or its inverse, the backward). x and out contiguous, same shape. */
    static void shift(Tensor x, int frames, int foldDiv, boolean inverse, Tensor out) {
        int nt = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3), fold = c / foldDiv, plane = c * hw;
        HostStorage xs = CpuElementwise.host(x), os = CpuElementwise.host(out);
        Object src = arrayOf(xs), dst = arrayOf(os);
        int xo = x.layout().offset();
        // Forward: slab [0,fold) reads t+1 ("left"), slab [fold,2fold) reads t−1. Inverse swaps the directions.
        int firstFrom = inverse ? -1 : +1, secondFrom = inverse ? +1 : -1;
        CpuThreads.parallelFor(0, nt, Math.max(1, GRAIN_ELEMENTS / Math.max(1, plane)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int t = row % frames, ob = row * plane;
                copySlab(src, xo, dst, ob, row, t, firstFrom, frames, 0, fold * hw, plane, xs.dtype());
                copySlab(src, xo, dst, ob + fold * hw, row, t, secondFrom, frames, fold * hw, fold * hw, plane, xs.dtype());
                System.arraycopy(src, xo + row * plane + 2 * fold * hw, dst, ob + 2 * fold * hw, plane - 2 * fold * hw);
            }
        });
    }

    private static void copySlab(Object src, int xo, Object dst, int dstPos, int row, int t, int from, int frames,
                                 int slabStart, int len, int plane, DType dtype) {
        int ts = t + from;
        if (ts < 0 || ts >= frames) zero(dst, dstPos, len, dtype);
        else System.arraycopy(src, xo + (row + from) * plane + slabStart, dst, dstPos, len);
    }

    private static void zero(Object dst, int pos, int len, DType dtype) {
        if (dtype == DType.F32) java.util.Arrays.fill((float[]) dst, pos, pos + len, 0f);
        else java.util.Arrays.fill((double[]) dst, pos, pos + len, 0.0);
    }

    private static Object arrayOf(HostStorage s) { return s.dtype() == DType.F32 ? s.floats() : s.doubles(); }

    /** Elements per (n, t) row of t (N·T, …); 0 for an empty batch. */
    private static int plane(Tensor t) { return t.dim(0) == 0 ? 0 : t.numel() / t.dim(0); }

    /** Work on one (n, t) row of an (N·T, …) buffer. */
    private interface RowKernel { void run(int row, int t); }

    /** M2A: out[t] = x[t+1] − x[t], out[T−1] = −x[T−1]. */
    static void m2a(Tensor x, int frames, Tensor out) {
        int plane = plane(x);
        HostStorage xs = CpuElementwise.host(x), os = CpuElementwise.host(out);
        int xo = x.layout().offset();
        rows(x.dim(0), frames, plane, (row, t) -> {
            int ob = row * plane, xb = xo + row * plane;
            if (t < frames - 1) sub(xs, xb + plane, xs, xb, os, ob, plane);
            else neg(xs, xb, os, ob, plane);
        });
    }

    /** M2A backward: gx[t] = g[t−1] − g[t], with g[−1] = 0. */
    static void m2aBackward(Tensor g, int frames, Tensor gx) {
        int plane = plane(g);
        HostStorage gs = CpuElementwise.host(g), os = CpuElementwise.host(gx);
        int go = g.layout().offset();
        rows(g.dim(0), frames, plane, (row, t) -> {
            int ob = row * plane, gb = go + row * plane;
            if (t > 0) sub(gs, gb - plane, gs, gb, os, ob, plane);
            else neg(gs, gb, os, ob, plane);
        });
    }

    /** ACTION ME: out[t] = a[t+1] − b[t] for t &lt; T−1, out[T−1] = 0. */
    static void action(Tensor a, Tensor b, int frames, Tensor out) {
        int plane = plane(a);
        HostStorage as = CpuElementwise.host(a), bs = CpuElementwise.host(b), os = CpuElementwise.host(out);
        int ao = a.layout().offset(), bo = b.layout().offset();
        rows(a.dim(0), frames, plane, (row, t) -> {
            int ob = row * plane;
            if (t < frames - 1) sub(as, ao + (row + 1) * plane, bs, bo + row * plane, os, ob, plane);
            else zero(arrayOf(os), ob, plane, os.dtype());
        });
    }

    /** ACTION ME backward: ga[t+1] = g[t], gb[t] = −g[t] for t &lt; T−1; ga[0] = 0, gb[T−1] = 0. */
    static void actionBackward(Tensor g, int frames, Tensor ga, Tensor gb) {
        int plane = plane(g);
        HostStorage gs = CpuElementwise.host(g), as = CpuElementwise.host(ga), bs = CpuElementwise.host(gb);
        int go = g.layout().offset();
        rows(g.dim(0), frames, plane, (row, t) -> {
            int b = row * plane;
            if (t > 0) System.arraycopy(arrayOf(gs), go + (row - 1) * plane, arrayOf(as), b, plane);
            else zero(arrayOf(as), b, plane, as.dtype());
            if (t < frames - 1) neg(gs, go + row * plane, bs, b, plane);
            else zero(arrayOf(bs), b, plane, bs.dtype());
        });
    }

    /** Rows of {@code plane} elements over the threads, each thread's share at least {@link #GRAIN_ELEMENTS}. */
    private static void rows(int nt, int frames, int plane, RowKernel k) {
        CpuThreads.parallelFor(0, nt, Math.max(1, GRAIN_ELEMENTS / Math.max(1, plane)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) k.run(row, row % frames);
        });
    }

    /** out = p − q over n elements. */
    private static void sub(HostStorage ps, int po, HostStorage qs, int qo, HostStorage os, int oo, int n) {
        if (ps.dtype() == DType.F32 && Simd.enabled()) {
            float[] p = ps.floats(), q = qs.floats(), o = os.floats();
            int i = 0, bound = S.loopBound(n);
            for (; i < bound; i += S.length()) FloatVector.fromArray(S, p, po + i).sub(FloatVector.fromArray(S, q, qo + i)).intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] = p[po + i] - q[qo + i];
        } else {
            for (int i = 0; i < n; i++) os.setDouble(oo + i, ps.getDouble(po + i) - qs.getDouble(qo + i));
        }
    }

    /** out = −p over n elements. */
    private static void neg(HostStorage ps, int po, HostStorage os, int oo, int n) {
        if (ps.dtype() == DType.F32 && Simd.enabled()) {
            float[] p = ps.floats(), o = os.floats();
            int i = 0, bound = S.loopBound(n);
            for (; i < bound; i += S.length()) FloatVector.fromArray(S, p, po + i).neg().intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] = -p[po + i];
        } else {
            for (int i = 0; i < n; i++) os.setDouble(oo + i, -ps.getDouble(po + i));
        }
    }
}
