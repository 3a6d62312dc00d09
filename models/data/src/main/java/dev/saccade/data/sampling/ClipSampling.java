package dev.saccade.data.sampling;

import java.util.Random;

/**
 * How the clips of one video are chosen, by protocol (docs/MODELS.md §2.1, §3.3, §4.3).
 *
 * <pre>{@code
 * int[][] clips = ClipSampling.TWICE.clips(new SegmentSampler(8, 0), 120, 2, new Random(0)); // (2, 8)
 * }</pre>
 */
public enum ClipSampling {
    /** TSN training: random frame within each segment; one clip. */
    TRAIN,
    /** Validation: segment centres (zeros for videos of ≤ T frames); one clip. */
    VAL,
    /** Test, one clip at the segment centres. */
    TEST,
    /** TSM {@code --twice_sample}: centres and starts, 2 clips. */
    TWICE,
    /** I3D dense training sampling; one clip. */
    DENSE_TRAIN,
    /** I3D dense test: {@code clips} starts over the video (10 in the recipes). */
    DENSE_TEST,
    /** ACTION-Net test scripts: {@code clips} independent TSN training samplings (10 in the recipes). */
    RANDOM_CLIPS;

    /** The frame indices of every clip of a video of {@code numFrames} frames: {@code (clips, T)}. */
    public int[][] clips(SegmentSampler sampler, int numFrames, int clips, Random rng) {
        return switch (this) {
            case TRAIN -> new int[][] {sampler.train(numFrames, rng)};
            case VAL -> new int[][] {sampler.val(numFrames)};
            case TEST -> new int[][] {sampler.test(numFrames)};
            case TWICE -> sampler.testTwice(numFrames);
            case DENSE_TRAIN -> new int[][] {sampler.denseTrain(numFrames, rng)};
            case DENSE_TEST -> sampler.denseTest(numFrames, clips);
            case RANDOM_CLIPS -> {
                int[][] out = new int[clips][];
                for (int k = 0; k < clips; k++) {
                    out[k] = sampler.train(numFrames, rng);
                }
                yield out;
            }
        };
    }
}
