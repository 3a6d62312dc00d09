package dev.saccade.data.transform;

import dev.saccade.data.RgbFrame;
import java.util.List;

/**
 * A deterministic test-time transform that turns one clip's frames into several views (crops), each a whole clip.
 *
 * <pre>{@code
 * List<RgbFrame[]> views = MultiViewTransform.centre(256, 224).views(frames);   // 1 view
 * }</pre>
 */
@FunctionalInterface
public interface MultiViewTransform {

    /** The views, each with as many frames as the input. */
    List<RgbFrame[]> views(RgbFrame[] frames);

    /** Number of views it returns ({@code 1} unless overridden). */
    default int count() {
        return 1;
    }

    /** One view: {@code GroupScale(scale)} then {@code GroupCenterCrop(crop)} (the "1 crop" protocol). */
    static MultiViewTransform centre(int scale, int crop) {
        GroupTransform t = new GroupScale(scale).then(new GroupCenterCrop(crop));
        return frames -> List.<RgbFrame[]>of(t.apply(frames, null));
    }

    /** One view from any deterministic group transform. */
    static MultiViewTransform of(GroupTransform deterministic) {
        return frames -> List.<RgbFrame[]>of(deterministic.apply(frames, null));
    }
}
