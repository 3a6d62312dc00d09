package dev.saccade.nn.inference;

import dev.saccade.tensor.Tensor;

/**
 * A module placed on a residual branch (after its last batch norm, before the shortcut is added) that can finish
 * the block itself in inference ({@link InferenceMode}): {@code relu(forward(x) + residual)} in its last pass, so
 * that the gated branch is never written on its own and the block's add and ReLU cost no extra pass over memory.
 * The result must equal {@code forward(x).add(residual).relu()}; the op-by-op path keeps the three steps. Reference:
 * torchvision {@code resnet.py} ({@code out += identity; out = relu(out)}).
 *
 * <pre>{@code
 * Tensor out = afterBranch instanceof ResidualEpilogue r ? r.forwardResidualRelu(branch, identity)
 *                                                        : afterBranch.forward(branch).add(identity).relu();
 * Tensor[] yp = lastConv.forwardPooled(h);                          // {branch, (2, N·T, C) [mean; max]}
 * Tensor out2 = r.forwardResidualRelu(yp[0], yp[1], identity);     // when r.readsSpatialPool()
 * }</pre>
 */
public interface ResidualEpilogue {
    /**
     * {@code relu(forward(x) + residual)}, x and residual (N·T, C, H, W); a new tensor that nothing else references,
     * and nothing is kept that refers to x (the caller may recycle x afterwards).
     */
    Tensor forwardResidualRelu(Tensor x, Tensor residual);

    /**
     * Whether the module's first read of x is for {@code Functional.spatialAvgMaxPool(x, null)} (a channel
     * attention's avg/max descriptors, CBAM Eq. 2, W3 Eq. 3), so that the producer of x may pool it as it writes x
     * and call {@link #forwardResidualRelu(Tensor, Tensor, Tensor)}. Default: no.
     */
    default boolean readsSpatialPool() { return false; }

    /**
     * {@link #forwardResidualRelu(Tensor, Tensor)} given {@code pooled}, x's spatial [mean, max] (2, N·T, C) as
     * {@code Functional.spatialAvgMaxPool(x, null)} computes it (the means to the last bits), taken by whatever wrote
     * x (a convolution's epilogue), so that the module does not read x for it. Default: pooled is ignored.
     */
    default Tensor forwardResidualRelu(Tensor x, Tensor pooled, Tensor residual) { return forwardResidualRelu(x, residual); }

    /**
     * {@link #forwardResidualRelu(Tensor, Tensor, Tensor)} with x handed over, dead after the call: the module may
     * write its output into x's storage (its last pass reads each element of x just before it writes the same element
     * of the output). The caller recycles x only when the result does not share its storage
     * ({@link dev.saccade.tensor.ops.InferenceConv#sharesStorage}). Default: the non-consuming form.
     */
    default Tensor forwardResidualReluConsuming(Tensor x, Tensor pooled, Tensor residual) {
        return forwardResidualRelu(x, pooled, residual);
    }

    /**
     * CBAM's weights, for a block whose backend carries frames through its convolutions depth first: the module
     * attends each frame on its own, so the block may run it right after its last convolution wrote the frame
     * ({@link dev.saccade.tensor.ops.AttendedChain}), with the same result as
     * {@link #forwardResidualReluConsuming}. Default: null (the module is not that, or mixes frames).
     */
    default dev.saccade.tensor.ops.AttendedChain.Attention frameAttention() { return null; }
}
