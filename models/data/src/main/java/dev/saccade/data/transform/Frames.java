package dev.saccade.data.transform;

import dev.saccade.data.RgbFrame;

/**
 * Pixel-exact crop and mirror of {@link RgbFrame}s, as PIL's {@code Image.crop(box)} and
 * {@code transpose(FLIP_LEFT_RIGHT)} do them.
 *
 * <pre>{@code
 * RgbFrame c = Frames.crop(frame, 16, 0, 224, 224);   // x, y, width, height
 * }</pre>
 */
public final class Frames {

    private Frames() {
    }

    /** The {@code w × h} region whose top-left pixel is (x, y); it must lie inside the frame. */
    public static RgbFrame crop(RgbFrame src, int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > src.width() || y + h > src.height()) {
            throw new IllegalArgumentException("crop box (x=" + x + ", y=" + y + ", w=" + w + ", h=" + h
                    + ") does not fit in a " + src.width() + "x" + src.height() + " frame");
        }
        if (x == 0 && y == 0 && w == src.width() && h == src.height()) {
            return src;
        }
        byte[] out = new byte[w * h * 3]; // (h, w, 3)
        for (int r = 0; r < h; r++) {
            System.arraycopy(src.rgb(), ((y + r) * src.width() + x) * 3, out, r * w * 3, w * 3);
        }
        return new RgbFrame(out, w, h);
    }

    /** Left-right mirror. */
    public static RgbFrame flipHorizontal(RgbFrame src) {
        int w = src.width();
        byte[] in = src.rgb();
        byte[] out = new byte[in.length]; // (H, W, 3)
        for (int r = 0; r < src.height(); r++) {
            int row = r * w * 3;
            for (int x = 0; x < w; x++) {
                int p = row + x * 3;
                int q = row + (w - 1 - x) * 3;
                out[q] = in[p];
                out[q + 1] = in[p + 1];
                out[q + 2] = in[p + 2];
            }
        }
        return new RgbFrame(out, w, src.height());
    }

    static void checkSameSize(RgbFrame[] group) {
        if (group.length == 0) {
            throw new IllegalArgumentException("empty frame group");
        }
        for (int t = 1; t < group.length; t++) {
            if (group[t].width() != group[0].width() || group[t].height() != group[0].height()) {
                throw new IllegalArgumentException("frame " + t + " is " + group[t].width() + "x" + group[t].height()
                        + " but frame 0 is " + group[0].width() + "x" + group[0].height());
            }
        }
    }
}
