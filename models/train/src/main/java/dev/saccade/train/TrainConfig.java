package dev.saccade.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.saccade.models.registry.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a training run is made of, serialisable to and from JSON (the run folder's {@code config.json}).
 * Start from a named preset ({@link Presets}) and override fields with {@link ConfigOverrides}.
 *
 * <pre>{@code
 * TrainConfig c = ConfigOverrides.apply(Presets.get("tsm-something"), List.of("epochs=5", "dataset.root=/data/ssv2"));
 * c.writeTo(runDir.resolve("config.json"));
 * TrainConfig back = TrainConfig.read(runDir.resolve("config.json"));
 * }</pre>
 *
 * @param preset            the preset it started from (informative)
 * @param model             model id, {@code <modules>-<backbone>}, e.g. {@code tsm-resnet50}
 * @param frames            T, frames (segments) per clip
 * @param classes           K
 * @param inputSize         crop size fed to the network
 * @param dataset           where the clips come from
 * @param batchSize         clips per optimiser micro-batch
 * @param epochs            epochs to train
 * @param lr                base learning rate
 * @param lrSteps           epochs at which the learning rate is multiplied by 0.1 (empty with {@code cosine})
 * @param lrSchedule        {@code step} (TSM convention: {@code lr·0.1^(#steps ≤ epoch)}), {@code step-late}
 *                          (ACTION-Net: the decay after epoch e lands in epoch e + 1) or {@code cosine}
 * @param weightDecay       L2 weight decay
 * @param momentum          SGD momentum
 * @param dropout           dropout before the new fc
 * @param clipNorm          global gradient L2-norm clip ({@code --gd}); 0 turns clipping off
 * @param gradAccumulation  micro-batches per optimiser step ({@code --n_batch_multiplier})
 * @param fcLr5             TSN optimiser policy: new fc weight lr ×5, bias ×10 (and the bias/BN groups)
 * @param seed              seed of initialisation, data order, augmentation and dropout
 * @param workers           data-loading threads
 * @param evalProtocol      test protocol of {@code saccade eval}: {@code 1x1}, {@code 3x2}, {@code 10x3} or {@code 10x1}
 * @param device            {@code auto}, {@code cpu} or {@code cuda}
 * @param mfrStage          W3 MFR stage: 0 (off), 1 (train the teacher) or 2 (distil from {@code mfrTeacher})
 * @param mfrTeacher        stage 2: the teacher's weights (a run folder or a safetensors checkpoint)
 * @param mfrLambda         stage 2: λ of the feature regulariser
 * @param modelOptions      model switches handed to the registry (e.g. {@code resnet.width}, {@code w3.afr});
 *                          set one with {@code modelOptions.resnet.width=16}
 */
public record TrainConfig(String preset, String model, int frames, int classes, int inputSize, DatasetConfig dataset,
                          int batchSize, int epochs, double lr, List<Integer> lrSteps, String lrSchedule,
                          double weightDecay, double momentum, double dropout, double clipNorm, int gradAccumulation,
                          boolean fcLr5, long seed, int workers, String evalProtocol, String device,
                          int mfrStage, String mfrTeacher, double mfrLambda, Map<String, String> modelOptions) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainConfig {
        lrSteps = lrSteps == null ? List.of() : List.copyOf(lrSteps);
        if (model == null || model.isBlank()) throw new IllegalArgumentException("config field 'model' must be set, e.g. tsm-resnet50");
        if (dataset == null) throw new IllegalArgumentException("config field 'dataset' must be set");
        positive("frames", frames);
        positive("classes", classes);
        positive("inputSize", inputSize);
        positive("batchSize", batchSize);
        positive("epochs", epochs);
        positive("gradAccumulation", gradAccumulation);
        positive("workers", workers);
        if (!(lr > 0)) throw new IllegalArgumentException("config field 'lr' must be > 0, got " + lr);
        if (weightDecay < 0) throw new IllegalArgumentException("config field 'weightDecay' must be ≥ 0, got " + weightDecay);
        if (momentum < 0 || momentum >= 1) throw new IllegalArgumentException("config field 'momentum' must be in [0, 1), got " + momentum);
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("config field 'dropout' must be in [0, 1), got " + dropout);
        if (clipNorm < 0) throw new IllegalArgumentException("config field 'clipNorm' must be ≥ 0 (0 = off), got " + clipNorm);
        if (lrSchedule == null) lrSchedule = "step";
        if (!List.of("step", "step-late", "cosine").contains(lrSchedule)) {
            throw new IllegalArgumentException("config field 'lrSchedule' must be step, step-late or cosine, got '" + lrSchedule + "'");
        }
        if (evalProtocol == null) evalProtocol = "1x1";
        if (device == null) device = "auto";
        if (mfrStage < 0 || mfrStage > 2) throw new IllegalArgumentException("config field 'mfrStage' must be 0, 1 or 2, got " + mfrStage);
        if (mfrStage == 2 && (mfrTeacher == null || mfrTeacher.isBlank())) {
            throw new IllegalArgumentException("config field 'mfrTeacher' must name the stage-1 run or checkpoint when mfrStage = 2");
        }
    }

    private static void positive(String field, int v) {
        if (v <= 0) throw new IllegalArgumentException("config field '" + field + "' must be > 0, got " + v);
    }

    /** The model part of the config, for {@code ModelRegistry.create}. */
    public ModelConfig modelConfig() {
        return new ModelConfig(model, frames, classes, inputSize, dropout, seed, modelOptions == null ? Map.of() : modelOptions);
    }

    /** Pretty-printed JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON written by {@link #toJson()}; unknown or ill-typed fields are errors naming the field. */
    public static TrainConfig fromJson(String json) {
        try {
            return JSON.readValue(json, TrainConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String why = root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException("invalid training config: " + why, e);
        }
    }

    /** Reads a {@code config.json}. */
    public static TrainConfig read(Path file) throws IOException {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes this config as JSON, atomically. */
    public void writeTo(Path file) throws IOException {
        byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
        dev.saccade.nn.io.AtomicFiles.write(file, ch -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** The tree form used by {@link ConfigOverrides}. */
    static ObjectMapper mapper() { return JSON; }
}
