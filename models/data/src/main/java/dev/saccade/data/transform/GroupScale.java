package dev.saccade.data.transform;

import dev.saccade.data.RgbFrame;
import java.util.Random;

/**
 * {@code GroupScale(s)}: resize every frame so that its shorter side is {@code s}, bilinear (torchvision
 * {@code Resize(int)} on PIL images: the longer side becomes {@code int(s · long / short)}, a frame whose shorter
 * side already is {@code s} is left as is); or, given both sizes, resize to exactly {@code width × height}
 * (EgoGesture's {@code GroupScale([224, 224])}).
 *
 * <pre>{@code
 * RgbFrame[] scaled = new GroupScale(256).apply(frames, rng);  // a 176x100 clip becomes 450x256
 * }</pre>
 */
public final class GroupScale implements GroupTransform {

    private final int shorter;
    private final int width;
    private final int height;

    /** Shorter side to {@code shorterSide}. */
    public GroupScale(int shorterSide) {
        if (shorterSide <= 0) {
            throw new IllegalArgumentException("scale size must be > 0, got " + shorterSide);
        }
        this.shorter = shorterSide;
        this.width = -1;
        this.height = -1;
    }

    /** Exactly {@code width × height}. */
    public GroupScale(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("scale size " + width + "x" + height + " must be positive");
        }
        this.shorter = -1;
        this.width = width;
        this.height = height;
    }

    /** Most pixels a scaled frame may have (refused, rather than an array too large or an overflowed size). */
    public static final long MAX_OUTPUT_PIXELS = 1L << 28;

    /**
     * Output size {@code {w, h}} for an input of {@code w × h}.
     *
     * @throws IllegalArgumentException when the scaled frame would have more than {@link #MAX_OUTPUT_PIXELS}
     */
    public int[] outputSize(int w, int h) {
        if (shorter < 0) {
            return checked(w, h, width, height);
        }
        if ((w <= h && w == shorter) || (h <= w && h == shorter)) {
            return new int[] {w, h};
        }
        if (w < h) {
            return checked(w, h, shorter, (double) shorter * h / w);
        }
        return checked(w, h, (double) shorter * w / h, shorter);
    }

    private static int[] checked(int w, int h, double outW, double outH) {
        if (outW * outH > MAX_OUTPUT_PIXELS) {
            throw new IllegalArgumentException("scaling a " + w + "x" + h + " frame gives " + (long) outW + "x"
                    + (long) outH + " pixels, more than " + MAX_OUTPUT_PIXELS);
        }
        return new int[] {(int) outW, (int) outH};
    }

    @Override
    public RgbFrame[] apply(RgbFrame[] frames, Random rng) {
        Frames.checkSameSize(frames);
        int[] size = outputSize(frames[0].width(), frames[0].height());
        if (size[0] == frames[0].width() && size[1] == frames[0].height()) {
            return frames;
        }
        RgbFrame[] out = new RgbFrame[frames.length];
        for (int t = 0; t < frames.length; t++) {
            out[t] = PilBilinear.resize(frames[t], size[0], size[1]);
        }
        return out;
    }
}
