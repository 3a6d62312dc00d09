package dev.saccade.data.transform;

import dev.saccade.data.RgbFrame;
import java.util.Random;

/**
 * A transform of a clip's frames that takes each random decision once and applies it to every frame
 * (TSM {@code ops/transforms.py} "Group" transforms, docs/MODELS.md §8.3).
 *
 * <pre>{@code
 * GroupTransform train = new GroupMultiScaleCrop(224).then(new GroupRandomHorizontalFlip());
 * RgbFrame[] out = train.apply(frames, new Random(7));
 * }</pre>
 */
@FunctionalInterface
public interface GroupTransform {

    /** The transformed frames; {@code rng} supplies every random decision. */
    RgbFrame[] apply(RgbFrame[] frames, Random rng);

    /** This transform, then {@code next}. */
    default GroupTransform then(GroupTransform next) {
        return (frames, rng) -> next.apply(apply(frames, rng), rng);
    }

    /** The transform that changes nothing. */
    static GroupTransform identity() {
        return (frames, rng) -> frames;
    }
}
