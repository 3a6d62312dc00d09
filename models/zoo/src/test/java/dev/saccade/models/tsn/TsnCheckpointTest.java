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
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading saccade's own run checkpoints, mismatch messages that stay readable, and the classes a file states. */
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

    /**
     * The TSM online demo's checkpoint layout ({@code mobilenetv2_jester_online.pth.tar}): a bare MobileNetV2 state
     * dict, {@code features.N.conv.K.*} without {@code module.}/{@code base_model.} or the shift's {@code .net}, and
     * the trained head as {@code classifier.*}. Written here from a model's weights under those names.
     */
    @Test void onlineDemoLayoutLoadsWithItsClassifierAsNewFc(@TempDir Path dir) throws Exception {
        Tsn trained = online(1, 27);
        Map<String, Tensor> file = new LinkedHashMap<>();
        trained.stateDict().forEach((k, v) -> file.put(onlineDemoKey(k), v));
        assertTrue(file.containsKey("features.3.conv.0.weight") && file.containsKey("features.0.0.weight")
                && file.containsKey("features.18.1.running_var") && file.containsKey("classifier.weight"), file.keySet().toString());
        Path ckpt = dir.resolve("mobilenetv2_jester_online.safetensors");
        Checkpoints.saveSafetensors(file, ckpt, Map.of());

        Tsn fresh = online(2, 27);
        assertEquals(trained.stateDict().size(), TsnCheckpoint.load(fresh, ckpt));
        for (String k : trained.stateDict().keySet()) {
            assertArrayEquals(trained.stateDict().get(k).toDoubleArray(), fresh.stateDict().get(k).toDoubleArray(), 0, k);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> TsnCheckpoint.load(online(3, 5), ckpt));
        assertTrue(e.getMessage().contains("new_fc.weight"), "a head with another class count is not taken: " + e.getMessage());
    }

    private static Tsn online(long seed, int classes) {
        return ModelRegistry.standard().create(new ModelConfig("tsm-mobilenetv2", 1, classes, 64, 0.5, seed, Map.of("tsm.online", "true")));
    }

    /** saccade's name → the online demo's: base_model.features.3.conv.0.net.weight → features.3.conv.0.weight. */
    private static String onlineDemoKey(String k) {
        if (k.startsWith("new_fc.")) return "classifier." + k.substring("new_fc.".length());
        return k.substring("base_model.".length()).replace(".net.", ".");
    }

    @Test void mismatchNamesAFewEntriesAndCounts(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("other.safetensors");
        Checkpoints.saveSafetensors(ModelRegistry.standard().create(ModelConfig.of("tsn-resnet18", 2, 5, 64)), ckpt, Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> TsnCheckpoint.load(model(3), ckpt));
        assertTrue(e.getMessage().contains("in all)"), e.getMessage());
        assertTrue(e.getMessage().length() < 3000, "message length " + e.getMessage().length());
    }

    @Test void classesComeFromTheOfficialClassifier() throws Exception {
        Path pth = Path.of(TsnCheckpointTest.class.getResource("/goldens/models/tsm_mobilenetv2.pth").toURI());
        Map<String, Tensor> tensors = TsnCheckpoint.read(pth);
        assertEquals(OptionalInt.of(10), TsnCheckpoint.classes(tensors));
        Tsn net = ModelRegistry.standard().create(ModelConfig.of("tsm-mobilenetv2", 4, 10, 64));
        assertEquals(net.stateDict().size(), TsnCheckpoint.load(net, tensors, pth));
    }

    @Test void classesComeFromARunCheckpoint(@TempDir Path dir) throws Exception {
        Map<String, Tensor> file = new LinkedHashMap<>();
        model(1).stateDict().forEach((k, v) -> file.put(TsnCheckpoint.RUN_MODEL_PREFIX + k, v));
        Path ckpt = dir.resolve("last.safetensors");
        Checkpoints.saveSafetensors(file, ckpt, Map.of());
        assertEquals(OptionalInt.of(5), TsnCheckpoint.classes(TsnCheckpoint.read(ckpt)));
    }

    @Test void noClassesWithoutAClassifierMatrix(@TempDir Path dir) throws Exception {
        Path backbone = dir.resolve("mobilenetv2_imagenet.safetensors");
        Checkpoints.saveSafetensors(Map.of("features.0.0.weight", Tensor.zeros(4, 3, 3, 3), "classifier.weight", Tensor.zeros(1000, 4)), backbone, Map.of());
        assertEquals(OptionalInt.empty(), TsnCheckpoint.classes(TsnCheckpoint.read(backbone)));
        Path flat = dir.resolve("flat.safetensors");
        Checkpoints.saveSafetensors(Map.of("new_fc.weight", Tensor.zeros(7)), flat, Map.of());
        assertEquals(OptionalInt.empty(), TsnCheckpoint.classes(TsnCheckpoint.read(flat)), "a rank-1 new_fc.weight states no classes");
    }
}
