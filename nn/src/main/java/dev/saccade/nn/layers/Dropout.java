package dev.saccade.nn.layers;

import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import java.util.SplittableRandom;

/** Inverted dropout with probability p in training mode; the identity in evaluation mode. Reference: {@code torch.nn.Dropout}. */
public final class Dropout extends Module {
    private final double p;
    private final SplittableRandom rng;

    public Dropout(double p, SplittableRandom rng) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        this.p = p;
        this.rng = rng;
    }

    public double p() { return p; }

    @Override public Tensor forward(Tensor x) { return Functional.dropout(x, p, isTraining(), rng); }

    @Override public String describe() { return "Dropout(p=" + p + ")"; }
}
