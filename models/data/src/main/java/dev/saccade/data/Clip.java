package dev.saccade.data;

import java.util.Objects;

/**
 * One video clip ready for a model: T frames of normalised RGB, planar, frame index slowest.
 *
 * <p>This is the layout of ACTION-Net's loader ({@code clip.view(-1, 3, H, W)}, docs/MODELS.md §8.2) and, after
 * stacking N clips, of the {@code (N, T, 3, H, W)} batch that {@code TSN.forward} views as {@code (N·T, 3, H, W)}
 * (docs/MODELS.md §1).
 *
 * <pre>{@code
 * Clip c = new SyntheticMotion(SyntheticMotion.Options.defaults()).get(Split.TRAIN, 0);  // synthetic.Split
 * float red00 = c.data()[c.offset(0, 0, 0, 0)];   // frame 0, channel R, row 0, column 0
 * }</pre>
 *
 * @param data   {@code (T, 3, H, W)} contiguous floats
 * @param frames T
 * @param height H
 * @param width  W
 * @param label  class index (0 for unlabelled test data)
 * @param id     where the clip came from (video id, or synthetic split/index)
 */
public record Clip(float[] data, int frames, int height, int width, int label, String id) {

    /** Colour channels per frame (RGB). */
    public static final int CHANNELS = 3;

    public Clip {
        Objects.requireNonNull(data, "data");
        if (frames <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("clip " + id + ": shape (T=" + frames + ", 3, H=" + height + ", W="
                    + width + ") must be positive");
        }
        long expected = (long) frames * CHANNELS * height * width;
        if (data.length != expected) {
            throw new IllegalArgumentException("clip " + id + ": data has " + data.length
                    + " floats, shape (" + frames + ", 3, " + height + ", " + width + ") needs " + expected);
        }
    }

    /** Floats in one frame: {@code 3·H·W}. */
    public int frameSize() {
        return CHANNELS * height * width;
    }

    /** Index into {@link #data()} of element (t, c, y, x). */
    public int offset(int t, int c, int y, int x) {
        return ((t * CHANNELS + c) * height + y) * width + x;
    }
}
