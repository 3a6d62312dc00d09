package dev.saccade.models.tsn;

import dev.saccade.nn.checkpoint.Checkpoints;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads an official TSN/TSM checkpoint ({@code .pth}, {@code .pth.tar}) or a {@code .safetensors} file into a
 * {@link Tsn}, renaming keys with {@link OfficialKeys}. Files are read by {@link Checkpoints#loadPth} (which unwraps
 * {@code state_dict} and strips DataParallel's {@code module.}) and {@link Checkpoints#loadSafetensors}; tensors are
 * converted to the model's element types when copied in. Strict: a model entry the file lacks, or a file entry that
 * maps to nothing, is an error naming them.
 *
 * <pre>{@code
 * TsnCheckpoint.load(model, Path.of("TSM_somethingv2_RGB_resnet50_shift8_blockres_avg_segment8_e45.pth"));
 * }</pre>
 */
public final class TsnCheckpoint {
    private TsnCheckpoint() {}

    /** Reads {@code file} and copies its tensors into {@code model}; returns the number of entries loaded. */
    public static int load(Tsn model, Path file) throws IOException {
        String name = file.getFileName().toString();
        Map<String, Tensor> tensors = name.endsWith(".safetensors") ? Checkpoints.loadSafetensors(file) : Checkpoints.loadPth(file);
        OfficialKeys.Result<Tensor> r = OfficialKeys.map(tensors, model.stateDict().keySet());
        Map<String, Tensor> values = r.mapped();
        List<String> missing = new ArrayList<>();
        for (String k : model.stateDict().keySet()) if (!values.containsKey(k)) missing.add(k);
        if (!r.unmatched().isEmpty() || !missing.isEmpty()) {
            throw new IllegalArgumentException(file + " does not match the model " + model.describe() + ": file entries with no model entry "
                    + r.unmatched() + ", model entries missing from the file " + missing
                    + " (check the model id, frames and classes)");
        }
        try {
            model.loadStateDict(values, true);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return values.size();
    }
}
