package dev.saccade.data;

import java.util.List;
import java.util.Random;

/**
 * An indexed set of labelled clips. {@code get} must be a pure function of (index, the state of {@code rng}), so a
 * loader that seeds {@code rng} per sample gets the same clip whatever thread builds it.
 *
 * <pre>{@code
 * ClipDataset ds = new SyntheticMotion(SyntheticMotion.Options.defaults()).split(Split.TRAIN);
 * Clip c = ds.get(0, new Random(1));
 * }</pre>
 */
public interface ClipDataset {

    /** Number of clips. */
    int size();

    /**
     * Clip {@code index}, using {@code rng} for every random decision (temporal sampling, crops, flips).
     * Returns {@code null} when the clip was skipped because a frame was unreadable and the dataset was built to
     * skip such clips ({@link #skippedClips()} counts them); otherwise a bad frame throws
     * {@link dev.saccade.data.io.FrameReadException}.
     */
    Clip get(int index, Random rng);

    /** Number of classes of the label space. */
    int numClasses();

    /** Class names in label order. */
    List<String> classNames();

    /** Clips skipped so far because of unreadable frames (0 unless the dataset skips bad frames). */
    default long skippedClips() {
        return 0;
    }
}
