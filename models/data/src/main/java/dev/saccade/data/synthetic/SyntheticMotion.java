package dev.saccade.data.synthetic;

import dev.saccade.data.Clip;
import dev.saccade.data.ClipDataset;
import dev.saccade.data.ImageNetNormalize;
import dev.saccade.data.RgbFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The project's default dataset: short RGB clips of textured objects on cluttered, drifting backgrounds whose
 * classes can only be told apart through time, generated on the fly and deterministic from a seed.
 *
 * <p>Six motions are each paired with their time-reversed twin (right/left, down/up, clockwise/counter-clockwise,
 * zooming in/out, approaching/separating, covering/uncovering): the twin of a clip renders the same forward
 * trajectory and then reverses the frame order, so both classes have identically distributed frames and a
 * frame-order-blind model (TSN) stays at chance inside each pair. Up to two controls (a static ring, a static cross,
 * shapes no motion uses) can be recognised from any single frame.
 *
 * <p>Sample {@code i} of split {@code s} has label {@code i mod numClasses()} and is rendered from seed
 * {@code mix(seed, s, i)}. Frames are quantised to 8 bits and normalised with ImageNet mean/std, as real frames are.
 * With {@code cache}, each split keeps its 8-bit frames after the first request ({@code T·H·W·3} bytes a clip).
 *
 * <pre>{@code
 * SyntheticMotion data = new SyntheticMotion(SyntheticMotion.Options.defaults().withSeed(7));
 * ClipDataset train = data.split(Split.TRAIN);           // 2000 clips of (8, 3, 32, 32)
 * Clip c = train.get(5, null);                           // label 5: "rotating counter-clockwise"
 * String name = data.classNames().get(c.label());
 * }</pre>
 */
public final class SyntheticMotion {

    /**
     * Options of the synthetic dataset.
     *
     * @param frames         T
     * @param height         H
     * @param width          W
     * @param noise          standard deviation of per-pixel noise, in [0, 1] intensity units
     * @param difficulty     clutter in [0, 1]: background contrast and drift, number of distractors
     * @param controlClasses appearance-only control classes, 0 to 2
     * @param trainSize      clips in the train split
     * @param valSize        clips in the val split
     * @param testSize       clips in the test split
     * @param seed           seed of every split
     * @param cache          keep generated frames in memory
     */
    public record Options(int frames, int height, int width, double noise, double difficulty, int controlClasses,
                          int trainSize, int valSize, int testSize, long seed, boolean cache) {

        public Options {
            if (frames < 2) {
                throw new IllegalArgumentException("frames must be ≥ 2 (motion needs time), got " + frames);
            }
            if (height < 8 || width < 8) {
                throw new IllegalArgumentException("frame size " + width + "x" + height + " must be at least 8x8");
            }
            if (!(noise >= 0 && noise <= 1)) {
                throw new IllegalArgumentException("noise must be in [0, 1], got " + noise);
            }
            if (!(difficulty >= 0 && difficulty <= 1)) {
                throw new IllegalArgumentException("difficulty must be in [0, 1], got " + difficulty);
            }
            if (controlClasses < 0 || controlClasses > 2) {
                throw new IllegalArgumentException("controlClasses must be 0, 1 or 2, got " + controlClasses);
            }
            if (trainSize < 0 || valSize < 0 || testSize < 0) {
                throw new IllegalArgumentException("split sizes must be ≥ 0, got " + trainSize + "/" + valSize + "/" + testSize);
            }
        }

        /** 8 frames of 32×32, noise 0.03, difficulty 0.5, 2 controls, 2000/400/400 clips, seed 0, no cache. */
        public static Options defaults() {
            return new Options(8, 32, 32, 0.03, 0.5, 2, 2000, 400, 400, 0L, false);
        }

        public Options withFrames(int t) {
            return new Options(t, height, width, noise, difficulty, controlClasses, trainSize, valSize, testSize, seed, cache);
        }

        public Options withSize(int h, int w) {
            return new Options(frames, h, w, noise, difficulty, controlClasses, trainSize, valSize, testSize, seed, cache);
        }

        public Options withNoise(double n) {
            return new Options(frames, height, width, n, difficulty, controlClasses, trainSize, valSize, testSize, seed, cache);
        }

        public Options withDifficulty(double d) {
            return new Options(frames, height, width, noise, d, controlClasses, trainSize, valSize, testSize, seed, cache);
        }

        public Options withControlClasses(int c) {
            return new Options(frames, height, width, noise, difficulty, c, trainSize, valSize, testSize, seed, cache);
        }

        public Options withSplitSizes(int train, int val, int test) {
            return new Options(frames, height, width, noise, difficulty, controlClasses, train, val, test, seed, cache);
        }

        public Options withSeed(long s) {
            return new Options(frames, height, width, noise, difficulty, controlClasses, trainSize, valSize, testSize, s, cache);
        }

        public Options withCache(boolean c) {
            return new Options(frames, height, width, noise, difficulty, controlClasses, trainSize, valSize, testSize, seed, c);
        }
    }

    private final Options options;
    private final MotionRenderer renderer;
    private final List<MotionClass> classes;
    private final List<AtomicReferenceArray<RgbFrame[]>> caches = new ArrayList<>();

    public SyntheticMotion(Options options) {
        this.options = options;
        this.renderer = new MotionRenderer(options);
        this.classes = List.of(MotionClass.values()).subList(0, MotionClass.MOTION_CLASSES + options.controlClasses());
        for (Split s : Split.values()) {
            caches.add(options.cache() ? new AtomicReferenceArray<>(size(s)) : null);
        }
    }

    public Options options() {
        return options;
    }

    /** 12 motion classes plus the controls. */
    public int numClasses() {
        return classes.size();
    }

    /** Class names in label order. */
    public List<String> classNames() {
        return classes.stream().map(MotionClass::displayName).toList();
    }

    /** The class of a label. */
    public MotionClass motionClass(int label) {
        return classes.get(label);
    }

    /** Pairs {@code {forward label, reversed label}}: each twin is the other played backwards. */
    public List<int[]> reversalPairs() {
        List<int[]> out = new ArrayList<>();
        for (int c = 0; c < MotionClass.MOTION_CLASSES; c += 2) {
            out.add(new int[] {c, c + 1});
        }
        return out;
    }

    /** Clips in a split. */
    public int size(Split split) {
        return switch (split) {
            case TRAIN -> options.trainSize();
            case VAL -> options.valSize();
            case TEST -> options.testSize();
        };
    }

    /** Label of sample {@code index} (classes cycle, so every split is balanced to within one clip). */
    public int label(Split split, int index) {
        return index % numClasses();
    }

    /** Seed of sample {@code index} of a split. */
    public long sampleSeed(Split split, int index) {
        return SplitMix.mix(options.seed(), split.ordinal() + 1, index);
    }

    /** The 8-bit frames of class {@code label} rendered from {@code seed}: the forward trajectory, reversed for twins. */
    public RgbFrame[] frames(int label, long seed) {
        MotionClass c = classes.get(label);
        RgbFrame[] f = renderer.render(c.motion(), seed);
        if (c.reversed()) {
            for (int i = 0, j = f.length - 1; i < j; i++, j--) {
                RgbFrame tmp = f[i];
                f[i] = f[j];
                f[j] = tmp;
            }
        }
        return f;
    }

    /** Sample {@code index} of a split, normalised: {@code (T, 3, H, W)}. */
    public Clip get(Split split, int index) {
        return ImageNetNormalize.IMAGENET.toClip(rawFrames(split, index), label(split, index),
                split.name().toLowerCase(java.util.Locale.ROOT) + "/" + index);
    }

    /** Sample {@code index} of a split as 8-bit frames (cached when the options say so). */
    public RgbFrame[] rawFrames(Split split, int index) {
        if (index < 0 || index >= size(split)) {
            throw new IndexOutOfBoundsException("sample " + index + " of synthetic " + split + " split of " + size(split));
        }
        AtomicReferenceArray<RgbFrame[]> cache = caches.get(split.ordinal());
        if (cache != null) {
            RgbFrame[] hit = cache.get(index);
            if (hit != null) {
                return hit;
            }
        }
        RgbFrame[] f = frames(label(split, index), sampleSeed(split, index));
        if (cache != null) {
            cache.set(index, f);
        }
        return f;
    }

    /** A split as a {@link ClipDataset} (its {@code rng} argument is unused: the clips are fixed). */
    public ClipDataset split(Split split) {
        return new ClipDataset() {
            @Override
            public int size() {
                return SyntheticMotion.this.size(split);
            }

            @Override
            public Clip get(int index, Random rng) {
                return SyntheticMotion.this.get(split, index);
            }

            @Override
            public int numClasses() {
                return SyntheticMotion.this.numClasses();
            }

            @Override
            public List<String> classNames() {
                return SyntheticMotion.this.classNames();
            }
        };
    }
}
