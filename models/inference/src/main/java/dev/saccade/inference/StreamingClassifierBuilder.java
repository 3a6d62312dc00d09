package dev.saccade.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saccade.data.io.ClassNames;
import dev.saccade.kernels.cpu.VectorModule;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.models.tsn.TsnCheckpoint;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Builds a {@link StreamingClassifier}. Required: the weights ({@link #weights} for a checkpoint file, {@link #run}
 * for a {@code saccade train} run folder) or, for tests and benchmarks, {@link #randomWeights}; the model id unless
 * a run folder states it. The classes K come from the run's config or the checkpoint's classifier when not given.
 * The model is built with one frame per forward and the uni-directional shift ({@code tsm.online=true}).
 *
 * <pre>{@code
 * StreamingClassifier clf = StreamingClassifier.builder().run(Path.of("runs/jester-online")).top(3).build();
 * }</pre>
 */
public final class StreamingClassifierBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private String model;
    private Path weights, run, labelsFile;
    private List<String> labelNames;
    private Integer classes, inputSize;
    private Long randomSeed;
    private int top = 5;
    private final Map<String, String> options = new LinkedHashMap<>();

    StreamingClassifierBuilder() {}

    /** The model id: one of {@link StreamingClassifier#MODELS}. */
    public StreamingClassifierBuilder model(String id) { this.model = id; return this; }

    /**
     * A checkpoint: {@code .safetensors} (a saccade run's {@code best}/{@code last} or a saved model), an official
     * TSM {@code .pth}/{@code .pth.tar}, or the TSM online demo's {@code mobilenetv2_jester_online.pth.tar}
     * (PyTorch files in the zip format of torch ≥ 1.6; the reader names the fix for an older file: re-save it).
     */
    public StreamingClassifierBuilder weights(Path file) { this.weights = file; return this; }

    /**
     * A {@code saccade train} run folder: model id, classes, input size and model options from its
     * {@code config.json} (trained with {@code modelOptions.tsm.online=true}), weights from {@code best.safetensors}
     * (or {@code last.safetensors}).
     */
    public StreamingClassifierBuilder run(Path folder) { this.run = folder; return this; }

    /** No checkpoint: weights initialised from {@code seed} (benchmarks and tests; the predictions mean nothing). */
    public StreamingClassifierBuilder randomWeights(long seed) { this.randomSeed = seed; return this; }

    /** The classes K of the checkpoint's classifier (read from the run or the checkpoint when not given). */
    public StreamingClassifierBuilder classes(int k) {
        if (k < 1) throw new InferenceException("classes must be ≥ 1, got " + k);
        this.classes = k;
        return this;
    }

    /** Class names, one per line (line k names class k). */
    public StreamingClassifierBuilder labels(Path file) { this.labelsFile = file; return this; }

    /** Class names, index k naming class k. */
    public StreamingClassifierBuilder labels(List<String> names) { this.labelNames = List.copyOf(names); return this; }

    /** The square crop fed to the network (default 224, or the run's); at least 32. */
    public StreamingClassifierBuilder inputSize(int size) {
        if (size < 32) throw new InferenceException("input size must be ≥ 32, got " + size);
        this.inputSize = size;
        return this;
    }

    /** How many classes each push returns (default 5). */
    public StreamingClassifierBuilder top(int k) {
        if (k < 1) throw new InferenceException("top must be ≥ 1, got " + k);
        this.top = k;
        return this;
    }

    /** A model option of the registry (e.g. {@code resnet.width}); {@code tsm.online} is always true here. */
    public StreamingClassifierBuilder option(String key, String value) { options.put(key, value); return this; }

    /** Builds the model and loads the weights; bad settings or files throw {@link InferenceException} naming them. */
    public StreamingClassifier build() {
        VectorModule.require("StreamingClassifier");
        Map<String, String> opts = new LinkedHashMap<>();
        Path checkpoint = weights;
        String id = model;
        Integer k = classes, size = inputSize;
        if (run != null) {
            Path file = run.resolve(CONFIG_JSON);
            JsonNode config = runConfig(run, file);
            if (id == null) id = text(config, "model");
            if (k == null && config.hasNonNull("classes")) k = config.get("classes").asInt();
            if (size == null && config.hasNonNull("inputSize")) size = config.get("inputSize").asInt();
            JsonNode mo = config.get("modelOptions");
            if (mo != null && mo.isObject()) mo.properties().forEach(e -> opts.put(e.getKey(), e.getValue().asText()));
            if (!"true".equals(opts.get(ModelRegistry.ONLINE))) {
                throw new InferenceException(file + ": the run trained " + id + " with the bi-directional shift, which reads future"
                        + " frames; stream a model trained with --set modelOptions." + ModelRegistry.ONLINE + "=true");
            }
            if (checkpoint == null) checkpoint = runWeights(run);
        }
        if (id == null) throw new InferenceException("no model: call model(...) with one of " + StreamingClassifier.MODELS + " or run(folder)");
        if (!StreamingClassifier.MODELS.contains(id)) {
            throw new InferenceException("model " + id + ": StreamingClassifier streams " + StreamingClassifier.MODELS
                    + " (other temporal modules read the whole clip)");
        }
        if (checkpoint == null && randomSeed == null) throw new InferenceException("no weights: call weights(file), run(folder) or randomWeights(seed)");
        Map<String, Tensor> tensors = checkpoint == null ? null : read(checkpoint);
        if (k == null && tensors != null) {
            OptionalInt found = TsnCheckpoint.classes(tensors);
            if (found.isEmpty()) found = bareClassifierRows(tensors);
            if (found.isEmpty()) {
                throw new InferenceException(checkpoint + ": holds no new_fc.weight, fc.weight or classifier.weight to read the classes from; call classes(K)");
            }
            k = found.getAsInt();
        }
        if (k == null) throw new InferenceException("no classes: classes(K) is needed with random weights");
        opts.putAll(options);
        opts.put(ModelRegistry.ONLINE, "true");
        int s = size == null ? 224 : size;
        Tsn net;
        try {
            net = ModelRegistry.standard().create(new ModelConfig(id, 1, k, s, 0.5, randomSeed == null ? 0 : randomSeed, opts));
        } catch (IllegalArgumentException e) {
            throw new InferenceException("model " + id + ": " + e.getMessage(), e);
        }
        if (tensors != null) {
            try {
                TsnCheckpoint.load(net, tensors, checkpoint);
            } catch (RuntimeException e) {
                String m = e.getMessage() == null ? e.toString() : e.getMessage();
                throw new InferenceException(m.contains(checkpoint.toString()) ? m : checkpoint + ": " + m, e);
            }
        }
        List<String> names = labelNames;
        if (labelsFile != null) {
            try {
                names = ClassNames.read(labelsFile, k);
            } catch (RuntimeException e) {
                String m = e.getMessage() == null ? e.toString() : e.getMessage();
                throw new InferenceException(m.contains(labelsFile.toString()) ? m : labelsFile + ": " + m, e);
            }
        }
        if (names != null && names.size() != k) throw new InferenceException("labels: " + names.size() + " names for " + k + " classes");
        return new StreamingClassifier(id, net, names, s, top);
    }

    /**
     * The rows of a bare MobileNetV2's own {@code classifier.weight}: the TSM online demo's checkpoint keeps its
     * trained head there (27 Jester classes). {@link TsnCheckpoint#classes} leaves that name alone, since an ImageNet
     * backbone file has the same layout; a streaming model is what this builder makes, so the head is taken here.
     */
    private static OptionalInt bareClassifierRows(Map<String, Tensor> tensors) {
        Tensor w = tensors.get("classifier.weight");
        boolean bare = tensors.keySet().stream().anyMatch(k -> k.startsWith("features."));
        return bare && w != null && w.rank() == 2 ? OptionalInt.of(w.dim(0)) : OptionalInt.empty();
    }

    private static Map<String, Tensor> read(Path checkpoint) {
        if (!Files.isRegularFile(checkpoint)) throw new InferenceException(checkpoint + ": no such checkpoint file (.safetensors, .pth or .pth.tar)");
        try {
            return TsnCheckpoint.read(checkpoint);
        } catch (IOException | RuntimeException e) {
            throw new InferenceException(checkpoint + ": cannot read the checkpoint (" + e.getMessage() + ")", e);
        }
    }

    private static JsonNode runConfig(Path folder, Path file) {
        if (!Files.isRegularFile(file)) throw new InferenceException(folder + ": not a saccade run folder (no " + CONFIG_JSON + ")");
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new InferenceException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    private static String text(JsonNode config, String field) {
        JsonNode v = config.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Path runWeights(Path folder) {
        for (String name : new String[] {"best.safetensors", "last.safetensors"}) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new InferenceException(folder + ": the run folder has neither best.safetensors nor last.safetensors");
    }

    private static final String CONFIG_JSON = "config.json";
}
