package dev.saccade.nn.inference;

import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Tensor;

/**
 * A module that ends with a convolution: {@code forward(x) = lastConv(shift(convInput(x)))}, where the shift is
 * TSM's offline bi-directional shift ({@link #shiftFrames()} > 0) or none. A block's first convolution wrapped by a
 * temporal module (ACTION-Net's {@code Action(conv1)}, M2A's {@code Sequential(M2A, TemporalShift, conv1)}) is one:
 * in inference ({@link InferenceMode}) {@link FoldedConv} folds the batch norm that follows into {@link #lastConv()}
 * and applies the activation in its epilogue, as it does for a bare convolution, instead of running the
 * convolution, the batch norm and the activation as three passes.
 *
 * <pre>{@code
 * FoldedConv f = FoldedConv.of(new ActionModule(conv1, 8, 8, rng), bn1);   // relu(bn1(Action(conv1)(x))) in one conv
 * }</pre>
 */
public interface LeadsIntoConv {
    /** The convolution the module ends with, or null when it does not end with one. */
    Conv lastConv();

    /** In inference: what the module computes before the shift and {@link #lastConv()}, for the module input x. */
    Tensor convInput(Tensor x);

    /** T of the offline shift between {@link #convInput} and the convolution, or 0 for none. */
    default int shiftFrames() { return 0; }

    /** 1/foldDiv of the channels shift each way (with {@link #shiftFrames()} > 0). */
    default int shiftFoldDiv() { return 0; }

    /**
     * Whether {@link #convInput}'s result always has the module input's shape (the convolution then runs on x's
     * shape, so a residual block may plan its convolutions from x before the module runs: {@link FoldedConv#chainHead}).
     * The default: false.
     */
    default boolean convInputKeepsShape() { return false; }

    /** Whether {@link #convInput}'s result is fresh and held by nothing else (it may be recycled after the conv). */
    boolean ownsConvInput();

    /**
     * {@link #convInput} as a tensor and gates the convolution applies as it reads it: the convolution's input is
     * {@code x·(offset + channel + pixel)} ({@code InferenceConv.applyExcited}), never written as a tensor.
     *
     * @param x       (N, C, H, W); recycled after the convolution when {@code owned}
     * @param channel (N, C, 1, 1)
     * @param pixel   (N, 1, H, W)
     */
    record ExcitedInput(Tensor x, Tensor channel, Tensor pixel, double offset, boolean owned) {}

    /**
     * In inference, {@link #convInput} as an {@link ExcitedInput}, or null (the default) when the module hands over a
     * plain tensor. Only asked of modules without a shift ({@link #shiftFrames()} 0).
     */
    default ExcitedInput excitedConvInput(Tensor x) { return null; }

    /**
     * {@link #convInput} as M2A's excitation {@code x·(1 + σ(up(attended)))} ({@link ExcitesThroughConv}), which the
     * convolution computes as it reads it, behind the shift if there is one
     * ({@code InferenceConv.applyUpGated}): never written as a tensor.
     *
     * @param x        (N, C, H, W), the module input, also the gate
     * @param attended conv_up's input, fresh: recycled after the convolution
     * @param up       conv_up, prepared
     */
    record UpGatedInput(Tensor x, Tensor attended, FoldedConv up) {}

    /** In inference, {@link #convInput} as an {@link UpGatedInput}, or null (the default). */
    default UpGatedInput upGatedConvInput(Tensor x) { return null; }
}
