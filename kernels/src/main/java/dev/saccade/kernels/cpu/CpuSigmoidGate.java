package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link dev.saccade.tensor.ops.SigmoidGate} op on contiguous x, z: {@code y = x·(α + σ(z))} and its backward
 * {@code gx = g·(α + σ)}, {@code gz = g·x·σ(1 − σ)}, reading each input once. σ runs in vectors through
 * {@link VectorExp} (adds and fused multiply-adds only, so that results do not depend on JIT timing; a lane-by-lane
 * {@code Math.exp} was most of this op's time). The scalar twin computes in double with {@code Math.exp}; F64 and
 * disabled SIMD use it.
 */
final class CpuSigmoidGate {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int GRAIN = 1 << 15;

    private CpuSigmoidGate() {}

    static void forward(Tensor x, Tensor z, double offset, Tensor y) {
        int n = x.numel();
        HostStorage xs = CpuElementwise.host(x), zs = CpuElementwise.host(z), ys = CpuElementwise.host(y);
        int xo = x.layout().offset(), zo = z.layout().offset();
        boolean simd = xs.dtype() == DType.F32 && Simd.enabled();
        CpuThreads.parallelFor(0, n, GRAIN, (lo, hi) -> {
            if (!simd) {
                for (int i = lo; i < hi; i++) ys.setDouble(i, xs.getDouble(xo + i) * (offset + 1 / (1 + Math.exp(-zs.getDouble(zo + i)))));
                return;
            }
            float[] xf = xs.floats(), zf = zs.floats(), yf = ys.floats();
            FloatVector a = FloatVector.broadcast(V, (float) offset);
            int i = lo, bound = lo + V.loopBound(hi - lo);
            for (; i < bound; i += V.length()) {
                FloatVector s = VectorExp.sigmoid(FloatVector.fromArray(V, zf, zo + i));
                FloatVector.fromArray(V, xf, xo + i).mul(s.add(a)).intoArray(yf, i);
            }
            for (; i < hi; i++) yf[i] = xf[xo + i] * (VectorExp.sigmoid(zf[zo + i]) + (float) offset);
        });
    }

    /** gx and gz (contiguous or null); g, x, z contiguous. */
    static void backward(Tensor g, Tensor x, Tensor z, double offset, Tensor gx, Tensor gz) {
        int n = x.numel();
        HostStorage gs = CpuElementwise.host(g), xs = CpuElementwise.host(x), zs = CpuElementwise.host(z);
        HostStorage gxs = gx == null ? null : CpuElementwise.host(gx), gzs = gz == null ? null : CpuElementwise.host(gz);
        int go = g.layout().offset(), xo = x.layout().offset(), zo = z.layout().offset();
        boolean simd = xs.dtype() == DType.F32 && Simd.enabled();
        CpuThreads.parallelFor(0, n, GRAIN, (lo, hi) -> {
            if (!simd) {
                for (int i = lo; i < hi; i++) {
                    double s = 1 / (1 + Math.exp(-zs.getDouble(zo + i))), gv = gs.getDouble(go + i);
                    if (gxs != null) gxs.setDouble(i, gv * (offset + s));
                    if (gzs != null) gzs.setDouble(i, gv * xs.getDouble(xo + i) * s * (1 - s));
                }
                return;
            }
            float[] gf = gs.floats(), xf = xs.floats(), zf = zs.floats();
            float[] gxf = gxs == null ? null : gxs.floats(), gzf = gzs == null ? null : gzs.floats();
            FloatVector a = FloatVector.broadcast(V, (float) offset), one = FloatVector.broadcast(V, 1f);
            int i = lo, bound = lo + V.loopBound(hi - lo);
            for (; i < bound; i += V.length()) {
                FloatVector gv = FloatVector.fromArray(V, gf, go + i), sv = VectorExp.sigmoid(FloatVector.fromArray(V, zf, zo + i));
                if (gxf != null) gv.mul(sv.add(a)).intoArray(gxf, i);
                if (gzf != null) gv.mul(FloatVector.fromArray(V, xf, xo + i)).mul(sv).mul(one.sub(sv)).intoArray(gzf, i);
            }
            for (; i < hi; i++) {
                float gv = gf[go + i], sv = VectorExp.sigmoid(zf[zo + i]);
                if (gxf != null) gxf[i] = gv * (sv + (float) offset);
                if (gzf != null) gzf[i] = gv * xf[xo + i] * sv * (1 - sv);
            }
        });
    }
}
