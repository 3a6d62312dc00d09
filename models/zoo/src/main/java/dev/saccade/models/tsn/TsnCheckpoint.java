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
 * its {@code model.} entries; the TSM online demo's bare MobileNetV2 state dict loads with its {@code classifier} as
 * {@code new_fc} ({@link OfficialKeys#map(java.util.Map, java.util.Set, int)}). Strict: a model entry the file lacks,
 * or a file entry that maps to nothing, is an error naming the first of them and how many there are.
 *
 * <pre>{@code
 * TsnCheckpoint.load(model, Path.of("TSM_somethingv2_RGB_resnet50_shift8_blockres_avg_segment8_e45.pth"));
 * }</pre>
 */
public final class TsnCheckpoint {
    private TsnCheckpoint() {}

    /** Reads {@code file} and copies its tensors into {@code model}; returns the number of entries loaded. */
    public static int load(Tsn model, Path file) throws IOException {
        return load(model, read(file), file);
    }

    /**
     * The weights of {@code file} by their names in the file: a {@code .safetensors} file or an official
     * {@code .pth}/{@code .pth.tar}; of a saccade run checkpoint only its {@code model.} entries, prefix removed.
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        String name = file.getFileName().toString();
        Map<String, Tensor> tensors = name.endsWith(".safetensors") ? Checkpoints.loadSafetensors(file) : Checkpoints.loadPth(file);
        return runCheckpointWeights(tensors);
    }

    /**
     * The number of classes K of the weights read by {@link #read}: the rows of the classifier's weight, the
     * {@code new_fc.weight} of TSN/TSM/ACTION-Net/M2A checkpoints (after any DataParallel or {@code base_model.}
     * prefix) or, failing that, a lone {@code fc.weight}. Empty when the file holds neither.
     */
    public static java.util.OptionalInt classes(Map<String, Tensor> weights) {
        for (String suffix : new String[] {"new_fc.weight", "fc.weight"}) {
            List<Tensor> found = new ArrayList<>();
            for (var e : weights.entrySet()) {
                String k = e.getKey();
                if ((k.equals(suffix) || k.endsWith("." + suffix)) && e.getValue().rank() == 2) found.add(e.getValue());
            }
            if (found.size() == 1) return java.util.OptionalInt.of(found.get(0).dim(0));
        }
        return java.util.OptionalInt.empty();
    }

    /** Copies {@code weights} (as {@link #read} gives them) into {@code model}; {@code file} names them in errors. */
    public static int load(Tsn model, Map<String, Tensor> weights, Path file) {
        Map<String, Tensor> tensors = weights;
        OfficialKeys.Result<Tensor> r = OfficialKeys.map(tensors, model.stateDict().keySet(), model.classes());
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

    /** Prefixes of a saccade run checkpoint ({@code dev.saccade.train.RunCheckpoint}). */
    public static final String RUN_MODEL_PREFIX = "model.", RUN_OPTIM_PREFIX = "optim.";
}
