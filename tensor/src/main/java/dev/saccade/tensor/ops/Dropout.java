package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;
import java.util.SplittableRandom;

/**
 * Inverted dropout: each element is zeroed with probability p and the survivors are scaled by 1/(1−p), so the
 * expectation is unchanged ({@code torch.nn.functional.dropout(training=True)}). Backward multiplies g by the
 * same mask.
 */
public final class Dropout extends Function {
    private final double p;
    private final SplittableRandom rng;
    private Tensor mask;

    public Dropout(double p, SplittableRandom rng) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override public String name() { return "dropout"; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Checks.floating(name(), x);
        float[] m = new float[x.numel()];
        float keep = (float) (1 / (1 - p));
        for (int i = 0; i < m.length; i++) m[i] = rng.nextDouble() < p ? 0f : keep;
        mask = Tensor.of(m, x.shape().toArray()).to(x.dtype()).to(x.device());
        return x.mul(mask);
    }

    @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(mask)}; }

    @Override protected void releaseSaved() { mask = null; }
}
