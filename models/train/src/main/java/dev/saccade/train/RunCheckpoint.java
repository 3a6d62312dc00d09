package dev.saccade.train;

import dev.saccade.nn.Module;
import dev.saccade.nn.checkpoint.Checkpoints;
import dev.saccade.nn.io.RawArray;
import dev.saccade.nn.io.SafeTensors;
import dev.saccade.nn.optim.Optimizer;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file: the model's state dict under {@code model.<name>}, the optimiser
 * state under {@code optim.<name>}, and in the metadata the number of completed epochs, the run seed (all randomness
 * is derived from (seed, epoch, step), so seed and epoch are the whole RNG state), the learning rate and the best
 * validation top-1 so far. The optimiser state is {@link Optimizer#state()} and is restored with
 * {@link Optimizer#loadState}. Written atomically (temporary file, fsync, {@code ATOMIC_MOVE}) by
 * {@link Checkpoints#saveSafetensors(Map, Path, Map)}: a crash leaves the previous checkpoint intact. Tensor types
 * follow {@link Checkpoints#toRaw} / {@link Checkpoints#toTensor}, so the round trip is exact.
 *
 * <pre>{@code
 * RunCheckpoint.save(run.resolve("last.safetensors"), model, optimizer, new RunCheckpoint.Meta(3, 0, 0.01, 41.5));
 * RunCheckpoint.Meta m = RunCheckpoint.load(run.resolve("last.safetensors"), model, optimizer);
 * }</pre>
 */
public final class RunCheckpoint {
    public static final String MODEL_PREFIX = dev.saccade.models.tsn.TsnCheckpoint.RUN_MODEL_PREFIX;
    public static final String OPTIM_PREFIX = dev.saccade.models.tsn.TsnCheckpoint.RUN_OPTIM_PREFIX;
    public static final String FORMAT = "saccade-train-checkpoint/1";

    private RunCheckpoint() {}

    /**
     * What the metadata records.
     *
     * @param epochsDone completed epochs (training resumes at this epoch index)
     * @param seed       run seed
     * @param lr         learning rate of the last completed epoch
     * @param bestTop1   best validation top-1 (%) so far
     */
    public record Meta(int epochsDone, long seed, double lr, double bestTop1) {}

    public static void save(Path file, Module model, Optimizer optimizer, Meta meta) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : model.stateDict().entrySet()) tensors.put(MODEL_PREFIX + e.getKey(), e.getValue());
        if (optimizer != null) {
            for (var e : optimizer.state().entrySet()) tensors.put(OPTIM_PREFIX + e.getKey(), e.getValue());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("epochs_done", Integer.toString(meta.epochsDone()));
        metadata.put("seed", Long.toString(meta.seed()));
        metadata.put("rng", "derived from (seed, epoch, step)");
        metadata.put("lr", Double.toString(meta.lr()));
        metadata.put("best_top1", Double.toString(meta.bestTop1()));
        Checkpoints.saveSafetensors(tensors, file, metadata);
    }

    /** Loads weights (strictly) and, when {@code optimizer} is not null, its state; returns the metadata. */
    public static Meta load(Path file, Module model, Optimizer optimizer) throws IOException {
        SafeTensors.Contents c = SafeTensors.readAll(file);
        Map<String, String> md = c.metadata();
        if (!FORMAT.equals(md.get("format"))) {
            throw new IllegalArgumentException(file + ": not a training checkpoint (metadata format is " + md.get("format") + ", expected " + FORMAT + ")");
        }
        model.loadStateDict(withPrefix(c.tensors(), MODEL_PREFIX), true);
        if (optimizer != null) optimizer.loadState(withPrefix(c.tensors(), OPTIM_PREFIX));
        try {
            return new Meta(Integer.parseInt(md.get("epochs_done")), Long.parseLong(md.get("seed")),
                    Double.parseDouble(md.get("lr")), Double.parseDouble(md.get("best_top1")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": unreadable checkpoint metadata " + md, e);
        }
    }

    /** The model weights of a checkpoint file (the {@code model.} entries, prefix removed), or of a plain weights file. */
    public static Map<String, Tensor> readWeights(Path file) throws IOException {
        Map<String, RawArray> raw = SafeTensors.read(file);
        boolean prefixed = raw.keySet().stream().anyMatch(k -> k.startsWith(MODEL_PREFIX));
        return prefixed ? withPrefix(raw, MODEL_PREFIX) : withPrefix(raw, "");
    }

    /** The entries whose name starts with {@code prefix}, prefix removed, as CPU tensors. */
    private static Map<String, Tensor> withPrefix(Map<String, RawArray> raw, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), Checkpoints.toTensor(e.getValue()));
        }
        return out;
    }
}
