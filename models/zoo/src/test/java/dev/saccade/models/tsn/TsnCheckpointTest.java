package dev.saccade.models.tsn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.nn.checkpoint.Checkpoints;
import dev.saccade.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading saccade's own run checkpoints, and mismatch messages that stay readable. */
class TsnCheckpointTest {
    private static Tsn model(long seed) {
        return ModelRegistry.standard().create(new ModelConfig("tsm-mobilenetv2", 2, 5, 64, 0.5, seed, Map.of()));
    }

    @Test void runCheckpointLoadsItsModelEntries(@TempDir Path dir) throws Exception {
        Tsn trained = model(1);
        Map<String, Tensor> file = new LinkedHashMap<>();
        trained.stateDict().forEach((k, v) -> file.put(TsnCheckpoint.RUN_MODEL_PREFIX + k, v));
        file.put(TsnCheckpoint.RUN_OPTIM_PREFIX + "momentum_buffer.0", Tensor.zeros(3));
        Path ckpt = dir.resolve("best.safetensors");
        Checkpoints.saveSafetensors(file, ckpt, Map.of());

        Tsn fresh = model(2);
        assertEquals(trained.stateDict().size(), TsnCheckpoint.load(fresh, ckpt));
        for (String k : trained.stateDict().keySet()) {
            assertArrayEquals(trained.stateDict().get(k).toDoubleArray(), fresh.stateDict().get(k).toDoubleArray(), 0, k);
        }
    }

    @Test void mismatchNamesAFewEntriesAndCounts(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("other.safetensors");
        Checkpoints.saveSafetensors(ModelRegistry.standard().create(ModelConfig.of("tsn-resnet18", 2, 5, 64)), ckpt, Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> TsnCheckpoint.load(model(3), ckpt));
        assertTrue(e.getMessage().contains("in all)"), e.getMessage());
        assertTrue(e.getMessage().length() < 3000, "message length " + e.getMessage().length());
    }
}
