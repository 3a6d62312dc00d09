package dev.saccade.data.transform;

import dev.saccade.data.RgbFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GroupFullResSample(crop, scale_size, flip)}: after {@code GroupScale(scale)}, three {@code crop × crop}
 * views at {@code (0, 2·hs)} (left), {@code (4·ws, 2·hs)} (right) and {@code (2·ws, 2·hs)} (centre) with
 * {@code step = ((W − crop) // 4, (H − crop) // 4)}, in that order; with {@code flip} each view is followed by its
 * mirror. TSM's "accurate" test uses scale 256, crop 256, no flip (docs/MODELS.md §3.3).
 *
 * <pre>{@code
 * List<RgbFrame[]> three = new GroupFullResSample(256, 256, false).views(frames);
 * }</pre>
 */
public final class GroupFullResSample implements MultiViewTransform {

    private final int crop;
    private final GroupScale scale;
    private final boolean flip;

    /** @param scaleSize shorter side before cropping, or ≤ 0 for no scaling */
    public GroupFullResSample(int crop, int scaleSize, boolean flip) {
        if (crop <= 0) {
            throw new IllegalArgumentException("full-res crop size must be > 0, got " + crop);
        }
        this.crop = crop;
        this.scale = scaleSize > 0 ? new GroupScale(scaleSize) : null;
        this.flip = flip;
    }

    /** The 3 offsets {@code {x, y}}: left, right, centre. */
    public static List<int[]> offsets(int imageW, int imageH, int cropW, int cropH) {
        int ws = Math.floorDiv(imageW - cropW, 4);
        int hs = Math.floorDiv(imageH - cropH, 4);
        return List.of(new int[] {0, 2 * hs}, new int[] {4 * ws, 2 * hs}, new int[] {2 * ws, 2 * hs});
    }

    @Override
    public int count() {
        return flip ? 6 : 3;
    }

    @Override
    public List<RgbFrame[]> views(RgbFrame[] frames) {
        Frames.checkSameSize(frames);
        RgbFrame[] scaled = scale == null ? frames : scale.apply(frames, null);
        List<RgbFrame[]> out = new ArrayList<>(count());
        for (int[] o : offsets(scaled[0].width(), scaled[0].height(), crop, crop)) {
            RgbFrame[] view = new RgbFrame[scaled.length];
            for (int t = 0; t < scaled.length; t++) {
                view[t] = Frames.crop(scaled[t], o[0], o[1], crop, crop);
            }
            out.add(view);
            if (flip) {
                RgbFrame[] mirrored = new RgbFrame[view.length];
                for (int t = 0; t < view.length; t++) {
                    mirrored[t] = Frames.flipHorizontal(view[t]);
                }
                out.add(mirrored);
            }
        }
        return out;
    }
}
