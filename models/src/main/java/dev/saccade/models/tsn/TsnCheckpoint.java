package dev.saccade.models.tsn;

import dev.saccade.nn.io.PthReader;
import dev.saccade.nn.io.RawArray;
import dev.saccade.nn.io.SafeTensors;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads an official TSN/TSM checkpoint ({@code .pth}, {@code .pth.tar}) or a {@code .safetensors} file into a
 * {@link Tsn}, renaming keys with {@link OfficialKeys}. Strict: a model entry the file lacks, or a file entry that
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
        Map<String, RawArray> raw = name.endsWith(".safetensors") ? SafeTensors.read(file) : PthReader.readStateDict(file);
        OfficialKeys.Result<RawArray> r = OfficialKeys.map(raw, model.stateDict().keySet());
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (var e : r.mapped().entrySet()) values.put(e.getKey(), toTensor(e.getValue()));
        var missing = new java.util.ArrayList<String>();
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

    /** A host tensor with the array's shape: floating types as F32, integer types as I64. */
    static Tensor toTensor(RawArray a) {
        return a.dtype().isFloatingPoint()
                ? Tensor.of(a.toFloats(), a.shape())
                : Tensor.of(a.toLongs(), a.shape());
    }
}
