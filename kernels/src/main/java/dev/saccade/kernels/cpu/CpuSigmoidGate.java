package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link dev.saccade.tensor.ops.SigmoidGate} op on contiguous x, z: {@code y = x·(α + σ(z))} and its backward
 * {@code gx = g·(α + σ)}, {@code gz = g·x·σ(1 − σ)}, reading each input once. σ runs lane by lane through
 * {@code Math.exp} in blocks of {@link #BLOCK} (as the sigmoid unary op does, so that results do not depend on JIT
 * timing), the multiplies and adds in vectors. The scalar twin computes in double; F64 and disabled SIMD use it.
 */
final class CpuSigmoidGate {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int BLOCK = 256, GRAIN = 1 << 15;

    private CpuSigmoidGate() {}

    private static float sigmoid(float z) { return (float) (1 / (1 + Math.exp(-z))); }

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
            float[] xf = xs.floats(), zf = zs.floats(), yf = ys.floats(), s = new float[BLOCK];
            FloatVector a = FloatVector.broadcast(V, (float) offset);
            for (int b = lo; b < hi; b += BLOCK) {
                int len = Math.min(BLOCK, hi - b), i = 0, bound = V.loopBound(len);
                for (int k = 0; k < len; k++) s[k] = sigmoid(zf[zo + b + k]);
                for (; i < bound; i += V.length()) {
                    FloatVector.fromArray(V, xf, xo + b + i).mul(FloatVector.fromArray(V, s, i).add(a)).intoArray(yf, b + i);
                }
                for (; i < len; i++) yf[b + i] = xf[xo + b + i] * (s[i] + (float) offset);
            }
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
            float[] gf = gs.floats(), xf = xs.floats(), zf = zs.floats(), s = new float[BLOCK];
            float[] gxf = gxs == null ? null : gxs.floats(), gzf = gzs == null ? null : gzs.floats();
            FloatVector a = FloatVector.broadcast(V, (float) offset), one = FloatVector.broadcast(V, 1f);
            for (int b = lo; b < hi; b += BLOCK) {
                int len = Math.min(BLOCK, hi - b), i = 0, bound = V.loopBound(len);
                for (int k = 0; k < len; k++) s[k] = sigmoid(zf[zo + b + k]);
                for (; i < bound; i += V.length()) {
                    FloatVector gv = FloatVector.fromArray(V, gf, go + b + i), sv = FloatVector.fromArray(V, s, i);
                    if (gxf != null) gv.mul(sv.add(a)).intoArray(gxf, b + i);
                    if (gzf != null) gv.mul(FloatVector.fromArray(V, xf, xo + b + i)).mul(sv).mul(one.sub(sv)).intoArray(gzf, b + i);
                }
                for (; i < len; i++) {
                    float gv = gf[go + b + i], sv = s[i];
                    if (gxf != null) gxf[b + i] = gv * (sv + (float) offset);
                    if (gzf != null) gzf[b + i] = gv * xf[xo + b + i] * sv * (1 - sv);
                }
            }
        });
    }
}
