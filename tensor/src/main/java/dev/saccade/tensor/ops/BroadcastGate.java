package dev.saccade.tensor.ops;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * An activation gated by a per-channel and a per-position map in one pass, the last step of the attention modules
 * on {@code x (N·T, C, H, W)} with a channel gate {@code c (N·T, C, 1, 1)} and a spatial gate {@code s (N·T, 1, H, W)},
 * either of them absent:
 * <pre>
 *   SUM      y = x·(α + c + s)     ACTION-Net's xs·p + xs + xs·q + xs + xs·m + xs = xs·(3 + p + q + m)
 *                                  (Wang et al., CVPR 2021, §3; V-Sense/ACTION-Net models/action.py), α = 3
 *   PRODUCT  y = x·c·s             CBAM's M_s ⊗ (M_c ⊗ F) (Woo et al., ECCV 2018, Eq. 1), W3's Eq. 1
 * </pre>
 * An absent gate contributes 0 to SUM and 1 to PRODUCT. Backward, with {@code g} the upstream gradient and
 * {@code ∂y/∂c = x} (SUM) or {@code x·s} (PRODUCT), likewise for s:
 * <pre>
 *   gx[n,c,h,w] = g·(α + c + s)  or  g·c·s
 *   gc[n,c]     = Σ_{h,w} g·x   or  Σ_{h,w} g·x·s
 *   gs[n,h,w]   = Σ_c g·x       or  Σ_c g·x·c
 * </pre>
 * The composed ops write one full-size tensor per multiply and per add; the backend reads x (and g) once and writes
 * y (and gx) once. {@link #composed} is the reference the {@link Backend#broadcastGate} default runs.
 */
public final class BroadcastGate extends Function {
    /** How the two gates combine. */
    public enum Combine { SUM, PRODUCT }

    private final Combine combine;
    private final double offset;
    private Tensor x, c, s;    // (N·T, C, H, W), (N·T, C, 1, 1) or null, (N·T, 1, H, W) or null

    /** @param offset α of SUM (ignored by PRODUCT) */
    public BroadcastGate(Combine combine, double offset) {
        this.combine = java.util.Objects.requireNonNull(combine, "combine");
        this.offset = offset;
    }

    @Override public String name() { return "broadcast_gate"; }

    /** Checks x (M, C, H, W), c (M, C, 1, 1) or null and s (M, 1, H, W) or null. */
    static void check(String op, Tensor x, Tensor c, Tensor s) {
        if (x.rank() != 4) throw new ShapeException(op + ": input must be (N·T, C, H, W), got shape " + x.shape());
        Checks.floating(op, x);
        Checks.sameKind(op, x, c, s);
        int m = x.dim(0), ch = x.dim(1), h = x.dim(2), w = x.dim(3);
        if (c != null && (c.rank() != 4 || c.dim(0) != m || c.dim(1) != ch || c.dim(2) != 1 || c.dim(3) != 1)) {
            throw new ShapeException(op + ": channel gate must be (" + m + ", " + ch + ", 1, 1) for input " + x.shape() + ", got " + c.shape());
        }
        if (s != null && (s.rank() != 4 || s.dim(0) != m || s.dim(1) != 1 || s.dim(2) != h || s.dim(3) != w)) {
            throw new ShapeException(op + ": spatial gate must be (" + m + ", 1, " + h + ", " + w + ") for input " + x.shape() + ", got " + s.shape());
        }
    }

    @Override protected Tensor forward(Tensor... in) {
        check(name(), in[0], in[1], in[2]);
        x = in[0];
        c = in[1];
        s = in[2];
        return x.backend().broadcastGate(x, c, s, combine, offset);
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor[] grads = g.backend().broadcastGateBackward(g, x, c, s, combine, offset, needsGrad(0), needsGrad(1), needsGrad(2));
        return new Tensor[] {grads[0], grads[1], grads[2]};
    }

    @Override protected void releaseSaved() { x = null; c = null; s = null; }

    // ---- the composed reference and the Backend default

    /**
     * The factor x is multiplied by, (α + c + s) or c·s, built by the tensor's elementwise ops: full-size
     * (N·T, C, H, W) when both gates are given, null when it is the constant α (SUM) or 1 (PRODUCT).
     */
    private static Tensor factor(Tensor c, Tensor s, Combine combine, double offset) {
        if (combine == Combine.SUM) {
            Tensor f = c == null ? null : c.add(offset);
            return s == null ? f : f == null ? s.add(offset) : f.add(s);
        }
        if (c == null) return s;
        return s == null ? c : c.mul(s);
    }

    /** x times a constant factor, or times the factor tensor. */
    private static Tensor scale(Tensor x, Tensor f, Combine combine, double offset) {
        return f != null ? x.mul(f) : x.mul(combine == Combine.SUM ? offset : 1.0);
    }

    /** Forward through the elementwise ops (a broadcast add or multiply, then a multiply). */
    public static Tensor composed(Tensor x, Tensor c, Tensor s, Combine combine, double offset) {
        return scale(x, factor(c, s, combine, offset), combine, offset);
    }

    /** Backward through the elementwise and reduction ops; returns {gx, gc, gs}. */
    public static Tensor[] composedBackward(Tensor g, Tensor x, Tensor c, Tensor s, Combine combine, double offset,
                                            boolean needX, boolean needC, boolean needS) {
        Tensor gx = needX ? scale(g, factor(c, s, combine, offset), combine, offset) : null;
        Tensor gxx = g.mul(x);                                                                // (N·T, C, H, W)
        Tensor gc = null, gs = null;
        if (needC && c != null) gc = (combine == Combine.PRODUCT && s != null ? gxx.mul(s) : gxx).sum(true, 2, 3);
        if (needS && s != null) gs = (combine == Combine.PRODUCT && c != null ? gxx.mul(c) : gxx).sum(true, 1);
        return new Tensor[] {gx, gc, gs};
    }
}
