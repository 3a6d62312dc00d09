package dev.saccade.data.transform;

import dev.saccade.data.RgbFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code GroupMultiScaleCrop(size, [1, .875, .75, .66], max_distort=1, fix_crop=True, more_fix_crop=True)}
 * (docs/MODELS.md §8.3): pick a crop width and height among {@code int(min(W, H)·scale)} (a size within 3 px of the
 * target snaps to it) with scale indices at most {@code maxDistort} apart, pick one of 13 fixed offsets, crop
 * every frame there and resize it bilinearly to the target.
 *
 * <p>Random decisions, in this order: the (w, h) pair, uniformly; then the offset, uniformly
 * (Python's {@code random.choice} twice).
 *
 * <pre>{@code
 * RgbFrame[] out = new GroupMultiScaleCrop(224).apply(frames, new Random(3));   // every frame 224x224
 * }</pre>
 */
public final class GroupMultiScaleCrop implements GroupTransform {

    /** TSM's scales. */
    public static final double[] DEFAULT_SCALES = {1, .875, .75, .66};

    private final int width;
    private final int height;
    private final double[] scales;
    private final int maxDistort;

    public GroupMultiScaleCrop(int size) {
        this(size, size, DEFAULT_SCALES, 1);
    }

    public GroupMultiScaleCrop(int width, int height, double[] scales, int maxDistort) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("crop target " + width + "x" + height + " must be positive");
        }
        if (scales.length == 0) {
            throw new IllegalArgumentException("at least one scale is needed");
        }
        this.width = width;
        this.height = height;
        this.scales = scales.clone();
        this.maxDistort = maxDistort;
    }

    /** The candidate crop sizes {@code {w, h}} for a {@code imageW × imageH} frame, in the reference's order. */
    public List<int[]> candidateSizes(int imageW, int imageH) {
        int base = Math.min(imageW, imageH);
        int[] cropH = new int[scales.length];
        int[] cropW = new int[scales.length];
        for (int i = 0; i < scales.length; i++) {
            int s = (int) (base * scales[i]);
            cropH[i] = Math.abs(s - height) < 3 ? height : s;
            cropW[i] = Math.abs(s - width) < 3 ? width : s;
        }
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < scales.length; i++) {
            for (int j = 0; j < scales.length; j++) {
                if (Math.abs(i - j) <= maxDistort) {
                    pairs.add(new int[] {cropW[j], cropH[i]});
                }
            }
        }
        return pairs;
    }

    /**
     * The 13 fixed offsets {@code {x, y}} ({@code fill_fix_offset(more_fix_crop=True)}) with
     * {@code step = ((W − w) // 4, (H − h) // 4)}: 4 corners, centre, 4 edge midpoints, 4 quarter points.
     */
    public static List<int[]> fixedOffsets(int imageW, int imageH, int cropW, int cropH) {
        int ws = Math.floorDiv(imageW - cropW, 4);
        int hs = Math.floorDiv(imageH - cropH, 4);
        return List.of(
                new int[] {0, 0}, new int[] {4 * ws, 0}, new int[] {0, 4 * hs}, new int[] {4 * ws, 4 * hs},
                new int[] {2 * ws, 2 * hs},
                new int[] {0, 2 * hs}, new int[] {4 * ws, 2 * hs}, new int[] {2 * ws, 4 * hs}, new int[] {2 * ws, 0},
                new int[] {ws, hs}, new int[] {3 * ws, hs}, new int[] {ws, 3 * hs}, new int[] {3 * ws, 3 * hs});
    }

    /** The random crop box {@code {x, y, w, h}} for a {@code imageW × imageH} frame. */
    public int[] sampleBox(int imageW, int imageH, Random rng) {
        List<int[]> pairs = candidateSizes(imageW, imageH);
        int[] size = pairs.get(rng.nextInt(pairs.size()));
        List<int[]> offsets = fixedOffsets(imageW, imageH, size[0], size[1]);
        int[] off = offsets.get(rng.nextInt(offsets.size()));
        return new int[] {off[0], off[1], size[0], size[1]};
    }

    @Override
    public RgbFrame[] apply(RgbFrame[] frames, Random rng) {
        Frames.checkSameSize(frames);
        int[] box = sampleBox(frames[0].width(), frames[0].height(), rng);
        RgbFrame[] out = new RgbFrame[frames.length];
        for (int t = 0; t < frames.length; t++) {
            RgbFrame c = Frames.crop(frames[t], box[0], box[1], box[2], box[3]);
            out[t] = PilBilinear.resize(c, width, height);
        }
        return out;
    }
}
