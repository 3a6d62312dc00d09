package dev.saccade.nn.optim;

import dev.saccade.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients. Parameters are organised in {@link ParamGroup}s, each with its own
 * learning-rate and weight-decay multipliers (the TSM/ACTION optimiser policies).
 *
 * <pre>{@code
 * optimizer.zeroGrad();
 * loss.backward();
 * optimizer.step();
 * }</pre>
 */
public interface Optimizer {
    /** Applies one update to every parameter that has a gradient. */
    void step();

    /** Clears the gradients of all parameters. */
    void zeroGrad();

    /** The base learning rate (each group uses {@code base · lrMult}). */
    double learningRate();

    /** Sets the base learning rate, e.g. from a schedule. */
    void setLearningRate(double lr);

    List<ParamGroup> groups();

    /**
     * The per-parameter state needed to resume exactly (momentum buffers, Adam moments and step counts), keyed
     * {@code <name>.<parameter index>} where the index counts parameters over the groups in order. The tensors are
     * copies; save them with the model (e.g. {@code Checkpoints.saveSafetensors}).
     */
    Map<String, Tensor> state();

    /**
     * Restores what {@link #state()} returned for the same parameter list. An unknown key, an index out of range or a
     * shape that differs from the parameter's is an error naming the key.
     */
    void loadState(Map<String, Tensor> state);
}
