package dev.saccade.models.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Identity;
import dev.saccade.nn.optim.ParamGroup;
import dev.saccade.nn.optim.TsnPolicies;
import dev.saccade.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
    @Test void listsThePublishedModelsOnEveryBackbone() {
        List<String> ids = ModelRegistry.standard().list();
        for (String m : List.of("tsn", "tsm", "m2a", "tsm+m2a", "w3", "tsm+w3", "action", "tsm+cbam", "tsm+nl")) {
            for (String b : ModelRegistry.BACKBONES) assertTrue(ids.contains(m + "-" + b), "missing " + m + "-" + b + " in " + ids);
        }
        assertTrue(!ids.contains("tsm+action-resnet50"), "ACTION-Net has its own shift and is not combined with TSM");
    }

    @Test void tsmPlusM2aPutsTheShiftInsideTheM2aWrapper() {
        Map<String, Tensor> keys = ModelRegistry.standard().create(ModelConfig.of("tsm+m2a-resnet18", 4, 10, 64)).stateDict();
        assertTrue(keys.containsKey("base_model.layer1.0.conv1.0.conv_down.weight"), keys.keySet().toString());
        assertTrue(keys.containsKey("base_model.layer1.0.conv1.2.weight"), "conv1 follows M2A and the shift (M2A's --use_tsm)");
    }

    @Test void w3ModelsCarryTheRefinementModule() {
        Tsn w3 = ModelRegistry.standard().create(ModelConfig.of("tsm+w3-resnet18", 4, 10, 64));
        assertTrue(w3.stateDict().keySet().stream().anyMatch(k -> k.contains("refine")), w3.stateDict().keySet().toString());
        Tsn noAfr = ModelRegistry.standard().create(new ModelConfig("tsm+w3-resnet18", 4, 10, 64, 0.5, 0, Map.of("w3.afr", "false")));
        assertTrue(noAfr.stateDict().keySet().stream().noneMatch(k -> k.contains("refine")));
    }

    @Test void unknownIdListsTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.standard().create(ModelConfig.of("tsx-resnet50", 8, 10, 224)));
        assertTrue(e.getMessage().contains("unknown module 'tsx'") && e.getMessage().contains("tsm-resnet50"), e.getMessage());
        var b = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.standard().create(ModelConfig.of("tsm-vgg16", 8, 10, 224)));
        assertTrue(b.getMessage().contains("unknown backbone 'vgg16'"), b.getMessage());
    }

    @Test void providersPlugInWithTheirFeatureRefinement() {
        ModelRegistry r = ModelRegistry.standard().registerProvider("probe", new HookProvider() {
            @Override public BlockHooks create(ModelConfig cfg) {
                return new BlockHooks() {
                    @Override public Module afterBranch(BlockContext block) { return block.lastInStage() ? new Identity() : null; }
                };
            }
            @Override public Module featureRefinement(ModelConfig cfg, BlockHooks hooks, int channels) { return new Identity(); }
        });
        assertTrue(r.list().contains("tsm+probe-resnet18"));
        Tsn m = r.create(ModelConfig.of("tsm+probe-resnet18", 4, 5, 64));
        assertNotNull(m.featureRefinement());
        assertTrue(module(m, "base_model.layer1.1.after_branch") != null);
        assertTrue(m.stateDict().containsKey("base_model.layer1.0.conv1.net.weight"));
        assertEquals(List.of(2, 5), List.of(m.forward(Tensor.zeros(2, 4, 3, 64, 64)).shape().toArray()).stream().flatMapToInt(java.util.Arrays::stream).boxed().toList());
    }

    @Test void wrongInputShapeNamesTheExpectedOne() {
        Tsn m = ModelRegistry.standard().create(ModelConfig.of("tsn-resnet18", 4, 5, 64));
        var e = assertThrows(RuntimeException.class, () -> m.forward(Tensor.zeros(2, 3, 3, 64, 64)));
        assertTrue(e.getMessage().contains("(N, 4, 3, H, W)"), e.getMessage());
    }

    @Test void partialBnFreezesAllButTheFirstBatchNorm() {
        Tsn m = ModelRegistry.standard().create(new ModelConfig("tsn-resnet18", 4, 5, 64, 0.5, 0, Map.of("tsn.partial_bn", "true")));
        m.train(true);
        assertTrue(m.namedParameters().get("base_model.bn1.weight").requiresGrad());
        assertTrue(!m.namedParameters().get("base_model.layer1.0.bn1.weight").requiresGrad());
        List<ParamGroup> groups = TsnPolicies.tsm(m, "new_fc", true);
        assertEquals(List.of("first_conv_weight", "first_conv_bias", "normal_weight", "normal_bias", "bn", "lr5_weight", "lr10_bias"),
                     groups.stream().map(ParamGroup::name).toList());
        assertEquals(2, groups.get(4).params().size(), "partial BN: only the first BN's γ and β");
        assertEquals(1, groups.get(0).params().size());
        assertEquals(m.newFc().weight(), groups.get(5).params().get(0));
        assertEquals(1, groups.get(6).params().size());
        m.setPartialBn(false);
        assertTrue(m.namedParameters().get("base_model.layer1.0.bn1.weight").requiresGrad());
    }

    @Test void newFcInit() {
        Tsn m = ModelRegistry.standard().create(ModelConfig.of("tsn-resnet50", 8, 174, 224));
        float[] w = m.newFc().weight().toFloatArray();
        double ss = 0;
        for (float v : w) ss += v * v;
        assertEquals(0.001, Math.sqrt(ss / w.length), 0.0001, "new_fc weight ~ N(0, 0.001²)");
        for (float b : m.newFc().bias().toFloatArray()) assertEquals(0f, b);
    }

    @Test void unknownOrMalformedOptionsAreErrorsListingTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.standard().create(
                new ModelConfig("w3-resnet18", 4, 5, 64, 0.5, 0, Map.of("w3.afrr", "false"))));
        assertEquals("unknown model option 'w3.afrr'; known options: resnet.width, tsm.fold_div, tsm.online, tsn.partial_bn, "
                + "w3.afr, w3.spatial, w3.temporal", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.standard().create(
                new ModelConfig("tsn-resnet18", 4, 5, 64, 0.5, 0, Map.of("tsn.partial_bn", "ture"))));
        assertEquals("option tsn.partial_bn must be true or false, got 'ture'", e.getMessage());
        // a provider that reads its own option declares it
        ModelRegistry r = ModelRegistry.standard().registerOption("mine.flag");
        assertNotNull(r.create(new ModelConfig("tsn-resnet18", 4, 5, 64, 0.5, 0, Map.of("mine.flag", "x"))));
    }

    @Test void sizesBeyondWhatAClipCanHoldAreRefusedUpFront() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.of("tsm-resnet50", 8, 10, 100_000));
        assertEquals("input size must be in [32, 4096], got 100000", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.of("tsm-resnet50", 1 << 20, 10, 224));
        assertTrue(e.getMessage().startsWith("frames must be in [1, 1024]"), e.getMessage());
    }

    /** A submodule by dotted name. */
    private static Module module(Module root, String name) {
        return root.namedModules().get(name);
    }
}
