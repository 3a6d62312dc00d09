package dev.saccade.nn.checkpoint;

import dev.saccade.nn.Module;
import dev.saccade.nn.io.ArrayDType;
import dev.saccade.nn.io.PthReader;
import dev.saccade.nn.io.RawArray;
import dev.saccade.nn.io.SafeTensors;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bridge between modules/tensors and checkpoint files ({@link RawArray} in {@code dev.saccade.nn.io}).
 *
 * <p>Element types, file → tensor ({@link #toTensor}): F32 and F64 are kept; F16 and BF16 are widened to F32 (exact);
 * I32 and I64 are kept; I8, U8, I16 and BOOL become I64 (PyTorch's default integer type, what index and counter
 * tensors use; BOOL as 0/1). Tensor → file ({@link #toRaw}): the tensor's own type (F32, F64, I32, I64), so a
 * save/load round trip is exact.
 *
 * <pre>{@code
 * Checkpoints.saveSafetensors(model, Path.of("ckpt.safetensors"), Map.of("epoch", "12"));
 * Map<String, Tensor> official = Checkpoints.loadPth(Path.of("TSM_kinetics_RGB_resnet50.pth"));
 * Checkpoints.loadInto(model, official, KeyMapping.replacePrefix("base_model.", "backbone."), true);
 * }</pre>
 */
public final class Checkpoints {
    /** How many names of each kind a mismatch error lists. */
    static final int LISTED = 8;

    private Checkpoints() {}

    // ------------------------------------------------------------------ files

    /** Writes {@code model.stateDict()} (parameters and buffers) to a safetensors file, atomically. */
    public static void saveSafetensors(Module model, Path file, Map<String, String> metadata) throws IOException {
        saveSafetensors(model.stateDict(), file, metadata);
    }

    /** Writes tensors to a safetensors file, atomically (nothing half-written is left when it fails). */
    public static void saveSafetensors(Map<String, Tensor> tensors, Path file, Map<String, String> metadata) throws IOException {
        Map<String, RawArray> raw = new LinkedHashMap<>();
        for (var e : tensors.entrySet()) raw.put(e.getKey(), toRaw(e.getValue()));
        SafeTensors.write(file, raw, metadata);
    }

    /** The tensors of a safetensors file, in header order, on the CPU. */
    public static Map<String, Tensor> loadSafetensors(Path file) throws IOException {
        return toTensors(SafeTensors.read(file));
    }

    /**
     * The state dict of a PyTorch {@code .pth}: unwraps {@code {'state_dict': …}} / {@code {'model': …}} training
     * checkpoints and strips the {@code module.} prefix that {@code nn.DataParallel} adds.
     */
    public static Map<String, Tensor> loadPth(Path file) throws IOException {
        return toTensors(PthReader.stripPrefix(PthReader.readStateDict(file), "module."));
    }

    private static Map<String, Tensor> toTensors(Map<String, RawArray> raw) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : raw.entrySet()) out.put(e.getKey(), toTensor(e.getValue()));
        return out;
    }

    // ------------------------------------------------------------------ conversions

    /** A CPU tensor holding {@code a}'s elements (types as in the class comment). */
    public static Tensor toTensor(RawArray a) {
        int[] shape = a.shape();
        return switch (a.dtype()) {
            case F32, F16, BF16 -> Tensor.of(a.toFloats(), shape);
            case F64 -> Tensor.of(a.toDoubles(), shape);
            case I32 -> {
                int[] ints = new int[(int) a.numel()];
                a.data().asIntBuffer().get(ints);
                yield Tensor.of(ints, shape);
            }
            case I64, I8, U8, I16, BOOL -> Tensor.of(a.toLongs(), shape);
        };
    }

    /** The elements of {@code t} (any layout or device) as a C-ordered array of the same type. */
    public static RawArray toRaw(Tensor t) {
        int[] shape = t.shape().toArray();
        HostStorage h = t.detach().toHost();
        return switch (t.dtype()) {
            case F32 -> RawArray.ofFloats(h.floats(), shape);
            case F64 -> RawArray.ofDoubles(h.doubles(), shape);
            case I32 -> RawArray.ofInts(h.ints(), shape);
            case I64 -> RawArray.ofLongs(h.longs(), shape);
        };
    }

    // ------------------------------------------------------------------ loading into a module

    /** Which names did not match, after renaming. */
    public record LoadReport(List<String> missing, List<String> unexpected) {
        public LoadReport { missing = List.copyOf(missing); unexpected = List.copyOf(unexpected); }
        public boolean exact() { return missing.isEmpty() && unexpected.isEmpty(); }
    }

    /**
     * Copies {@code values} (renamed by {@code mapping}; entries mapped to null are dropped) into {@code model}'s
     * parameters and buffers. With {@code strict}, any module entry without a value or value without a module entry
     * is an error listing the first {@value #LISTED} of each and their counts; otherwise they are returned. A shape
     * mismatch is always an error naming the entry.
     */
    public static LoadReport loadInto(Module model, Map<String, Tensor> values, KeyMapping mapping, boolean strict) {
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (var e : values.entrySet()) {
            String name = mapping.map(e.getKey());
            if (name == null) continue;
            String previous = origin.put(name, e.getKey());
            if (previous != null) {
                throw new IllegalArgumentException("key mapping sends both '" + previous + "' and '" + e.getKey() + "' to '" + name + "'");
            }
            renamed.put(name, e.getValue());
        }
        Map<String, Tensor> own = model.stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String k : own.keySet()) if (!renamed.containsKey(k)) missing.add(k);
        for (String k : renamed.keySet()) {
            if (!own.containsKey(k)) unexpected.add(origin.get(k).equals(k) ? k : k + " (from " + origin.get(k) + ")");
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new IllegalArgumentException("checkpoint does not match " + model.getClass().getSimpleName() + " ("
                    + own.size() + " entries in the module, " + renamed.size() + " in the checkpoint after renaming): "
                    + summary("missing", missing) + "; " + summary("unexpected", unexpected));
        }
        renamed.keySet().retainAll(own.keySet());
        model.loadStateDict(renamed, false);
        return new LoadReport(missing, unexpected);
    }

    private static String summary(String what, List<String> names) {
        if (names.isEmpty()) return "0 " + what;
        List<String> first = names.subList(0, Math.min(LISTED, names.size()));
        return names.size() + " " + what + " " + first + (names.size() > LISTED ? " and " + (names.size() - LISTED) + " more" : "");
    }
}
