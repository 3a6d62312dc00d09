package dev.saccade.eval;

import dev.saccade.data.Clip;
import dev.saccade.data.ImageNetNormalize;
import dev.saccade.data.RgbFrame;
import dev.saccade.data.sampling.SegmentSampler;
import dev.saccade.data.synthetic.Split;
import dev.saccade.data.synthetic.SyntheticMotion;
import dev.saccade.data.transform.TestProtocol;
import dev.saccade.train.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A split of {@link SyntheticMotion} as evaluation videos: each rendered clip is a T-frame video, sampled in time by
 * the protocol like a real one (its T frames give T segments of one frame, so every temporal sampling keeps the
 * frame order), normalised with ImageNet statistics. Spatially every view is the whole frame: the clips are rendered
 * at the network's input size and trained without crops, so the protocol's rescale-and-crop (made for 256-pixel
 * videos) would only change their statistics; each crop position therefore repeats the full frame, which keeps the
 * protocol's view count. Carries the dataset's reversal pairs.
 *
 * <pre>{@code
 * VideoViews v = new SyntheticViews(data, Split.VAL, 0);
 * }</pre>
 */
public final class SyntheticViews implements VideoViews {
    private final SyntheticMotion data;
    private final Split split;
    private final long seed;

    public SyntheticViews(SyntheticMotion data, Split split, long seed) {
        this.data = data;
        this.split = split;
        this.seed = seed;
    }

    @Override public int size() { return data.size(split); }
    @Override public int numClasses() { return data.numClasses(); }
    @Override public List<String> classNames() { return data.classNames(); }
    @Override public List<int[]> reversalPairs() { return data.reversalPairs(); }

    @Override public List<Clip> views(int index, TestProtocol protocol) {
        RgbFrame[] video = data.rawFrames(split, index);
        int label = data.label(split, index);
        SegmentSampler sampler = new SegmentSampler(data.options().frames(), 0);
        int[][] clips = protocol.sampling().clips(sampler, video.length, protocol.clips(), new Random(Seeds.mix(seed, index)));
        List<Clip> out = new ArrayList<>(protocol.views());
        String id = split.name().toLowerCase(java.util.Locale.ROOT) + "/" + index;
        for (int[] positions : clips) {
            RgbFrame[] frames = new RgbFrame[positions.length];
            for (int t = 0; t < positions.length; t++) frames[t] = video[Math.min(positions[t], video.length - 1)];
            Clip whole = ImageNetNormalize.IMAGENET.toClip(frames, label, id);
            for (int c = 0; c < protocol.crops().count(); c++) out.add(whole);
        }
        return out;
    }
}
