package dev.saccade.data;

import java.util.Objects;

/**
 * One decoded 8-bit RGB frame, interleaved like a PIL {@code RGB} image: byte {@code (y·W + x)·3 + c}.
 * Group transforms (docs/MODELS.md §8.3) work on arrays of these before {@link ImageNetNormalize} turns them into a
 * {@link Clip}.
 *
 * <pre>{@code
 * RgbFrame f = new RgbFrame(new byte[4 * 2 * 3], 4, 2);   // 4 wide, 2 high, black
 * int green = f.get(3, 1, 1);                               // 0..255
 * }</pre>
 *
 * @param rgb    {@code (H, W, 3)} unsigned bytes
 * @param width  W
 * @param height H
 */
public record RgbFrame(byte[] rgb, int width, int height) {

    public RgbFrame {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size " + width + "x" + height + " must be positive");
        }
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " needs " + (width * height * 3)
                    + " bytes, got " + rgb.length);
        }
    }

    /** Channel c (0 = R) of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }
}
