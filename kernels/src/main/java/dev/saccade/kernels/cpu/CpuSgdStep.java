package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGD with momentum on one parameter in one pass, in place, no temporaries: {@code torch.optim.SGD}'s single-tensor
 * update with dampening 0 (<a href="https://pytorch.org/docs/stable/generated/torch.optim.SGD.html">torch.optim.SGD</a>),
 * element by element:
 * <pre>
 *   d = g + wd·w
 *   v = d  (first step)   or   v = μ·v + d
 *   d = d + μ·v  (Nesterov)   or   d = v
 *   w = w − lr·d
 * </pre>
 * Each product and sum is rounded as the composed ops round it ({@code Backend.sgdStep}'s default: a scalar multiply,
 * an add, and {@code axpy}'s fused multiply-add for {@code w −= lr·d}), so the result equals the composed update.
 * For contiguous F32 tensors; the backend composes everything else.
 */
final class CpuSgdStep {
    private static final VectorSpecies<Float> S = Simd.F;
    /** Elements per task: parameters below this run on the calling thread. */
    private static final int GRAIN = 1 << 16;

    private CpuSgdStep() {}

    /** True when {@link #step} applies: F32, contiguous from offset 0 in storages of exactly their size. */
    static boolean supports(Tensor w, Tensor g, Tensor v) {
        return plain(w) && plain(g) && (v == null || plain(v)) && g.numel() == w.numel() && (v == null || v.numel() == w.numel());
    }

    private static boolean plain(Tensor t) {
        return t.dtype() == DType.F32 && t.isContiguous() && t.layout().offset() == 0 && t.storage() instanceof HostStorage;
    }

    /** The update in place on w (and v); v null without momentum. */
    static void step(Tensor w, Tensor g, Tensor v, double lr, double wd, double momentum, boolean nesterov, boolean firstStep) {
        float[] wf = ((HostStorage) w.storage()).floats(), gf = ((HostStorage) g.storage()).floats();
        float[] vf = v == null ? null : ((HostStorage) v.storage()).floats();
        float negLr = (float) -lr, decay = (float) wd, mu = (float) momentum;
        int n = (int) w.numel();
        CpuThreads.parallelFor(0, n, GRAIN, (lo, hi) -> {
            if (Simd.enabled()) range(wf, gf, vf, negLr, decay, mu, nesterov, firstStep, lo, hi);
            else tail(wf, gf, vf, negLr, decay, mu, nesterov, firstStep, lo, hi);
        });
    }

    private static void range(float[] w, float[] g, float[] v, float negLr, float wd, float mu, boolean nesterov,
                              boolean first, int lo, int hi) {
        int i = lo, bound = lo + S.loopBound(hi - lo);
        for (; i < bound; i += S.length()) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector d = FloatVector.fromArray(S, g, i);
            if (wd != 0f) d = d.add(wv.mul(wd));                                  // d = g + wd·w
            if (v != null) {
                FloatVector vv = first ? d : FloatVector.fromArray(S, v, i).mul(mu).add(d);   // v = μ·v + d
                vv.intoArray(v, i);
                d = nesterov ? d.add(vv.mul(mu)) : vv;
            }
            d.fma(FloatVector.broadcast(S, negLr), wv).intoArray(w, i);                                      // w = w − lr·d
        }
        tail(w, g, v, negLr, wd, mu, nesterov, first, i, hi);
    }

    /** The same arithmetic one element at a time (Java's float operations round as the vector lanes do). */
    private static void tail(float[] w, float[] g, float[] v, float negLr, float wd, float mu, boolean nesterov,
                             boolean first, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            float d = g[i];
            if (wd != 0f) d = d + w[i] * wd;
            if (v != null) {
                float vi = first ? d : v[i] * mu + d;
                v[i] = vi;
                d = nesterov ? d + vi * mu : vi;
            }
            w[i] = Math.fma(d, negLr, w[i]);
        }
    }
}
