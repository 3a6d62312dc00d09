package dev.saccade.data.io;

import dev.saccade.data.Clip;
import dev.saccade.data.ClipDataset;
import dev.saccade.data.ImageNetNormalize;
import dev.saccade.data.RgbFrame;
import dev.saccade.data.sampling.ClipSampling;
import dev.saccade.data.sampling.SegmentSampler;
import dev.saccade.data.transform.GroupTransform;
import dev.saccade.data.transform.TestProtocol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dataset of videos stored as folders of frame images (every official format of docs/MODELS.md §8 ends up here):
 * sample T frame indices ({@link SegmentSampler}), decode them ({@link FrameReader}), apply a group transform,
 * normalise to a {@code (T, 3, H, W)} {@link Clip}.
 *
 * <p>An unreadable or missing frame throws {@link FrameReadException} naming the file, unless the dataset was built
 * with {@code skipBadFrames(true)}: then {@link #get} returns {@code null} and {@link #skippedClips()} counts it.
 *
 * <pre>{@code
 * VideoAnnotations a = TwentyBnCsv.JESTER.load(root, DatasetSplit.TRAIN);
 * FrameFolderDataset train = FrameFolderDataset.builder(a, root)
 *         .segments(8).sampling(ClipSampling.TRAIN)
 *         .transform(new GroupScale(256).then(new GroupMultiScaleCrop(224)))
 *         .build();
 * Clip c = train.get(0, new Random(0));   // (8, 3, 224, 224)
 * }</pre>
 */
public final class FrameFolderDataset implements ClipDataset {

    private final Path frameRoot;
    private final List<VideoRecord> videos;
    private final List<String> classNames;
    private final String template;
    private final SegmentSampler sampler;
    private final ClipSampling sampling;
    private final GroupTransform transform;
    private final ImageNetNormalize normalise;
    private final boolean skipBadFrames;
    private final AtomicLong skipped = new AtomicLong();

    private FrameFolderDataset(Builder b) {
        this.frameRoot = b.frameRoot;
        this.videos = b.annotations.videos();
        this.classNames = b.annotations.classNames();
        this.template = b.annotations.template();
        this.sampler = new SegmentSampler(b.segments, 0);
        this.sampling = b.sampling;
        this.transform = b.transform;
        this.normalise = b.normalise;
        this.skipBadFrames = b.skipBadFrames;
    }

    /** A builder for the videos of {@code annotations}, whose frame folder is resolved against {@code datasetRoot}. */
    public static Builder builder(VideoAnnotations annotations, Path datasetRoot) {
        return new Builder(annotations, datasetRoot.resolve(annotations.framesDir()));
    }

    @Override
    public int size() {
        return videos.size();
    }

    @Override
    public int numClasses() {
        return classNames.size();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public long skippedClips() {
        return skipped.get();
    }

    /** The video behind sample {@code index}. */
    public VideoRecord video(int index) {
        return videos.get(index);
    }

    /** The file of frame {@code position} (0-based) of a video. */
    public Path framePath(VideoRecord v, int position) {
        return frameRoot.resolve(v.dir()).resolve(String.format(Locale.ROOT, template, v.firstFrame() + position));
    }

    @Override
    public Clip get(int index, Random rng) {
        VideoRecord v = videos.get(index);
        int[] positions = sampling.clips(sampler, v.numFrames(), 1, rng)[0];
        RgbFrame[] frames = readFrames(v, positions, new HashMap<>());
        if (frames == null) {
            return null;
        }
        return normalise.toClip(transform.apply(frames, rng), v.label(), v.dir());
    }

    /**
     * Every view of sample {@code index} under a test protocol, clip-major: {@code clips × crops} clips
     * ({@code null} when skipped for a bad frame). The dataset's own transform is not applied.
     */
    public List<Clip> views(int index, TestProtocol protocol, Random rng) {
        VideoRecord v = videos.get(index);
        int[][] clips = protocol.sampling().clips(sampler, v.numFrames(), protocol.clips(), rng);
        Map<Integer, RgbFrame> cache = new HashMap<>();
        List<Clip> out = new ArrayList<>(protocol.views());
        for (int[] positions : clips) {
            RgbFrame[] frames = readFrames(v, positions, cache);
            if (frames == null) {
                return null;
            }
            for (RgbFrame[] view : protocol.crops().views(frames)) {
                out.add(normalise.toClip(view, v.label(), v.dir()));
            }
        }
        return out;
    }

    private RgbFrame[] readFrames(VideoRecord v, int[] positions, Map<Integer, RgbFrame> cache) {
        RgbFrame[] frames = new RgbFrame[positions.length];
        try {
            for (int t = 0; t < positions.length; t++) {
                int p = positions[t];
                RgbFrame f = cache.get(p);
                if (f == null) {
                    f = FrameReader.read(framePath(v, p));
                    cache.put(p, f);
                }
                frames[t] = f;
            }
        } catch (FrameReadException e) {
            if (skipBadFrames) {
                skipped.incrementAndGet();
                return null;
            }
            throw e;
        }
        return frames;
    }

    /** Options of a {@link FrameFolderDataset}; defaults: T = 8, TSN training sampling, no transform, ImageNet normalisation, bad frames throw. */
    public static final class Builder {
        private final VideoAnnotations annotations;
        private final Path frameRoot;
        private int segments = 8;
        private ClipSampling sampling = ClipSampling.TRAIN;
        private GroupTransform transform = GroupTransform.identity();
        private ImageNetNormalize normalise = ImageNetNormalize.IMAGENET;
        private boolean skipBadFrames;

        private Builder(VideoAnnotations annotations, Path frameRoot) {
            this.annotations = Objects.requireNonNull(annotations, "annotations");
            this.frameRoot = frameRoot;
        }

        /** T, frames per clip. */
        public Builder segments(int t) {
            this.segments = t;
            return this;
        }

        /** Temporal sampling of {@link #get}: TRAIN, VAL, TEST or DENSE_TRAIN (one clip). */
        public Builder sampling(ClipSampling s) {
            this.sampling = s;
            return this;
        }

        /** Spatial transform applied to the decoded frames. */
        public Builder transform(GroupTransform t) {
            this.transform = t;
            return this;
        }

        public Builder normalise(ImageNetNormalize n) {
            this.normalise = n;
            return this;
        }

        /** Skip (and count) clips with an unreadable frame instead of throwing. */
        public Builder skipBadFrames(boolean skip) {
            this.skipBadFrames = skip;
            return this;
        }

        public FrameFolderDataset build() {
            return new FrameFolderDataset(this);
        }
    }
}
