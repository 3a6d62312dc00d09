package dev.saccade.models.tsn;

import dev.saccade.nn.checkpoint.Checkpoints;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads an official TSN/TSM checkpoint ({@code .pth}, {@code .pth.tar}) or a {@code .safetensors} file into a
 * {@link Tsn}, renaming keys with {@link OfficialKeys}. Files are read by {@link Checkpoints#loadPth} (which unwraps
 * {@code state_dict} and strips DataParallel's {@code module.}) and {@link Checkpoints#loadSafetensors}; tensors are
 * converted to the model's element types when copied in. A saccade run checkpoint ({@code last}/{@code best}
 * .safetensors of {@code saccade train}: weights under {@code model.}, optimizer state under {@code optim.}) loads
 * its {@code model.} entries. Strict: a model entry the file lacks, or a file entry that maps to nothing, is an error
 * naming the first of them and how many there are.
 *
 * <pre>{@code
 * TsnCheckpoint.load(model, Path.of("TSM_somethingv2_RGB_resnet50_shift8_blockres_avg_segment8_e45.pth"));
 * }</pre>
 */
public final class TsnCheckpoint {
    private TsnCheckpoint() {}

    /** Reads {@code file} and copies its tensors into {@code model}; returns the number of entries loaded. */
    public static int load(Tsn model, Path file) throws IOException {
        return load(model, file, read(file));
    }

    /**
     * The model weights held by {@code file}: a {@code .pth}/{@code .pth.tar} state dict ({@code state_dict}
     * unwrapped, {@code module.} stripped), a {@code .safetensors} file, or the {@code model.} entries of a saccade
     * run checkpoint. Keys are still the file's (see {@link OfficialKeys}); read once, then {@link #classes} and
     * {@link #load(Tsn, Path, Map)}.
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        String name = file.getFileName().toString();
        Map<String, Tensor> tensors = name.endsWith(".safetensors") ? Checkpoints.loadSafetensors(file) : Checkpoints.loadPth(file);
        return runCheckpointWeights(tensors);
    }

    /**
     * The number of classes K of the checkpoint's classifier: rows of {@code new_fc.weight} (K, C), the layer the
     * official TSN/TSM/ACTION-Net code and saccade put after pooling. {@code tensors} come from {@link #read}
     * ({@code file} only names it in errors). A file without that entry (backbone-only ImageNet weights, or
     * weights of another model family) is an error naming the file and its first entries.
     */
    public static int classes(Map<String, Tensor> tensors, Path file) {
        Tensor w = tensors.get(CLASSIFIER_WEIGHT);
        if (w == null) {
            throw new IllegalArgumentException(file + " has no " + CLASSIFIER_WEIGHT + " entry to read the number of classes from"
                    + " (its entries: " + firstFew(tensors.keySet()) + ")");
        }
        if (w.shape().rank() != 2 || w.shape().dim(0) < 1) {
            throw new IllegalArgumentException(file + ": " + CLASSIFIER_WEIGHT + " has shape " + w.shape()
                    + ", expected (classes, channels)");
        }
        return w.shape().dim(0);
    }

    /** Copies {@code tensors} (read from {@code file} by {@link #read}) into {@code model}; returns the number loaded. */
    public static int load(Tsn model, Path file, Map<String, Tensor> tensors) {
        OfficialKeys.Result<Tensor> r = OfficialKeys.map(tensors, model.stateDict().keySet());
        Map<String, Tensor> values = r.mapped();
        List<String> missing = new ArrayList<>();
        for (String k : model.stateDict().keySet()) if (!values.containsKey(k)) missing.add(k);
        if (!r.unmatched().isEmpty() || !missing.isEmpty()) {
            throw new IllegalArgumentException(file + " does not match the model " + model.describe() + ": file entries with no model entry "
                    + firstFew(r.unmatched()) + ", model entries missing from the file " + firstFew(missing)
                    + " (check the model id, its options and the classes)");
        }
        try {
            model.loadStateDict(values, true);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return values.size();
    }

    /** The {@code model.} entries of a saccade run checkpoint, prefix removed; any other file unchanged. */
    static Map<String, Tensor> runCheckpointWeights(Map<String, Tensor> tensors) {
        boolean run = tensors.keySet().stream().anyMatch(k -> k.startsWith(RUN_MODEL_PREFIX))
                && tensors.keySet().stream().allMatch(k -> k.startsWith(RUN_MODEL_PREFIX) || k.startsWith(RUN_OPTIM_PREFIX));
        if (!run) return tensors;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : tensors.entrySet()) {
            if (e.getKey().startsWith(RUN_MODEL_PREFIX)) out.put(e.getKey().substring(RUN_MODEL_PREFIX.length()), e.getValue());
        }
        return out;
    }

    /** Up to eight names and the count, so that a mismatch message stays readable. */
    static String firstFew(java.util.Collection<String> names) {
        List<String> list = new ArrayList<>(names);
        if (list.size() <= 8) return list.toString();
        return list.subList(0, 8) + " … (" + list.size() + " in all)";
    }

    /** The classifier's weight (K, C) in a TSN-family state dict. */
    public static final String CLASSIFIER_WEIGHT = "new_fc.weight";

    /** Prefixes of a saccade run checkpoint ({@code dev.saccade.train.RunCheckpoint}). */
    public static final String RUN_MODEL_PREFIX = "model.", RUN_OPTIM_PREFIX = "optim.";
}
