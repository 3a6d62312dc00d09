package dev.saccade.cli;

import dev.saccade.data.RgbFrame;
import dev.saccade.data.io.FfmpegFrames;
import dev.saccade.data.io.FrameFolderClip;
import dev.saccade.data.io.FrameReader;
import dev.saccade.inference.Prediction;
import dev.saccade.inference.StreamingClassifier;
import dev.saccade.inference.StreamingClassifierBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code saccade stream}: TSM's online mode over a video or a frame folder, one frame at a time
 * ({@link StreamingClassifier}). Prints, per frame, its index, the time the push took (preprocessing and the
 * one-frame forward; decoding excluded) and the top classes after it; then the median and mean latency. A video is
 * decoded to a temporary folder by {@link FfmpegFrames} first; frames are read in file-name order.
 *
 * <pre>{@code
 * saccade stream --model tsm-mobilenetv2 --weights mobilenetv2_jester_online.pth.tar --input gesture.mp4 --labels jester.txt
 * }</pre>
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
         description = "Online TSM: classify a video or frame folder frame by frame (uni-directional shift, per-layer caches).")
public final class StreamCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model id: tsm-mobilenetv2, tsm-resnet18 or tsm-resnet50 (default: the run's)") String model;
    @Option(names = "--weights", description = "checkpoint (.pth, .pth.tar or .safetensors) trained with the uni-directional shift") Path weights;
    @Option(names = "--run", description = "a saccade train run folder (config.json and best.safetensors) instead of --weights") Path run;
    @Option(names = "--input", required = true, description = "a folder of JPEG/PNG frames or a video file (needs ffmpeg)") Path input;
    @Option(names = "--classes", description = "classes K (default: read from the checkpoint)") Integer classes;
    @Option(names = "--labels", description = "class names, one per line") Path labels;
    @Option(names = "--size", description = "crop size (default 224, or the run's)") Integer size;
    @Option(names = "--top", defaultValue = "1", description = "classes to print per frame (default ${DEFAULT-VALUE})") int top;

    /** The ffmpeg program used for video inputs. */
    String ffmpeg = "ffmpeg";

    @Override public Integer call() throws Exception {
        if (weights == null && run == null) throw new IllegalArgumentException("give --weights or --run");
        if (!Files.exists(input)) throw new IllegalArgumentException(input + ": no such file or folder (expected a frame folder or a video)");
        FfmpegFrames decoder = new FfmpegFrames(ffmpeg);
        if (!Files.isDirectory(input) && decoder.locate().isEmpty()) {
            decoder.withFrames(input, dir -> null);                  // fails now, naming what to install, before the model loads
        }
        StreamingClassifierBuilder b = StreamingClassifier.builder().top(top);
        if (model != null) b.model(model);
        if (weights != null) b.weights(weights);
        if (run != null) b.run(run);
        if (classes != null) b.classes(classes);
        if (labels != null) b.labels(labels);
        if (size != null) b.inputSize(size);
        try (StreamingClassifier clf = b.build()) {
            System.out.println("# " + clf + ", input " + input);
            double[] ms = Files.isDirectory(input) ? stream(clf, input) : decoder.withFrames(input, dir -> stream(clf, dir));
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "# %d frames: median %.1f ms, mean %.1f ms per frame (preprocessing + forward)%n",
                    ms.length, sorted[sorted.length / 2], Arrays.stream(ms).average().orElse(0));
        }
        return 0;
    }

    /** Pushes every frame of {@code dir}, printing one line each; returns the push latencies in ms. */
    private static double[] stream(StreamingClassifier clf, Path dir) {
        List<Path> files = FrameFolderClip.frameFiles(dir);
        double[] ms = new double[files.size()];
        for (int i = 0; i < files.size(); i++) {
            RgbFrame frame = FrameReader.read(files.get(i));
            long start = System.nanoTime();
            List<Prediction> p = clf.push(frame);
            ms[i] = (System.nanoTime() - start) / 1e6;
            System.out.printf(Locale.ROOT, "frame %d  %.1f ms  %s%n", i, ms[i], p.stream().map(Prediction::toString).collect(Collectors.joining("  ")));
        }
        return ms;
    }
}
