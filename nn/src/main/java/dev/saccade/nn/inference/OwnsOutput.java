package dev.saccade.nn.inference;

/**
 * A module whose inference forward ({@link InferenceMode}) returns a tensor that nothing else references: not its
 * input, not a view of it, not something it keeps. A {@link dev.saccade.nn.layers.Sequential} hands such an output
 * back for reuse ({@link dev.saccade.tensor.ops.InferenceConv#recycle}) once the next layer has consumed it.
 */
public interface OwnsOutput {
    /** Whether the current inference forward's output is owned by the caller alone. */
    boolean ownsInferenceOutput();
}
