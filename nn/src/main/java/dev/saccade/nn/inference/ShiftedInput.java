package dev.saccade.nn.inference;

import dev.saccade.nn.Module;

/**
 * A module that applies TSM's temporal shift to its input and then runs {@link #net()} (TSM's residual shift,
 * Lin et al., ICCV 2019, §3): the inference path reads the shift in place when {@code net} is a convolution.
 */
public interface ShiftedInput {
    /** The wrapped module. */
    Module net();
    /** T, frames per clip of the (N·T, C, H, W) input. */
    int frames();
    /** 1/foldDiv of the channels shift each way. */
    int foldDiv();
}
