package dev.saccade.data.transform;

import dev.saccade.data.RgbFrame;
import java.util.Locale;
import java.util.Random;

/**
 * {@code GroupRandomHorizontalFlip}: with probability 0.5 ({@code rng.nextDouble() < 0.5}) mirror every frame of
 * the clip, otherwise none.
 *
 * <p>Direction-sensitive datasets must not be flipped ("moving left" would become "moving right"): TSM's
 * {@code get_augmentation} skips the flip when the dataset name contains "something" or "jester" (docs/MODELS.md §3.3);
 * the synthetic motion dataset is direction-sensitive too. {@link #allowedFor(String)} encodes that rule.
 *
 * <pre>{@code
 * GroupTransform t = GroupRandomHorizontalFlip.allowedFor("kinetics") ? new GroupRandomHorizontalFlip() : GroupTransform.identity();
 * }</pre>
 */
public final class GroupRandomHorizontalFlip implements GroupTransform {

    private final double probability;

    public GroupRandomHorizontalFlip() {
        this(0.5);
    }

    public GroupRandomHorizontalFlip(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + probability);
        }
        this.probability = probability;
    }

    /** False for direction-sensitive datasets: names containing "something", "jester" or "synthetic". */
    public static boolean allowedFor(String datasetName) {
        String n = datasetName.toLowerCase(Locale.ROOT);
        return !(n.contains("something") || n.contains("jester") || n.contains("synthetic"));
    }

    @Override
    public RgbFrame[] apply(RgbFrame[] frames, Random rng) {
        if (rng.nextDouble() >= probability) {
            return frames;
        }
        RgbFrame[] out = new RgbFrame[frames.length];
        for (int t = 0; t < frames.length; t++) {
            out[t] = Frames.flipHorizontal(frames[t]);
        }
        return out;
    }
}
