/**
 * The inference path: a model in evaluation mode under no-grad runs its convolutions with batch norm folded in,
 * weights prepared once per parameter version, and bias, residual add, ReLU/ReLU6 and TSM's shift fused into the
 * convolution ({@link dev.saccade.tensor.ops.InferenceConv}). {@link dev.saccade.nn.layers.Sequential} and the
 * backbone blocks derive this plan from the modules they already hold; training runs the autograd path unchanged.
 */
package dev.saccade.nn.inference;
