package dev.saccade.train;

import dev.saccade.tensor.Tensor;
import java.util.Map;

/**
 * An optimiser whose internal state (momentum buffers, Adam moments, step counts as one-element tensors) can be
 * saved into and restored from a checkpoint, by name. The trainer saves it when the optimiser implements this
 * interface; without it, a resumed run restarts the moments from zero and is no longer bit-identical.
 *
 * <pre>{@code
 * Map<String, Tensor> s = ((OptimizerState) sgd).optimizerState();     // e.g. "momentum.0" → (64, 3, 7, 7)
 * ((OptimizerState) fresh).loadOptimizerState(s);
 * }</pre>
 */
public interface OptimizerState {
    /** The state tensors by name (copies or live tensors; the caller only reads them). */
    Map<String, Tensor> optimizerState();

    /** Restores state written by {@link #optimizerState()}; a missing or misshapen entry is an error naming it. */
    void loadOptimizerState(Map<String, Tensor> state);
}
