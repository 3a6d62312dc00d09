package dev.saccade.nn;

/**
 * A module whose randomness (dropout masks, stochastic depth) a training loop re-seeds before every step with a seed
 * derived from (run seed, epoch, step, module index). Randomness drawn from one long-lived stream would make a
 * resumed run diverge from an uninterrupted one; re-seeding per step makes step s of epoch e identical in both.
 * {@link dev.saccade.nn.layers.Dropout} implements it.
 *
 * <pre>{@code
 * for (Module m : model.namedModules().values()) {
 *     if (m instanceof StepSeeded s) s.reseed(seedFor(epoch, step, index++));
 * }
 * }</pre>
 */
public interface StepSeeded {
    /** Replaces the module's random state with one seeded by {@code seed}. */
    void reseed(long seed);
}
