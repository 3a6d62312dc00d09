package dev.saccade.nn.inference;

import dev.saccade.tensor.Tensor;

/**
 * A module whose inference forward ({@link InferenceMode}) can take its input over: told that x is dead after the
 * call and held by nothing else, it may write its output into x's storage — a residual block adds its shortcut x in
 * its last convolution's store, into x's own lines ({@link dev.saccade.tensor.ops.InferenceConv#applyIntoResidual}).
 * The caller neither reads nor recycles x afterwards; the module recycles x itself when its output does not share
 * x's storage. Outside inference it is {@code forward(x)}, and x is left alone.
 *
 * <pre>{@code
 * Tensor next = ownsH && stage instanceof ConsumesInput c ? c.forwardConsuming(h) : stage.forward(h);
 * }</pre>
 */
public interface ConsumesInput {
    /** The forward on an x this call takes over; in inference the result may share x's storage. */
    Tensor forwardConsuming(Tensor x);
}
