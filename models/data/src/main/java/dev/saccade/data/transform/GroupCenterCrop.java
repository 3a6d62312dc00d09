package dev.saccade.data.transform;

import dev.saccade.data.RgbFrame;
import java.util.Random;

/**
 * {@code GroupCenterCrop(size)}: the centred {@code w × h} region of every frame, top-left at
 * {@code (round((W − w)/2), round((H − h)/2))} with Python's round-half-to-even (torchvision {@code center_crop}).
 *
 * <pre>{@code
 * RgbFrame[] crops = new GroupCenterCrop(224).apply(new GroupScale(256).apply(frames, rng), rng);
 * }</pre>
 */
public final class GroupCenterCrop implements GroupTransform {

    private final int width;
    private final int height;

    public GroupCenterCrop(int size) {
        this(size, size);
    }

    public GroupCenterCrop(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("centre crop " + width + "x" + height + " must be positive");
        }
        this.width = width;
        this.height = height;
    }

    /** Top-left corner {@code {x, y}} of the crop in a {@code w × h} frame. */
    public int[] offset(int w, int h) {
        return new int[] {(int) Math.rint((w - width) / 2.0), (int) Math.rint((h - height) / 2.0)};
    }

    @Override
    public RgbFrame[] apply(RgbFrame[] frames, Random rng) {
        Frames.checkSameSize(frames);
        int[] o = offset(frames[0].width(), frames[0].height());
        RgbFrame[] out = new RgbFrame[frames.length];
        for (int t = 0; t < frames.length; t++) {
            out[t] = Frames.crop(frames[t], o[0], o[1], width, height);
        }
        return out;
    }
}
