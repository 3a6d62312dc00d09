package dev.saccade.train;

import dev.saccade.nn.Module;
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
 * validation top-1 so far. Written atomically (temporary file, fsync, {@code ATOMIC_MOVE}) by
 * {@link SafeTensors#write}: a crash leaves the previous checkpoint intact.
 *
 * <pre>{@code
 * RunCheckpoint.save(run.resolve("last.safetensors"), model, optimizer, new RunCheckpoint.Meta(3, 0, 0.01, 41.5));
 * RunCheckpoint.Meta m = RunCheckpoint.load(run.resolve("last.safetensors"), model, optimizer);
 * }</pre>
 */
public final class RunCheckpoint {
    public static final String MODEL_PREFIX = "model.";
    public static final String OPTIM_PREFIX = "optim.";
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
        Map<String, RawArray> arrays = new LinkedHashMap<>();
        for (var e : model.stateDict().entrySet()) arrays.put(MODEL_PREFIX + e.getKey(), TensorArrays.toRaw(e.getValue()));
        OptimizerState s = OptimizerStates.of(optimizer);
        if (s != null) {
            for (var e : s.optimizerState().entrySet()) arrays.put(OPTIM_PREFIX + e.getKey(), TensorArrays.toRaw(e.getValue()));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("epochs_done", Integer.toString(meta.epochsDone()));
        metadata.put("seed", Long.toString(meta.seed()));
        metadata.put("rng", "derived from (seed, epoch, step)");
        metadata.put("lr", Double.toString(meta.lr()));
        metadata.put("best_top1", Double.toString(meta.bestTop1()));
        SafeTensors.write(file, arrays, metadata);
    }

    /** Loads weights (strictly) and, when given, the optimiser state; returns the metadata. */
    public static Meta load(Path file, Module model, Optimizer optimizer) throws IOException {
        SafeTensors.Contents c = SafeTensors.readAll(file);
        Map<String, String> md = c.metadata();
        if (!FORMAT.equals(md.get("format"))) {
            throw new IllegalArgumentException(file + ": not a training checkpoint (metadata format is " + md.get("format") + ", expected " + FORMAT + ")");
        }
        model.loadStateDict(weights(c), true);
        OptimizerState s = OptimizerStates.of(optimizer);
        if (s != null) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (var e : c.tensors().entrySet()) {
                if (e.getKey().startsWith(OPTIM_PREFIX)) state.put(e.getKey().substring(OPTIM_PREFIX.length()), TensorArrays.toTensor(e.getValue()));
            }
            s.loadOptimizerState(state);
        }
        try {
            return new Meta(Integer.parseInt(md.get("epochs_done")), Long.parseLong(md.get("seed")),
                    Double.parseDouble(md.get("lr")), Double.parseDouble(md.get("best_top1")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": unreadable checkpoint metadata " + md, e);
        }
    }

    /** The model weights of a checkpoint file (the {@code model.} entries, prefix removed), or of a plain weights file. */
    public static Map<String, Tensor> readWeights(Path file) throws IOException {
        return weights(SafeTensors.readAll(file));
    }

    private static Map<String, Tensor> weights(SafeTensors.Contents c) {
        boolean prefixed = c.tensors().keySet().stream().anyMatch(k -> k.startsWith(MODEL_PREFIX));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : c.tensors().entrySet()) {
            String k = e.getKey();
            if (!prefixed) out.put(k, TensorArrays.toTensor(e.getValue()));
            else if (k.startsWith(MODEL_PREFIX)) out.put(k.substring(MODEL_PREFIX.length()), TensorArrays.toTensor(e.getValue()));
        }
        return out;
    }
}
