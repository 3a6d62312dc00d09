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
 * }</pre>
 */
public interface ResidualEpilogue {
    /**
     * {@code relu(forward(x) + residual)}, x and residual (N·T, C, H, W); a new tensor that nothing else references,
     * and nothing is kept that refers to x (the caller may recycle x afterwards).
     */
    Tensor forwardResidualRelu(Tensor x, Tensor residual);
}
