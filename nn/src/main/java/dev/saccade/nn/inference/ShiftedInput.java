package dev.saccade.nn.inference;

import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;

/**
 * A module that applies TSM's temporal shift to its input and then runs {@link #net()} (TSM's residual shift,
 * Lin et al., ICCV 2019, §3): the inference path reads the offline shift in place when {@code net} is a convolution.
 */
public interface ShiftedInput {
    /** The wrapped module. */
    Module net();
    /** T, frames per clip of the (N·T, C, H, W) input. */
    int frames();
    /** 1/foldDiv of the channels shift each way. */
    int foldDiv();

    /**
     * Whether the shift applied now is the offline bi-directional one ({@code Functional.temporalShift(x, frames,
     * foldDiv)}), which the inference convolution reads in place; otherwise (an online shift, a stream's cache)
     * the inference path applies {@link #shift} first.
     */
    boolean bidirectionalNow();

    /** The shift alone, exactly as the module applies it before {@link #net()} at this moment. */
    Tensor shift(Tensor x);
}
