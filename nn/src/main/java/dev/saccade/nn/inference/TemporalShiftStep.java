package dev.saccade.nn.inference;

/**
 * A parameter-free layer that is exactly TSM's offline bi-directional shift, {@code Functional.temporalShift(x,
 * frames(), foldDiv())} (Lin et al., ICCV 2019, §3): a {@link dev.saccade.nn.layers.Sequential} ending with such a
 * layer and a convolution lets the inference convolution read the shift in place ({@link LeadsIntoConv}).
 */
public interface TemporalShiftStep {
    /** T, frames per clip of the (N·T, C, H, W) input. */
    int frames();

    /** 1/foldDiv of the channels shift each way. */
    int foldDiv();
}
