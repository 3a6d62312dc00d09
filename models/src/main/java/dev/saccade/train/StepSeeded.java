package dev.saccade.train;

/**
 * A module whose randomness (dropout masks, stochastic depth) is re-seeded by the trainer before every step with a
 * seed derived from (run seed, epoch, step, module index). Randomness drawn from a long-lived stream would make a
 * resumed run diverge from an uninterrupted one; reseeding per step makes step s of epoch e identical in both.
 *
 * <pre>{@code
 * final class SeededDropout extends Module implements StepSeeded {
 *     private SplittableRandom rng = new SplittableRandom(0);
 *     public void reseed(long seed) { rng = new SplittableRandom(seed); }
 *     public Tensor forward(Tensor x) { return Functional.dropout(x, 0.5, isTraining(), rng); }
 * }
 * }</pre>
 */
public interface StepSeeded {
    /** Replaces the module's random state with one seeded by {@code seed}. */
    void reseed(long seed);
}
