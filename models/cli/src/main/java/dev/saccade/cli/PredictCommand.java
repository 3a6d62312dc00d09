package dev.saccade.cli;

import dev.saccade.data.io.ClassNames;
import dev.saccade.data.io.FfmpegFrames;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.models.tsn.TsnCheckpoint;
import dev.saccade.nn.checkpoint.Checkpoints;
import dev.saccade.nn.io.Npy;
import dev.saccade.nn.io.RawArray;
import dev.saccade.nn.io.SafeText;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code saccade predict}: loads an official or saccade checkpoint, runs a clip batch in evaluation mode and prints
 * the top classes (names with {@code --labels}); optionally writes the logits. The number of classes is read from
 * the checkpoint's classifier ({@code new_fc.weight}) unless {@code --classes} gives it. The input is a preprocessed float32
 * .npy (N, T, 3, H, W), ImageNet-normalised, or one clip from a folder of JPEG/PNG frames or a video file
 * ({@link PredictInput}).
 *
 * <pre>{@code
 * saccade predict --model tsm-resnet50 --weights tsm.pth --input clip.webm --labels category.txt
 * }</pre>
 */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Classify clips (preprocessed .npy, frame folders or videos) with a trained model.")
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model id, e.g. tsm-resnet50") String model;
    @Option(names = "--frames", defaultValue = "8", description = "frames T (default ${DEFAULT-VALUE})") int frames;
    @Option(names = "--classes", description = "classes K of the checkpoint's new_fc (default: read from the checkpoint)") Integer classes;
    @Option(names = "--weights", required = true, description = "checkpoint (.pth, .pth.tar or .safetensors)") Path weights;
    @Option(names = "--input", required = true,
            description = "float32 .npy of shape (N, T, 3, H, W), a folder of JPEG/PNG frames, or a video (needs ffmpeg)") Path input;
    @Option(names = "--size", defaultValue = "224",
            description = "crop size for frame folders and videos (default ${DEFAULT-VALUE})") int size;
    @Option(names = "--labels", description = "class names, one per line") Path labels;
    @Option(names = "--top", defaultValue = "5", description = "classes to print per clip (default ${DEFAULT-VALUE})") int top;
    @Option(names = "--dump-logits", description = "write the logits (N, K) as float32 .npy") Path dumpLogits;

    /** The ffmpeg program used for video inputs. */
    String ffmpeg = "ffmpeg";

    @Override public Integer call() throws Exception {
        if (size < 32 || size > ModelConfig.MAX_INPUT_SIZE) {
            throw new IllegalArgumentException("--size must be in [32, " + ModelConfig.MAX_INPUT_SIZE + "], got " + size);
        }
        if (frames < 1 || frames > ModelConfig.MAX_FRAMES) {
            throw new IllegalArgumentException("--frames must be in [1, " + ModelConfig.MAX_FRAMES + "], got " + frames);
        }
        // Cheap checks of the labels and the input come before the checkpoint is read.
        List<String> names = labels != null && this.classes != null ? ClassNames.read(labels, this.classes) : null;
        RawArray clip = PredictInput.load(input, frames, size, new FfmpegFrames(ffmpeg)); // (N, T, 3, H, W)
        Map<String, Tensor> state = TsnCheckpoint.read(weights);
        int classes = this.classes != null ? this.classes : classesOf(state);
        if (labels != null && names == null) names = ClassNames.read(labels, classes);
        int[] s = clip.shape();
        Tsn net = ModelRegistry.standard().create(ModelConfig.of(model, frames, classes, Math.max(32, s[3])));
        TsnCheckpoint.load(net, state, weights);
        net.eval();
        Tensor out;
        try (var g = GradMode.disable()) {
            out = net.forward(Checkpoints.toTensor(clip));                         // (N, K)
        }
        float[] logits = out.toFloatArray();
        for (float v : logits) {
            if (!Float.isFinite(v)) throw new IllegalStateException(weights + ": the model produced non-finite logits (check the weights)");
        }
        int n = s[0];
        for (int i = 0; i < n; i++) {
            float[] row = Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float v : row) max = Math.max(max, v);
            for (float v : row) sum += Math.exp(v - max);
            Integer[] order = new Integer[classes];
            for (int k = 0; k < classes; k++) order[k] = k;
            Arrays.sort(order, (a, b) -> Float.compare(row[b], row[a]));
            StringBuilder sb = new StringBuilder("clip " + i + ":");
            for (int k = 0; k < Math.min(top, classes); k++) {
                String name = names == null ? String.valueOf(order[k]) : SafeText.escape(names.get(order[k])); // file text
                sb.append(String.format(Locale.ROOT, "  %s (%.3f)", name, Math.exp(row[order[k]] - max) / sum));
            }
            System.out.println(sb);
        }
        if (dumpLogits != null) Npy.write(dumpLogits, Checkpoints.toRaw(out));
        return 0;
    }

    /** The classes the checkpoint's classifier states; without one, an error naming the file and asking for {@code --classes}. */
    private int classesOf(Map<String, Tensor> state) {
        return TsnCheckpoint.classes(state).orElseThrow(() -> new IllegalArgumentException(weights
                + " holds no new_fc.weight or fc.weight to read the number of classes from; give it with --classes"));
    }
}
