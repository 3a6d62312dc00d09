package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Softmax {@code y_i = exp(x_i − max) / Σ_j exp(x_j − max)} or log-softmax {@code y_i = x_i − max − log Σ exp(x_j − max)}
 * along an axis ({@code torch.softmax}, {@code torch.log_softmax}). Backward: softmax
 * {@code gx = y ⊙ (g − Σ g⊙y)}; log-softmax {@code gx = g − exp(y) Σ g}.
 */
public final class Softmax extends Function {
    private final int axis;
    private final boolean log;
    private Tensor y;          // output with the softmax axis moved last, contiguous
    private int[] order;       // permutation that moves the axis last (null when it already is)

    public Softmax(int axis, boolean log) { this.axis = axis; this.log = log; }

    @Override public String name() { return log ? "log_softmax" : "softmax"; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Checks.floating(name(), x);
        int a = x.shape().normalizeAxis(axis);
        order = null;
        Tensor xl = x;
        if (a != x.rank() - 1) {
            order = new int[x.rank()];
            for (int i = 0, j = 0; i < x.rank(); i++) if (i != a) order[j++] = i;
            order[x.rank() - 1] = a;
            xl = x.permute(order);
        }
        y = x.backend().softmax(xl, log);
        return order == null ? y : y.permute(inverse(order));
    }

    private static int[] inverse(int[] p) {
        int[] inv = new int[p.length];
        for (int i = 0; i < p.length; i++) inv[p[i]] = i;
        return inv;
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor gl = order == null ? g : g.permute(order);
        Tensor gx = y.backend().softmaxBackward(y, gl, log);
        return new Tensor[] {order == null ? gx : gx.permute(inverse(order)).contiguous()};
    }

    @Override protected void releaseSaved() { y = null; }
}
