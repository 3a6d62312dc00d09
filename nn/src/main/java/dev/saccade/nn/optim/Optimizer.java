package dev.saccade.nn.optim;

import java.util.List;

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
}
