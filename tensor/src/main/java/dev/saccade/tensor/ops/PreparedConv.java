package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;

/**
 * A convolution's weights prepared once for inference ({@link dev.saccade.tensor.Backend#prepareConv}): the
 * (batch-norm-folded) weight (C_out, C_in/groups, *kernel), bias (C_out) or null, the parameters, and whatever the
 * backend derived from them to run faster (the CPU backend's weights packed into its GEMM panel order), or null.
 * Immutable; shared by every thread that runs the model.
 */
public record PreparedConv(Tensor weight, Tensor bias, ConvParams params, Object packed) {}
