package dev.saccade.nn.inference;

import dev.saccade.tensor.Tensor;

/**
 * A module whose inference output is an excitation ending in a convolution's sigmoid gate,
 * {@code x·(1 + σ(up(attended)))} (M2A, Gebotys et al., arXiv 2111.09976, §3: {@code x·σ(conv_up(·)) + x}): the
 * convolution that reads that output may take it apart ({@link LeadsIntoConv#upGatedConvInput}) and compute it as it
 * reads, so that it is never written ({@link dev.saccade.tensor.ops.InferenceConv#applyUpGated}).
 *
 * <pre>{@code
 * LeadsIntoConv.UpGatedInput u = m2a.upGatedOutput(x);   // x·(1 + σ(conv_up(attended))), not computed yet
 * }</pre>
 */
public interface ExcitesThroughConv {
    /**
     * In inference, the output for x as its parts — x, conv_up's input (fresh, the caller recycles it) and conv_up —
     * or null when the module computes its output itself (outside inference, or with its fused ops off).
     */
    LeadsIntoConv.UpGatedInput upGatedOutput(Tensor x);
}
