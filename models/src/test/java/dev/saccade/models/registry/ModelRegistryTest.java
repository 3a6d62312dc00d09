package dev.saccade.models.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.models.tsn.OptimizerPolicy;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Identity;
import dev.saccade.nn.optim.ParamGroup;
import dev.saccade.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
    @Test void listsTsnAndTsmOnEveryBackbone() {
        assertEquals(List.of("tsn-resnet18", "tsn-resnet50", "tsn-mobilenetv2", "tsm-resnet18", "tsm-resnet50", "tsm-mobilenetv2"),
                     ModelRegistry.standard().list());
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
        List<ParamGroup> groups = OptimizerPolicy.groups(m, true);
        assertEquals(List.of("first_conv_weight", "first_conv_bias", "normal_weight", "normal_bias", "BN scale/shift", "custom_ops", "lr5_weight", "lr10_bias"),
                     groups.stream().map(ParamGroup::name).toList());
        assertEquals(2, groups.get(4).params().size(), "partial BN: only the first BN's γ and β");
        assertEquals(1, groups.get(0).params().size());
        assertEquals(m.newFc().weight(), groups.get(6).params().get(0));
        assertEquals(1, groups.get(7).params().size());
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

    /** A submodule by dotted name (namedModules() keys may carry a trailing '.'). */
    private static Module module(Module root, String name) {
        Module m = root.namedModules().get(name);
        return m != null ? m : root.namedModules().get(name + ".");
    }
}
