package dev.saccade.models.flops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MACs and parameter counts against the published figures (docs/MODELS.md §9; mmaction2's metafile). */
class FlopCounterTest {
    private static FlopCounter.Report count(String id, int frames, int classes, int size) {
        Tsn model = ModelRegistry.standard().create(ModelConfig.of(id, frames, classes, size));
        FlopCounter.Report r = FlopCounter.count(model, Shape.of(1, frames, 3, size, size));
        System.out.printf("%s T=%d K=%d %d²: %.4f G MACs, %.4f G mmcv, %d params%n", id, frames, classes, size, r.macs() / 1e9, r.mmcvFlops() / 1e9, r.params());
        return r;
    }

    /**
     * torchvision documents resnet50 at 25,557,032 parameters with its 1000-way fc (2048·1000 + 1000); swapping in a
     * 174-way new_fc gives the exact count. mmaction2 lists TSM-R50 1×1×8 at 32.88 G FLOPs and 23.87 M params.
     */
    @Test void tsmResNet50MatchesPublishedCost() {
        FlopCounter.Report r = count("tsm-resnet50", 8, 174, 224);
        assertEquals(25_557_032L - (2048L * 1000 + 1000) + (2048L * 174 + 174), r.params(), "TSM-R50 params, 174-way head");
        assertEquals(23.87e6, r.params(), 0.01e6);
        assertEquals(32.88e9, r.macs(), 0.01 * 32.88e9, "TSM-R50 8×224² MACs");
        assertEquals(32.88e9, r.mmcvFlops(), 0.01 * 32.88e9, "TSM-R50 8×224² with mmcv's elementwise ops");
        assertEquals(Shape.of(1, 174), r.output());
    }

    @Test void tsnAndTsmCostTheSame() {
        assertEquals(count("tsn-resnet18", 8, 174, 224).macs(), count("tsm-resnet18", 8, 174, 224).macs());
    }

    /**
     * torchvision documents mobilenet_v2 at 3,504,872 parameters (1280·1000 + 1000 in the classifier) and 0.30 G
     * MACs at 224². mmaction2's 3.34 G for TSM-MobileNetV2 8 frames is mmcv's count (elementwise ops included)
     * at 256², the size of its dense-sampling test crops.
     */
    @Test void tsmMobileNetV2MatchesPublishedCost() {
        FlopCounter.Report r = count("tsm-mobilenetv2", 8, 400, 224);
        assertEquals(3_504_872L - (1280L * 1000 + 1000) + (1280L * 400 + 400), r.params(), "TSM-MobileNetV2 params, 400-way head");
        assertEquals(2.74e6, r.params(), 0.005e6);
        assertEquals(8 * 0.30e9, r.macs(), 0.01 * 8 * 0.30e9, "8 × MobileNetV2's 0.30 G MACs at 224²");
        FlopCounter.Report r256 = count("tsm-mobilenetv2", 8, 400, 256);
        assertEquals(3.34e9, r256.mmcvFlops(), 0.01 * 3.34e9, "mmaction2's TSM-MobileNetV2 figure (mmcv convention, 256²)");
    }

    @Test void macsScaleWithFrames() {
        long t8 = count("tsm-resnet18", 8, 10, 112).macs();
        long t16 = count("tsm-resnet18", 16, 10, 112).macs();
        assertEquals(2 * t8, t16);
    }

    @Test void convFormulaOnOneLayer() {
        Conv conv = Conv.conv2d(8, 16, 3, 2, 1, 2, false, new SplittableRandom(1));
        FlopCounter.Report r = FlopCounter.count(conv, Shape.of(2, 8, 9, 9));
        // out 5×5; N·C_out·h'·w'·(C_in/groups)·k·k = 2·16·25·4·9
        assertEquals(2L * 16 * 25 * 4 * 9, r.macs());
        assertEquals(Shape.of(2, 16, 5, 5), r.output());
    }

    /** A module the counter does not know is run once; its convolutions are reported by the conv op itself. */
    @Test void unknownModulesAreCountedByRunningThem() {
        Conv inner = Conv.conv2d(4, 6, 1, 1, 0, 1, true, new SplittableRandom(2));
        Module opaque = new Module() {
            private final Conv c = register("c", inner);
            @Override public Tensor forward(Tensor x) { return c.forward(x.relu()).mul(2); }
        };
        FlopCounter.Report r = FlopCounter.count(new Sequential(opaque), Shape.of(3, 4, 5, 5));
        assertEquals(3L * 6 * 25 * 4, r.macs());
        assertEquals(Shape.of(3, 6, 5, 5), r.output());
        assertTrue(r.table().contains("0.conv2d#0"), r.table());
    }

    /** Modules written in functional form (no Conv/Linear layers) are counted through the ops they call. */
    @Test void functionalFormModulesAreCounted() {
        Tensor w = Tensor.zeros(6, 4, 3, 3);
        Module functional = new Module() {
            @Override public Tensor forward(Tensor x) {
                Tensor y = dev.saccade.tensor.ops.Functional.conv2d(x, w, null, 1, 1, 1, 1);   // (2, 6, 5, 5)
                Tensor flat = y.reshape(2, 6, 25);
                return flat.matmul(flat.transpose(1, 2));                                     // (2, 6, 6)
            }
        };
        FlopCounter.Report r = FlopCounter.count(functional, Shape.of(2, 4, 5, 5));
        assertEquals(2L * 6 * 25 * 4 * 9 + 2L * 6 * 6 * 25, r.macs());
    }

    /** The attention modules' cost lands where docs/MODELS.md §4.2 and §5.2 put it (ResNet-50, 8 frames, 224², 174 classes). */
    @Test void attentionModelsAddTheirPublishedCost() {
        var registry = dev.saccade.models.registry.ModelRegistry.standard();
        Shape clip = Shape.of(1, 8, 3, 224, 224);
        long tsm = FlopCounter.count(registry.create(dev.saccade.models.registry.ModelConfig.of("tsm-resnet50", 8, 174, 224)), clip).macs();
        long action = FlopCounter.count(registry.create(dev.saccade.models.registry.ModelConfig.of("action-resnet50", 8, 174, 224)), clip).macs();
        long m2a = FlopCounter.count(registry.create(dev.saccade.models.registry.ModelConfig.of("m2a-resnet50", 8, 174, 224)), clip).macs();
        System.out.printf("tsm %.2f G, action %.2f G (+%.2f), m2a %.2f G (+%.2f)%n", tsm / 1e9, action / 1e9, (action - tsm) / 1e9, m2a / 1e9, (m2a - tsm) / 1e9);
        assertEquals(1.74e9, action - tsm, 0.05 * 1.74e9, "ACTION-Net adds ≈1.74 G MACs (docs/MODELS.md §4.2)");
        assertEquals(6.3e9, m2a - tsm, 0.05 * 6.3e9, "M2A adds ≈6.3 G MACs on ResNet-50 (docs/MODELS.md §5.2)");
    }

    /**
     * The count does not depend on how the attention modules run: the fused evaluation ops report the
     * multiply-accumulates of the composed ops they replace (W3's and CBAM's channel attention, M2A's motion attention).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tsm+w3-resnet18", "tsm+cbam-resnet18", "action-resnet18", "tsm+m2a-resnet18"})
    void fusedAndComposedAttentionCountTheSame(String id) {
        var registry = dev.saccade.models.registry.ModelRegistry.standard();
        Shape clip = Shape.of(1, 4, 3, 32, 32);
        boolean was = dev.saccade.models.attention.FusedAttention.enabled();
        long fused, composed;
        try {
            dev.saccade.models.attention.FusedAttention.setEnabled(true);
            fused = FlopCounter.count(registry.create(dev.saccade.models.registry.ModelConfig.of(id, 4, 10, 32)), clip).macs();
            dev.saccade.models.attention.FusedAttention.setEnabled(false);
            composed = FlopCounter.count(registry.create(dev.saccade.models.registry.ModelConfig.of(id, 4, 10, 32)), clip).macs();
        } finally {
            dev.saccade.models.attention.FusedAttention.setEnabled(was);
        }
        assertEquals(composed, fused, id + ": MACs with the fused attention ops against the composed ones");
    }
}
