package dev.saccade.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saccade.data.io.ClassNames;
import dev.saccade.data.io.FfmpegFrames;
import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.kernels.cpu.VectorModule;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.models.tsn.TsnCheckpoint;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Configures a {@link VideoClassifier}. The model comes from a model id and a checkpoint
 * ({@link #model} + {@link #weights}) or from a {@code saccade train} run folder ({@link #run}, which states the
 * model, frames, classes, input size and options itself). Unset values: frames 8, input size 224, classes read from
 * the checkpoint's classifier, labels the class indices, all of saccade's CPU threads.
 *
 * <pre>{@code
 * VideoClassifier clf = VideoClassifier.builder().run(Path.of("runs/tsm")).labels(Path.of("classes.txt")).build();
 * }</pre>
 */
public final class VideoClassifierBuilder {
    /** The run folder's files, as {@code saccade train} writes them. */
    static final String CONFIG_JSON = "config.json", BEST = "best.safetensors", LAST = "last.safetensors";

    private String model;
    private Integer frames, classes, inputSize;
    private Path weights, run, labels;
    private int threads = CpuThreads.threads();
    private String ffmpeg = "ffmpeg";
    private final Map<String, String> options = new LinkedHashMap<>();

    VideoClassifierBuilder() {}

    /** The model id, e.g. {@code tsm-resnet50} ({@code saccade models} lists them). */
    public VideoClassifierBuilder model(String id) { this.model = id; return this; }

    /** Frames T per clip (default 8, or the run's). */
    public VideoClassifierBuilder frames(int t) { this.frames = positive("frames", t); return this; }

    /** Classes K (default: the rows of the checkpoint's classifier weight). */
    public VideoClassifierBuilder classes(int k) { this.classes = positive("classes", k); return this; }

    /** The checkpoint: official {@code .pth}/{@code .pth.tar}, or {@code .safetensors} (saccade's own included). */
    public VideoClassifierBuilder weights(Path file) { this.weights = file; return this; }

    /** A {@code saccade train} run folder: its {@code config.json} and best (else last) weights. */
    public VideoClassifierBuilder run(Path folder) { this.run = folder; return this; }

    /** Class names, one per line, line k naming class k. */
    public VideoClassifierBuilder labels(Path file) { this.labels = file; return this; }

    /** Crop size S of the preprocessed frames (default 224, or the run's). */
    public VideoClassifierBuilder inputSize(int s) {
        if (s < 32 || s > 4096) throw new IllegalArgumentException("inputSize must be in [32, 4096], got " + s);
        this.inputSize = s;
        return this;
    }

    /** At most this many CPU threads per forward (default: all of saccade's, {@code -Dsaccade.threads}). */
    public VideoClassifierBuilder threads(int n) { this.threads = positive("threads", n); return this; }

    /** A model switch, as {@code --set modelOptions.KEY=VALUE} of the CLI (e.g. {@code resnet.width}). */
    public VideoClassifierBuilder option(String key, String value) { options.put(key, value); return this; }

    /**
     * Where the model runs. The CPU (the default) is the only device offered: the CUDA backend has not yet been
     * verified on a GPU, and a CUDA device is refused with that reason.
     */
    public VideoClassifierBuilder device(Device d) {
        if (d.kind() != Device.Kind.CPU) {
            throw new IllegalArgumentException("device " + d + ": VideoClassifier runs on the CPU until the CUDA backend has been verified on a GPU");
        }
        return this;
    }

    /** The ffmpeg program used for video files: a name on {@code PATH} (the default, {@code ffmpeg}) or a path. */
    public VideoClassifierBuilder ffmpeg(String command) { this.ffmpeg = command; return this; }

    /** Builds the model and loads the weights; bad settings or files throw {@link InferenceException}. */
    public VideoClassifier build() {
        VectorModule.require("VideoClassifier");
        if (run != null) readRun();
        if (model == null) throw new InferenceException("no model: call model(\"tsm-resnet50\") or run(folder)");
        if (weights == null) throw new InferenceException("no weights: call weights(file) or run(folder)");
        if (!Files.isRegularFile(weights)) throw new InferenceException(weights + ": no such checkpoint file");
        Map<String, Tensor> tensors;
        try {
            tensors = TsnCheckpoint.read(weights);
        } catch (IOException | RuntimeException e) {
            throw new InferenceException(weights + ": cannot read the checkpoint (" + e.getMessage() + ")", e);
        }
        int k;
        if (classes != null) {
            k = classes;
        } else {
            OptionalInt found = TsnCheckpoint.classes(tensors);
            if (found.isEmpty()) throw new InferenceException(weights + ": holds no new_fc.weight or fc.weight to read the classes from; call classes(K)");
            k = found.getAsInt();
        }
        int t = frames == null ? 8 : frames, s = inputSize == null ? 224 : inputSize;
        Tsn net;
        try {
            net = ModelRegistry.standard().create(new ModelConfig(model, t, k, s, 0.5, 0, options));
        } catch (IllegalArgumentException e) {
            throw new InferenceException("model " + model + ": " + e.getMessage(), e);
        }
        try {
            TsnCheckpoint.load(net, tensors, weights);
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new InferenceException(m.contains(weights.toString()) ? m : weights + ": " + m, e);
        }
        net.eval();
        List<String> names = labels == null ? indices(k) : readLabels(k);
        return new VideoClassifier(net, model, t, k, s, threads, names, new FfmpegFrames(ffmpeg));
    }

    private void readRun() {
        Path config = run.resolve(CONFIG_JSON);
        if (!Files.isRegularFile(config)) throw new InferenceException(run + ": not a saccade run folder (no " + CONFIG_JSON + ")");
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(config.toFile());
        } catch (IOException e) {
            throw new InferenceException(config + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (model == null) model = text(config, c, "model");
        if (frames == null) frames = number(config, c, "frames");
        if (classes == null) classes = number(config, c, "classes");
        if (inputSize == null) inputSize = number(config, c, "inputSize");
        JsonNode opts = c.get("modelOptions");
        if (opts != null && opts.isObject()) opts.properties().forEach(e -> options.putIfAbsent(e.getKey(), e.getValue().asText()));
        if (weights == null) {
            Path best = run.resolve(BEST), last = run.resolve(LAST);
            weights = Files.isRegularFile(best) ? best : last;
            if (!Files.isRegularFile(weights)) throw new InferenceException(run + ": the run folder has neither " + BEST + " nor " + LAST);
        }
    }

    private static String text(Path file, JsonNode c, String field) {
        JsonNode v = c.get(field);
        if (v == null || !v.isTextual()) throw new InferenceException(file + ": field \"" + field + "\" is missing or not text");
        return v.asText();
    }

    private static int number(Path file, JsonNode c, String field) {
        JsonNode v = c.get(field);
        if (v == null || !v.canConvertToInt() || v.asInt() < 1) throw new InferenceException(file + ": field \"" + field + "\" is missing or not a positive integer");
        return v.asInt();
    }

    private List<String> readLabels(int k) {
        try {
            return List.copyOf(ClassNames.read(labels, k));
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new InferenceException(m.contains(labels.toString()) ? m : labels + ": " + m, e);
        }
    }

    private static List<String> indices(int k) {
        List<String> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) out.add(Integer.toString(i));
        return List.copyOf(out);
    }

    private static int positive(String what, int v) {
        if (v < 1) throw new IllegalArgumentException(what + " must be ≥ 1, got " + v);
        return v;
    }
}
