package dev.saccade.tensor.ops;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;
import java.util.List;

/**
 * Average and maximum over one axis group in one read, of x (M, C, H, W) optionally scaled per channel by
 * c (M, C, 1, 1) first (v = x·c, without writing v): the pooled descriptors of CBAM (Woo et al., ECCV 2018, Eq. 2–3)
 * and W3 (Pérez-Rúa et al., ECCV 2020, Eq. 3, 5), where c is the channel attention M_c and v = F' = M_c ⊗ F.
 * <pre>
 *   SPATIAL  (M, C, H, W) → (2, M, C):      out[0] = mean_{h,w} v,   out[1] = max_{h,w} v     (torch.mean / amax)
 *   CHANNEL  (M, C, H, W) → (M, 2, H, W):   out[:, 0] = mean_c v,    out[:, 1] = max_c v      (CBAM's [avg, max] cat)
 * </pre>
 * Backward, with ga, gm the gradients of the two halves and K the reduced count: the max's gradient goes to the
 * elements equal to the maximum, split evenly among ties (as {@code torch.amax}):
 * <pre>
 *   gv = ga / K + gm · [v = max] / #ties,     gx = gv·c,     gc[m, c] = Σ_{h,w} gv·x
 * </pre>
 * {@link #composed} is the reference the {@link Backend#avgMaxPool} default runs (a multiply, mean, amax, cat).
 */
public final class AvgMaxPool extends Function {
    /** The axes pooled over. */
    public enum Axis { SPATIAL, CHANNEL }

    private final Axis axis;
    private Tensor x, c, pooled;    // (M, C, H, W), (M, C, 1, 1) or null, the output

    public AvgMaxPool(Axis axis) { this.axis = java.util.Objects.requireNonNull(axis, "axis"); }

    @Override public String name() { return "avg_max_pool"; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor xi = in[0], ci = in.length > 1 ? in[1] : null;
        BroadcastGate.check(name(), xi, ci, null);
        if (xi.numel() == 0) throw new ShapeException(name() + ": cannot pool an empty input " + xi.shape());
        x = xi;
        c = ci;
        pooled = x.backend().avgMaxPool(x, c, axis);
        return pooled;
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor[] gxc = g.backend().avgMaxPoolBackward(g, x, c, pooled, axis, needsGrad(0), c != null && needsGrad(1));
        return c == null && inputs().length == 1 ? new Tensor[] {gxc[0]} : new Tensor[] {gxc[0], gxc[1]};
    }

    @Override protected void releaseSaved() { x = null; c = null; pooled = null; }

    // ---- the composed reference and the Backend default

    private static Tensor scaled(Tensor x, Tensor c) { return c == null ? x : x.mul(c); }

    /** Forward through a multiply, mean and amax, and a cat. */
    public static Tensor composed(Tensor x, Tensor c, Axis axis) {
        Tensor v = scaled(x, c);                                                                   // (M, C, H, W)
        if (axis == Axis.CHANNEL) return Tensor.cat(List.of(v.mean(true, 1), v.amax(true, 1)), 1);
        return Tensor.cat(List.of(v.mean(2, 3).unsqueeze(0), v.amax(false, 2, 3).unsqueeze(0)), 0);
    }

    /** Backward through elementwise ops and reductions; returns {gx, gc}, each null unless asked for. */
    public static Tensor[] composedBackward(Tensor g, Tensor x, Tensor c, Tensor pooled, Axis axis, boolean needX, boolean needC) {
        Tensor v = scaled(x, c);
        int m = x.dim(0), ch = x.dim(1), h = x.dim(2), w = x.dim(3);
        Tensor ga, gm, max;                                                                        // broadcastable to v
        int count;
        int[] axes;
        if (axis == Axis.CHANNEL) {
            ga = g.narrow(1, 0, 1);
            gm = g.narrow(1, 1, 1);
            max = pooled.narrow(1, 1, 1);
            count = ch;
            axes = new int[] {1};
        } else {
            ga = g.narrow(0, 0, 1).reshape(m, ch, 1, 1);
            gm = g.narrow(0, 1, 1).reshape(m, ch, 1, 1);
            max = pooled.narrow(0, 1, 1).reshape(m, ch, 1, 1);
            count = h * w;
            axes = new int[] {2, 3};
        }
        Tensor mask = v.eq(max);
        Tensor gv = mask.mul(gm.div(mask.sum(true, axes))).add(ga.div(count));                    // (M, C, H, W)
        Tensor gx = needX ? (c == null ? gv : gv.mul(c)) : null;
        Tensor gc = needC && c != null ? gv.mul(x).sum(true, 2, 3) : null;
        return new Tensor[] {gx, gc};
    }
}
