package dev.saccade.eval;

import dev.saccade.data.Clip;
import dev.saccade.data.io.FrameFolderDataset;
import dev.saccade.data.transform.TestProtocol;
import dev.saccade.data.sampling.Seeds;
import java.util.List;
import java.util.Random;

/**
 * The videos of an evaluation set, each turned into the views of a test protocol ({@code clips × crops} clips,
 * clip-major). Random clip sampling (10-clip protocols) is seeded per video, so results are reproducible.
 *
 * <pre>{@code
 * VideoViews v = VideoViews.of(valFolderDataset, 0);
 * List<Clip> views = v.views(0, EvalProtocol.parse("10x3").protocol(224));   // 30 clips
 * }</pre>
 */
public interface VideoViews {
    int size();

    int numClasses();

    List<String> classNames();

    /** Every view of video {@code index}; {@code null} when the video was skipped (unreadable frame). */
    List<Clip> views(int index, TestProtocol protocol);

    /** Pairs of classes that are each other's time reversal ({@code {a, b}}), empty when the dataset has none. */
    default List<int[]> reversalPairs() { return List.of(); }

    /** The videos of a frame-folder dataset. */
    static VideoViews of(FrameFolderDataset d, long seed) {
        return new VideoViews() {
            @Override public int size() { return d.size(); }
            @Override public int numClasses() { return d.numClasses(); }
            @Override public List<String> classNames() { return d.classNames(); }
            @Override public List<Clip> views(int index, TestProtocol protocol) {
                return d.views(index, protocol, new Random(Seeds.mix(seed, index)));
            }
        };
    }
}
