package dev.saccade.models.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.registry.AttentionProviders;
import dev.saccade.models.backbone.BlockContext;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Insertion points and configuration of the attention hooks, on a mock ResNet-18 layout (blocks 2, 2, 2, 2). */
class AttentionHooksTest {
    private static final int T = 2;
    private final SplittableRandom rng = new SplittableRandom(9);

    private List<BlockContext> resnet18Blocks() {
        int[] ch = {16, 32, 32, 64};
        List<BlockContext> out = new ArrayList<>();
        for (int s = 0; s < 4; s++) for (int i = 0; i < 2; i++) out.add(new BlockContext("layer" + (s + 1) + "." + i, s, i, i == 1, ch[s], ch[s], T, rng));
        return out;
    }

    private static ModelConfig config(String id, Map<String, String> options) { return new ModelConfig(id, T, 10, 64, 0.5, 0, options); }

    @Test void m2a_provider_adds_the_shift_only_for_tsm_ids() {
        Conv conv = Conv.conv2d(16, 8, 1, 1, 0, 1, false, rng);
        BlockContext b = resnet18Blocks().get(0);
        assertEquals(3, ((Sequential) AttentionProviders.m2a(config("tsm+m2a-resnet18", Map.of())).wrapFirstConv(b, conv)).size());
        assertEquals(2, ((Sequential) AttentionProviders.m2a(config("m2a-resnet18", Map.of())).wrapFirstConv(b, conv)).size());
        assertInstanceOf(ActionModule.class, AttentionProviders.action(config("action-resnet50", Map.of())).wrapFirstConv(b, conv));
    }

    @Test void w3_hooks_attach_to_every_branch_and_feed_the_refinement_the_stage_masks() {
        W3Hooks hooks = AttentionProviders.w3(config("tsm+w3-resnet18", Map.of()));
        List<W3Attention> all = new ArrayList<>();
        for (BlockContext b : resnet18Blocks()) all.add((W3Attention) hooks.afterBranch(b));
        assertEquals(8, all.size());
        assertEquals(List.of(all.get(1), all.get(3), all.get(5), all.get(7)), List.copyOf(hooks.stageMaskProducers().values()));
        Module afr = AttentionProviders.w3FeatureRefinement(hooks, 64, config("tsm+w3-resnet18", Map.of()));
        assertInstanceOf(AttentionGuidedRefinement.class, afr);
        assertThrows(IllegalStateException.class, () -> afr.forward(Tensor.zeros(2 * T, 64, 2, 2)), "masks before any forward pass");
        int[] sizes = {8, 4, 4, 2};
        for (int s = 0; s < 4; s++) all.get(2 * s + 1).forward(Tensor.randn(rng, 2 * T, all.get(2 * s + 1).channels(), sizes[s], sizes[s]));
        Tensor features = Tensor.randn(rng, 2 * T, 64, 2, 2);
        Tensor refined = afr.forward(features);
        assertEquals(features.shape(), refined.shape());
        double[] d = refined.sub(features).toDoubleArray();
        double minStep = Double.MAX_VALUE;
        for (double v : d) minStep = Math.min(minStep, v);
        assertTrue(minStep >= 0, "AFR adds a ReLU output, so y − x ≥ 0");
    }

    @Test void w3_options_switch_parts_off() {
        BlockContext b = resnet18Blocks().get(1);
        W3Attention noSpatial = (W3Attention) AttentionProviders.w3(config("w3-resnet18", Map.of("w3.spatial", "false"))).afterBranch(b);
        W3Attention noTemporal = (W3Attention) AttentionProviders.w3(config("w3-resnet18", Map.of("w3.temporal", "false"))).afterBranch(b);
        assertTrue(!noSpatial.hasSpatial() && noSpatial.hasTemporal());
        assertTrue(noTemporal.hasSpatial() && !noTemporal.hasTemporal());
        assertTrue(noTemporal.namedParameters().keySet().stream().noneMatch(k -> k.contains("temporal")));
        W3Hooks noAfr = AttentionProviders.w3(config("w3-resnet18", Map.of("w3.afr", "false")));
        for (BlockContext blk : resnet18Blocks()) noAfr.afterBranch(blk);
        assertNull(noAfr.featureRefinement(64, rng));
        W3Hooks spatialOff = AttentionProviders.w3(config("w3-resnet18", Map.of("w3.spatial", "false")));
        for (BlockContext blk : resnet18Blocks()) spatialOff.afterBranch(blk);
        assertNull(spatialOff.featureRefinement(64, rng), "no spatial masks, no AFR");
        assertThrows(IllegalStateException.class, noSpatial::lastSpatialMask);
    }

    @Test void cbam_on_every_branch_and_nonlocal_at_tsm_positions() {
        BlockHooks cbam = AttentionProviders.cbam(config("tsm+cbam-resnet18", Map.of()));
        BlockHooks nl = AttentionProviders.nl(config("tsm+nl-resnet50", Map.of()));
        List<String> nlAt = new ArrayList<>();
        List<BlockContext> blocks = new ArrayList<>();
        int[] counts = {3, 4, 6, 3};
        for (int s = 0; s < 4; s++) for (int i = 0; i < counts[s]; i++) blocks.add(new BlockContext("layer" + (s + 1) + "." + i, s, i, i == counts[s] - 1, 16, 16, T, rng));
        for (BlockContext b : blocks) {
            assertInstanceOf(Cbam.class, cbam.afterBranch(b));
            Conv conv1 = Conv.conv2d(16, 4, 1, 1, 0, 1, false, rng);
            org.junit.jupiter.api.Assertions.assertSame(conv1, cbam.wrapFirstConv(b, conv1), "CBAM leaves conv1 alone");
            org.junit.jupiter.api.Assertions.assertSame(conv1, nl.wrapFirstConv(b, conv1), "NL leaves conv1 alone");
            Module m = nl.afterBlock(b);
            if (m != null) {
                assertInstanceOf(NonLocal.class, m);
                nlAt.add(b.name());
            }
        }
        assertEquals(List.of("layer2.0", "layer2.2", "layer3.0", "layer3.2", "layer3.4"), nlAt);
    }

    @Test void bad_shapes_are_named() {
        M2A m2a = new M2A(16, 4, rng);
        ShapeException e = assertThrows(ShapeException.class, () -> m2a.forward(Tensor.zeros(6, 16, 3, 3)));
        assertTrue(e.getMessage().contains("M2A") && e.getMessage().contains("T = 4"), e.getMessage());
        ShapeException c = assertThrows(ShapeException.class, () -> new W3Attention(32, 2, true, true, rng).forward(Tensor.zeros(4, 16, 3, 3)));
        assertTrue(c.getMessage().contains("W3") && c.getMessage().contains("32"), c.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> new Weights(Map.of()).get("conv_down.weight"));
        assertTrue(missing.getMessage().contains("conv_down.weight"));
    }
}
