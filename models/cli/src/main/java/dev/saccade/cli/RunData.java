package dev.saccade.cli;

import dev.saccade.data.ClipDataset;
import dev.saccade.data.io.DatasetSplit;
import dev.saccade.data.io.EgoGesture;
import dev.saccade.data.io.FrameFolderDataset;
import dev.saccade.data.io.SomethingV2Json;
import dev.saccade.data.io.TwentyBnCsv;
import dev.saccade.data.io.VideoAnnotations;
import dev.saccade.data.sampling.ClipSampling;
import dev.saccade.data.synthetic.Split;
import dev.saccade.data.synthetic.SyntheticMotion;
import dev.saccade.data.transform.GroupCenterCrop;
import dev.saccade.data.transform.GroupMultiScaleCrop;
import dev.saccade.data.transform.GroupScale;
import dev.saccade.data.transform.GroupTransform;
import dev.saccade.eval.SyntheticViews;
import dev.saccade.eval.VideoViews;
import dev.saccade.train.DatasetConfig;
import dev.saccade.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The datasets a {@link TrainConfig} names: training and validation clips, and validation videos for the test
 * protocols. Synthetic: {@link SyntheticMotion} at the config's frames and input size (its val split doubles as the
 * evaluation set). On disk: the official annotation format of {@code dataset.kind}, with the recipes' augmentation
 * (docs/MODELS.md §3.3, §4.3): training {@code GroupMultiScaleCrop} (after {@code GroupScale(256)} except for
 * Something-Something), no flip (the datasets are direction-sensitive); validation scale + centre crop.
 *
 * <pre>{@code
 * RunData d = RunData.of(Presets.get("synthetic-demo"));
 * ClipDataset train = d.train();
 * }</pre>
 */
public record RunData(ClipDataset train, ClipDataset validation, VideoViews evaluation) {

    public static RunData of(TrainConfig c) {
        DatasetConfig d = c.dataset();
        if (d.isSynthetic()) {
            SyntheticMotion data = new SyntheticMotion(SyntheticMotion.Options.defaults().withFrames(c.frames())
                    .withSize(c.inputSize(), c.inputSize()).withNoise(d.noise()).withDifficulty(d.difficulty())
                    .withControlClasses(d.controlClasses()).withSplitSizes(d.trainClips(), d.valClips(), 0)
                    .withSeed(c.seed()).withCache(true));
            if (data.numClasses() != c.classes()) {
                throw new IllegalArgumentException("config 'classes' is " + c.classes() + " but the synthetic dataset with "
                        + d.controlClasses() + " control classes has " + data.numClasses());
            }
            return new RunData(data.split(Split.TRAIN), data.split(Split.VAL), new SyntheticViews(data, Split.VAL));
        }
        if (d.root() == null || d.root().isBlank()) {
            throw new IllegalArgumentException("dataset '" + d.kind() + "' needs its folder: --set dataset.root=/path/to/" + d.kind());
        }
        Path root = Path.of(d.root());
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("dataset.root " + root + " is not a folder");
        VideoAnnotations trainAnn = annotations(d.kind(), root, DatasetSplit.TRAIN);
        VideoAnnotations valAnn = annotations(d.kind(), root, DatasetSplit.VAL);
        if (trainAnn.classNames().size() != c.classes()) {
            throw new IllegalArgumentException("config 'classes' is " + c.classes() + " but " + root + " has " + trainAnn.classNames().size() + " classes");
        }
        int size = c.inputSize(), scale = size * 256 / 224;
        GroupTransform trainTransform = d.kind().startsWith("something")
                ? new GroupMultiScaleCrop(size)
                : new GroupScale(scale).then(new GroupMultiScaleCrop(size));
        GroupTransform valTransform = new GroupScale(scale).then(new GroupCenterCrop(size));
        FrameFolderDataset train = FrameFolderDataset.builder(trainAnn, root).segments(c.frames())
                .sampling(ClipSampling.TRAIN).transform(trainTransform).build();
        FrameFolderDataset val = FrameFolderDataset.builder(valAnn, root).segments(c.frames())
                .sampling(ClipSampling.VAL).transform(valTransform).build();
        return new RunData(train, val, VideoViews.of(val, c.seed()));
    }

    private static VideoAnnotations annotations(String kind, Path root, DatasetSplit split) {
        return switch (kind) {
            case "something-v1" -> TwentyBnCsv.SOMETHING_V1.load(root, split);
            case "something-v2" -> SomethingV2Json.load(root, split);
            case "jester" -> TwentyBnCsv.JESTER.load(root, split);
            case "egogesture" -> EgoGesture.load(root, split);
            default -> throw new IllegalArgumentException("unknown dataset.kind '" + kind + "'; use synthetic, something-v1, something-v2, jester or egogesture");
        };
    }
}
