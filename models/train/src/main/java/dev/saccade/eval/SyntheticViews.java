package dev.saccade.eval;

import dev.saccade.data.Clip;
import dev.saccade.data.synthetic.Split;
import dev.saccade.data.synthetic.SyntheticMotion;
import dev.saccade.data.transform.TestProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * A split of {@link SyntheticMotion} as evaluation videos. Every view of a video is the rendered clip itself, all
 * T frames in order at the full frame, normalised with ImageNet statistics: the clips are rendered at the network's
 * input size and length and trained without crops, so the protocols' rescale-and-crop (made for 256-pixel videos)
 * would only change their statistics, and the official temporal samplers treat a video of ≤ T frames as too short
 * (all indices 0). The protocol's view count is kept by repeating the clip. Carries the dataset's reversal pairs.
 *
 * <pre>{@code
 * VideoViews v = new SyntheticViews(data, Split.VAL);
 * }</pre>
 */
public final class SyntheticViews implements VideoViews {
    private final SyntheticMotion data;
    private final Split split;

    public SyntheticViews(SyntheticMotion data, Split split) {
        this.data = data;
        this.split = split;
    }

    @Override public int size() { return data.size(split); }
    @Override public int numClasses() { return data.numClasses(); }
    @Override public List<String> classNames() { return data.classNames(); }
    @Override public List<int[]> reversalPairs() { return data.reversalPairs(); }

    @Override public List<Clip> views(int index, TestProtocol protocol) {
        // A synthetic video has exactly T frames, so it is its own clip: the official samplers would treat a video
        // of ≤ T frames as too short and repeat frame 0 (TSM's _get_val_indices), erasing the motion.
        Clip whole = data.get(split, index);
        List<Clip> out = new ArrayList<>(protocol.views());
        for (int v = 0; v < protocol.views(); v++) out.add(whole);
        return out;
    }
}
