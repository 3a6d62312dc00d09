package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Layer normalisation over the last {@code k} axes (Ba et al. 2016; {@code torch.nn.functional.layer_norm}):
 * {@code x̂ = (x − μ) / sqrt(σ² + ε)} per row with the biased variance, then optionally {@code y = w x̂ + b}
 * with w, b of the normalised shape. Two-pass statistics for accuracy on long rows (M2A normalises ~100k values).
 * Backward with M the row length and {@code h = g·w}: {@code gx = (1/(M·σ)) (M h − Σh − x̂ Σ(h x̂))},
 * {@code gw = Σ_rows g x̂}, {@code gb = Σ_rows g}.
 */
public final class LayerNorm extends Function {
    private final int normalizedAxes;
    private final double eps;
    private Tensor xhat, invStd, weight;
    private int[] rowAxes, batchAxes;
    private int count;

    public LayerNorm(int normalizedAxes, double eps) { this.normalizedAxes = normalizedAxes; this.eps = eps; }

    @Override public String name() { return "layer_norm"; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        weight = in.length > 1 ? in[1] : null;
        Tensor bias = in.length > 2 ? in[2] : null;
        Checks.sameKind(name(), x, weight, bias);
        Checks.floating(name(), x);
        if (normalizedAxes < 1 || normalizedAxes > x.rank()) throw new ShapeException(name() + ": cannot normalise the last " + normalizedAxes + " axes of " + x.shape());
        int first = x.rank() - normalizedAxes;
        rowAxes = new int[normalizedAxes];
        for (int i = 0; i < normalizedAxes; i++) rowAxes[i] = first + i;
        batchAxes = new int[first];
        for (int i = 0; i < first; i++) batchAxes[i] = i;
        int[] normShape = new int[normalizedAxes];
        for (int i = 0; i < normalizedAxes; i++) normShape[i] = x.dim(first + i);
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && !p.shape().equals(dev.saccade.tensor.Shape.of(normShape))) {
                throw new ShapeException(name() + ": affine parameter " + p.shape() + " must have the normalised shape " + dev.saccade.tensor.Shape.of(normShape));
            }
        }
        count = dev.saccade.tensor.Shape.of(normShape).numel();
        Tensor mean = x.mean(true, rowAxes);
        Tensor centered = x.sub(mean);
        invStd = centered.square().mean(true, rowAxes).add(eps).rsqrt();
        xhat = centered.mul(invStd);
        Tensor y = xhat;
        if (weight != null) y = y.mul(weight);
        if (bias != null) y = y.add(bias);
        return y;
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor h = weight == null ? g : g.mul(weight);
        Tensor[] out = new Tensor[inputs().length];
        if (needsGrad(0)) {
            Tensor sumH = h.sum(true, rowAxes);
            Tensor sumHx = h.mul(xhat).sum(true, rowAxes);
            out[0] = h.mul(count).sub(sumH).sub(xhat.mul(sumHx)).mul(invStd.div(count));
        }
        if (out.length > 1 && needsGrad(1)) out[1] = batchAxes.length == 0 ? g.mul(xhat) : g.mul(xhat).sum(batchAxes);
        if (out.length > 2 && needsGrad(2)) out[2] = batchAxes.length == 0 ? g : g.sum(batchAxes);
        return out;
    }

    @Override protected void releaseSaved() { xhat = null; invStd = null; weight = null; }
}
