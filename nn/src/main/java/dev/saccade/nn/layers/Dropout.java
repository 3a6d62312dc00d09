package dev.saccade.nn.layers;

import dev.saccade.nn.Module;
import dev.saccade.nn.StepSeeded;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import java.util.SplittableRandom;

/**
 * Inverted dropout with probability p in training mode; the identity in evaluation mode. Reference:
 * {@code torch.nn.Dropout}. The masks come from {@code rng} until {@link #reseed} replaces it with a stream of its
 * own, which a trainer does before every step so that a resumed run draws the same masks as an uninterrupted one.
 *
 * <pre>{@code
 * Dropout d = new Dropout(0.5, new SplittableRandom(0));
 * d.reseed(stepSeed);        // a seed derived from (run seed, epoch, step)
 * Tensor y = d.forward(x);   // (N, C), kept entries scaled by 1 / (1 − p)
 * }</pre>
 */
public final class Dropout extends Module implements StepSeeded {
    private final double p;
    private SplittableRandom rng;

    public Dropout(double p, SplittableRandom rng) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        this.p = p;
        this.rng = rng;
    }

    public double p() { return p; }

    @Override public void reseed(long seed) { rng = new SplittableRandom(seed); }

    @Override public Tensor forward(Tensor x) { return Functional.dropout(x, p, isTraining(), rng); }

    @Override public String describe() { return "Dropout(p=" + p + ")"; }
}
