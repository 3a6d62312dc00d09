package dev.saccade.data.transform;

import dev.saccade.data.sampling.ClipSampling;

/**
 * A test protocol: how many clips per video, how they are sampled, and which crops each clip gives. Scores are
 * averaged over the {@code clips × crops} views (docs/MODELS.md §3.3, §4.3).
 *
 * <pre>{@code
 * TestProtocol p = TestProtocol.accurate(256);   // 2 clips × 3 full-res crops = 6 views per video
 * }</pre>
 *
 * @param name     for printing
 * @param sampling how the clips are chosen
 * @param clips    clips per video (for {@link ClipSampling#DENSE_TEST} and {@link ClipSampling#RANDOM_CLIPS})
 * @param crops    the spatial views of each clip
 */
public record TestProtocol(String name, ClipSampling sampling, int clips, MultiViewTransform crops) {

    /** TSM "efficient" / every repo's validation: 1 clip (segment centres) × centre crop after scaling. */
    public static TestProtocol efficient(int scale, int crop) {
        return new TestProtocol("1 clip x centre crop", ClipSampling.VAL, 1, MultiViewTransform.centre(scale, crop));
    }

    /** TSM "accurate": twice-sample (2 clips) × 3 full-res crops of {@code scale × scale} after scaling to {@code scale}. */
    public static TestProtocol accurate(int scale) {
        return new TestProtocol("2 clips x 3 full-res crops", ClipSampling.TWICE, 2, new GroupFullResSample(scale, scale, false));
    }

    /** ACTION-Net test scripts: 10 randomly sampled clips × 3 full-res crops. */
    public static TestProtocol tenClipsThreeCrops(int scale) {
        return new TestProtocol("10 clips x 3 full-res crops", ClipSampling.RANDOM_CLIPS, 10, new GroupFullResSample(scale, scale, false));
    }

    /** I3D-style dense test: 10 dense clips × 3 full-res crops. */
    public static TestProtocol dense(int scale) {
        return new TestProtocol("10 dense clips x 3 full-res crops", ClipSampling.DENSE_TEST, 10, new GroupFullResSample(scale, scale, false));
    }

    /** Views per video: clips × crops. */
    public int views() {
        int c = switch (sampling) {
            case TWICE -> 2;
            case DENSE_TEST, RANDOM_CLIPS -> clips;
            default -> 1;
        };
        return c * crops.count();
    }
}
