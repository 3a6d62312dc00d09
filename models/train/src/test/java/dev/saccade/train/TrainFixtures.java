package dev.saccade.train;

import dev.saccade.data.ClipDataset;
import dev.saccade.data.synthetic.Split;
import dev.saccade.data.synthetic.SyntheticMotion;
import java.util.List;
import java.util.Map;

/** A tiny synthetic dataset and config shared by the training tests: 4 frames of 16×16, 14 classes. */
final class TrainFixtures {
    static final int FRAMES = 4;
    static final int SIZE = 16;

    private TrainFixtures() {}

    static SyntheticMotion data() {
        return new SyntheticMotion(SyntheticMotion.Options.defaults().withFrames(FRAMES).withSize(SIZE, SIZE)
                .withSplitSizes(56, 28, 0).withCache(true).withSeed(3));
    }

    static ClipDataset train(SyntheticMotion d) { return d.split(Split.TRAIN); }
    static ClipDataset val(SyntheticMotion d) { return d.split(Split.VAL); }

    static TrainConfig config(int epochs) {
        return new TrainConfig("test", "tiny-test", FRAMES, 14, 32, DatasetConfig.synthetic(56, 28), 8, epochs,
                0.05, List.of(), "step", 1e-4, 0.9, 0.2, 5, 1, false, 11, 1, "1x1", "cpu", 0, null, 1.0, Map.of());
    }
}
