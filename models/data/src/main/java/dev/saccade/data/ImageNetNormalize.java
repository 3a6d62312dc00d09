package dev.saccade.data;

/**
 * {@code ToTorchFormatTensor} (divide by 255) followed by {@code GroupNormalize(mean, std)} (docs/MODELS.md §8.3):
 * {@code out = (byte/255 − mean[c]) / std[c]}, written planar as {@code (T, 3, H, W)}.
 *
 * <p>Reference: torchvision {@code transforms.Normalize}; ImageNet statistics mean (0.485, 0.456, 0.406),
 * std (0.229, 0.224, 0.225).
 *
 * <pre>{@code
 * Clip c = ImageNetNormalize.IMAGENET.toClip(frames, label, "video42");
 * }</pre>
 */
public final class ImageNetNormalize {

    /** ImageNet RGB mean. */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet RGB standard deviation. */
    public static final float[] STD = {0.229f, 0.224f, 0.225f};
    /** The normaliser every model of the zoo expects. */
    public static final ImageNetNormalize IMAGENET = new ImageNetNormalize(MEAN, STD);

    private final float[] mean;
    private final float[] std;
    private final float[][] table = new float[3][256]; // (3, 256): value of each byte per channel

    public ImageNetNormalize(float[] mean, float[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (RGB), got " + mean.length + " and " + std.length);
        }
        this.mean = mean.clone();
        this.std = std.clone();
        for (int c = 0; c < 3; c++) {
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException("std[" + c + "] = " + std[c] + " must be > 0");
            }
            for (int v = 0; v < 256; v++) {
                table[c][v] = normalise(v, c);
            }
        }
    }

    /** The scalar formula: {@code (v/255 − mean[c]) / std[c]}, computed as torchvision does (divide, subtract, divide). */
    public float normalise(int byteValue, int channel) {
        float x = (float) byteValue / 255f;
        return (x - mean[channel]) / std[channel];
    }

    /** Frames (all the same size) to a normalised clip {@code (T, 3, H, W)}. */
    public Clip toClip(RgbFrame[] frames, int label, String id) {
        if (frames.length == 0) {
            throw new IllegalArgumentException("clip " + id + ": no frames");
        }
        int w = frames[0].width();
        int h = frames[0].height();
        int plane = w * h;
        float[] out = new float[frames.length * 3 * plane]; // (T, 3, H, W)
        for (int t = 0; t < frames.length; t++) {
            RgbFrame f = frames[t];
            if (f.width() != w || f.height() != h) {
                throw new IllegalArgumentException("clip " + id + ": frame " + t + " is " + f.width() + "x" + f.height()
                        + " but frame 0 is " + w + "x" + h);
            }
            byte[] rgb = f.rgb(); // (H, W, 3)
            int base = t * 3 * plane;
            float[] tr = table[0];
            float[] tg = table[1];
            float[] tb = table[2];
            for (int p = 0, q = 0; p < plane; p++, q += 3) {
                out[base + p] = tr[rgb[q] & 0xFF];
                out[base + plane + p] = tg[rgb[q + 1] & 0xFF];
                out[base + 2 * plane + p] = tb[rgb[q + 2] & 0xFF];
            }
        }
        return new Clip(out, frames.length, h, w, label, id);
    }
}
