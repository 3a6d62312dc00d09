package dev.saccade.models.attention;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;

/** Shape checks shared by the temporal modules, which all take {@code (N·T, C, H, W)} with T fixed at construction. */
final class Clips {
    private Clips() {}

    /** N, the number of clips in {@code x} (N·T, C, H, W); an error naming the module and shape otherwise. */
    static int clips(String module, Tensor x, int frames, int channels) {
        if (x.rank() != 4) throw new ShapeException(module + ": input must be (N·T, C, H, W), got " + x.shape());
        if (x.dim(0) % frames != 0) throw new ShapeException(module + ": batch " + x.dim(0) + " of " + x.shape() + " is not a multiple of T = " + frames);
        if (channels > 0 && x.dim(1) != channels) throw new ShapeException(module + ": input " + x.shape() + " has " + x.dim(1) + " channels, the module was built for " + channels);
        return x.dim(0) / frames;
    }

    static void checkFrames(String module, int frames) {
        if (frames < 1) throw new IllegalArgumentException(module + ": frames T must be ≥ 1, got " + frames);
    }
}
