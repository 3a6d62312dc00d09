package dev.saccade.data.sampling;

import java.util.Arrays;
import java.util.Random;

/**
 * TSN temporal sampling: which T frames of an {@code nf}-frame video make a clip (docs/MODELS.md §2.1).
 *
 * <p>Formulas (TSM repo {@code ops/dataset.py}, {@code TSNDataSet._sample_indices / _get_val_indices /
 * _get_test_indices}; ACTION-Net {@code TemporalUniformCrop_train/_val}), with {@code new_length = 1}:
 * <ul>
 *   <li>train: {@code avg = (nf − 1 + 1) // T}; if {@code avg > 0}: {@code t·avg + randint(avg)}; else if
 *       {@code nf > T}: T sorted {@code randint(nf)}; else zeros;</li>
 *   <li>val: if {@code nf > T}: {@code int(tick/2 + tick·t)} with {@code tick = nf / T}; else zeros;</li>
 *   <li>test: the centres {@code int(tick/2 + tick·t)} (no zero fall-back); twice-sample appends {@code int(tick·t)};</li>
 *   <li>dense (I3D): {@code sample_pos = max(1, 1 + nf − 64)}, {@code stride = 64 // T}, {@code start =
 *       randint(0, sample_pos − 1)} (0 when {@code sample_pos = 1}), {@code (t·stride + start) % nf}; the test
 *       uses the 10 starts {@code linspace(0, sample_pos − 1, 10, dtype=int)}.</li>
 * </ul>
 * Every index is finally shifted by the frame base: 1 for TSM (frame files are 1-based), 0 for ACTION-Net (indices
 * into the frame list).
 *
 * <pre>{@code
 * SegmentSampler s = new SegmentSampler(8, 1);          // T = 8, TSM's 1-based frame numbers
 * int[] train = s.train(40, new Random(0));             // one random frame in each 5-frame segment
 * int[] val = s.val(40);                                // {3, 8, 13, 18, 23, 28, 33, 38}
 * }</pre>
 */
public final class SegmentSampler {

    /** Frames spanned by one dense clip (I3D). */
    public static final int DENSE_SPAN = 64;
    /** Clips of the dense test protocol. */
    public static final int DENSE_TEST_CLIPS = 10;

    private final int segments;
    private final int base;

    /**
     * @param segments T, the frames per clip
     * @param base     added to every index: 1 for 1-based frame files (TSM), 0 for list positions (ACTION-Net)
     */
    public SegmentSampler(int segments, int base) {
        if (segments <= 0) {
            throw new IllegalArgumentException("segments (T) must be > 0, got " + segments);
        }
        if (base != 0 && base != 1) {
            throw new IllegalArgumentException("frame index base must be 0 or 1, got " + base);
        }
        this.segments = segments;
        this.base = base;
    }

    /** T. */
    public int segments() {
        return segments;
    }

    /** The frame index base (0 or 1). */
    public int base() {
        return base;
    }

    /** TSN training sampling: a random frame inside each of T equal segments. */
    public int[] train(int numFrames, Random rng) {
        checkFrames(numFrames);
        int[] out = new int[segments];
        int average = (numFrames - 1 + 1) / segments; // new_length = 1
        if (average > 0) {
            for (int t = 0; t < segments; t++) {
                out[t] = t * average + rng.nextInt(average);
            }
        } else if (numFrames > segments) {
            // unreachable with new_length = 1 (average > 0 whenever nf ≥ T), kept to mirror the reference's branches
            for (int t = 0; t < segments; t++) {
                out[t] = rng.nextInt(numFrames - 1 + 1);
            }
            Arrays.sort(out);
        }
        return shift(out);
    }

    /** Validation sampling: the centre of each segment, or all zeros when the video has no more than T frames. */
    public int[] val(int numFrames) {
        checkFrames(numFrames);
        int[] out = new int[segments];
        if (numFrames > segments) {
            double tick = (double) numFrames / segments;
            for (int t = 0; t < segments; t++) {
                out[t] = (int) (tick / 2.0 + tick * t);
            }
        }
        return shift(out);
    }

    /** Test sampling, one clip: the segment centres (also for short videos). */
    public int[] test(int numFrames) {
        checkFrames(numFrames);
        double tick = (double) numFrames / segments;
        int[] out = new int[segments];
        for (int t = 0; t < segments; t++) {
            out[t] = (int) (tick / 2.0 + tick * t);
        }
        return shift(out);
    }

    /** Test "twice sample": 2 clips of T, the segment centres then the segment starts. Returns {@code (2, T)}. */
    public int[][] testTwice(int numFrames) {
        checkFrames(numFrames);
        double tick = (double) numFrames / segments;
        int[][] out = new int[2][segments];
        for (int t = 0; t < segments; t++) {
            out[0][t] = (int) (tick / 2.0 + tick * t) + base;
            out[1][t] = (int) (tick * t) + base;
        }
        return out;
    }

    /** Dense training sampling (I3D style): T frames {@code 64 // T} apart from a random start, wrapping around. */
    public int[] denseTrain(int numFrames, Random rng) {
        checkFrames(numFrames);
        int samplePos = Math.max(1, 1 + numFrames - DENSE_SPAN);
        int start = samplePos == 1 ? 0 : rng.nextInt(samplePos - 1); // numpy randint(0, sample_pos − 1): high excluded
        return denseFrom(numFrames, start);
    }

    /** Dense test sampling: {@code clips} clips from the starts {@code linspace(0, sample_pos − 1, clips)}. Returns {@code (clips, T)}. */
    public int[][] denseTest(int numFrames, int clips) {
        checkFrames(numFrames);
        if (clips <= 0) {
            throw new IllegalArgumentException("dense test clips must be > 0, got " + clips);
        }
        int samplePos = Math.max(1, 1 + numFrames - DENSE_SPAN);
        int[][] out = new int[clips][];
        double delta = samplePos - 1;
        for (int k = 0; k < clips; k++) {
            // numpy.linspace: k·(delta/(num−1)) + 0, last point set to stop exactly; dtype=int truncates
            double v = clips == 1 ? 0.0 : (k == clips - 1 ? delta : k * (delta / (clips - 1)));
            out[k] = denseFrom(numFrames, (int) v);
        }
        return out;
    }

    private int[] denseFrom(int numFrames, int start) {
        int stride = DENSE_SPAN / segments;
        int[] out = new int[segments];
        for (int t = 0; t < segments; t++) {
            out[t] = (t * stride + start) % numFrames;
        }
        return shift(out);
    }

    private int[] shift(int[] indices) {
        if (base != 0) {
            for (int t = 0; t < indices.length; t++) {
                indices[t] += base;
            }
        }
        return indices;
    }

    private static void checkFrames(int numFrames) {
        if (numFrames <= 0) {
            throw new IllegalArgumentException("num_frames must be > 0, got " + numFrames);
        }
    }
}
