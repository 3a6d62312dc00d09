package dev.saccade.tensor.ops;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Tensor;

/**
 * {@link Backend#sgdStep}'s definition in the elementwise ops, the reference a fused backend kernel is tested
 * against: {@code torch.optim.SGD}'s single-tensor update with dampening 0
 * (<a href="https://pytorch.org/docs/stable/generated/torch.optim.SGD.html">torch.optim.SGD</a>).
 */
public final class SgdStep {
    private SgdStep() {}

    /**
     * In place on w (and v): {@code d = g + wd·w; v = d} (first step) {@code or μ·v + d; d = d + μ·v} (Nesterov)
     * {@code or v; w −= lr·d}. v is null without momentum. Runs on {@code b} through the tensor ops.
     */
    public static void composed(Backend b, Tensor w, Tensor g, Tensor v, double lr, double wd, double momentum,
                                boolean nesterov, boolean firstStep) {
        Tensor d = wd != 0 ? g.add(w.mul(wd)) : g;                  // d = g + wd·w
        if (v != null) {
            if (firstStep) {
                b.copy(d, v);                                        // v = d
            } else {
                b.copy(v.mul(momentum), v);                          // v = μ·v + d
                b.axpy(1, d, v);
            }
            d = nesterov ? d.add(v.mul(momentum)) : v;               // Nesterov: d + μ·v
        }
        b.axpy(-lr, d, w);                                           // w −= lr·d
    }
}
