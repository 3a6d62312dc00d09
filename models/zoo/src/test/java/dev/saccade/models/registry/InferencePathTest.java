package dev.saccade.models.registry;

import dev.saccade.models.attention.FusedAttention;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.Init;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.InferenceProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused inference path (batch norm folded, epilogues fused, the shift read in place) against the op-by-op
 * evaluation path on every model id, with batch-norm statistics far from the identity so the folding matters.
 */
class InferencePathTest {
    static final int FRAMES = 4, CLASSES = 7, SIZE = 32;

    static List<String> ids() { return ModelRegistry.standard().list(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void foldedInferenceMatchesTheUnfusedEvalPath(String id) {
        Tsn model = small(id);
        Tensor x = Tensor.uniform(new SplittableRandom(3), -1, 1, 1, FRAMES, 3, SIZE, SIZE);   // (N, T, 3, H, W)
        try (var noGrad = GradMode.disable()) {
            float[] fused = model.forward(x).toFloatArray();
            float[] reference;
            try (var s = InferenceMode.unfused()) { reference = model.forward(x).toFloatArray(); }
            assertTrue(relError(id, fused, reference) <= 1e-4);
        }
    }

    static List<String> attentionIds() {
        return ids().stream().filter(id -> id.matches(".*(cbam|w3|action|m2a).*")).toList();
    }

    /** The attention modules' composed ops ({@code FusedAttention} off) on the fused inference path agree too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("attentionIds")
    void foldedInferenceWithComposedAttentionOps(String id) {
        Tsn model = small(id);
        Tensor x = Tensor.uniform(new SplittableRandom(4), -1, 1, 1, FRAMES, 3, SIZE, SIZE);   // (N, T, 3, H, W)
        try (var noGrad = GradMode.disable()) {
            float[] fusedOps = model.forward(x).toFloatArray();
            FusedAttention.setEnabled(false);
            float[] composed = model.forward(x).toFloatArray(), reference;
            try (var s = InferenceMode.unfused()) { reference = model.forward(x).toFloatArray(); }
            assertTrue(relError(id + " composed attention", composed, reference) <= 1e-4);
            assertTrue(relError(id + " fused vs composed attention", fusedOps, composed) <= 1e-4);
        } finally {
            FusedAttention.setEnabled(true);
        }
    }

    /**
     * At 96² ResNet-50's first stage runs at 24² (576 positions), where the CPU carries frames through each
     * bottleneck depth first ({@code InferenceConv.applyChain}): its three blocks, and only those, run as chains
     * (counted in the profile), and the logits agree with the op-by-op evaluation path. Where each chain writes its
     * output (into the shortcut or a new array) is {@code ConvChainTest}'s to check.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("resnet50s")
    void bottlenecksOnLargePlanesRunDepthFirst(String id) {
        Profiled run = profiledAt96(id, 1, 8);
        assertFirstStageChains(id, run.chains(), "inference_conv_chain(3)");
        try (var noGrad = GradMode.disable(); var s = InferenceMode.unfused()) {
            assertTrue(relError(id + " depth first", run.logits(), run.model().forward(run.x()).toFloatArray()) <= 1e-4);
        }
    }

    /**
     * A model at 96² (width 16, random batch norms), its clips' input, and one profiled fused forward's logits, chains
     * and number of W3 masks run as one op.
     */
    private record Profiled(Tsn model, Tensor x, float[] logits, List<InferenceProfile.Entry> chains, long masks) {}

    private static Profiled profiledAt96(String id, int clips, int seed) {
        int size = 96;
        Tsn model = ModelRegistry.standard().create(new ModelConfig(id, FRAMES, CLASSES, size, 0.5, 1, Map.of("resnet.width", "16")));
        randomizeBatchNorms(model, new SplittableRandom(id.hashCode()));
        model.eval();
        Tensor x = Tensor.uniform(new SplittableRandom(seed), -1, 1, clips, FRAMES, 3, size, size);   // (N, T, 3, H, W)
        try (var noGrad = GradMode.disable(); InferenceProfile p = InferenceProfile.record()) {
            float[] logits = model.forward(x).toFloatArray();
            return new Profiled(model, x, logits, p.entries().stream().filter(e -> e.op().startsWith("inference_conv_chain")).toList(),
                    p.entries().stream().filter(e -> e.op().equals("spatio_temporal_mask")).count());
        }
    }

    /** Three chains named {@code op}, all at 24² (ResNet-50's first stage at 96²). */
    private static void assertFirstStageChains(String id, List<InferenceProfile.Entry> chains, String op) {
        assertEquals(3, chains.size(), id + ": the first stage's three bottlenecks as chains");
        for (InferenceProfile.Entry e : chains) {
            assertEquals(op, e.op(), id + ": " + e);
            assertEquals(24, e.output().dim(2), id + ": a chain outside the first stage, " + e);
        }
    }

    static List<String> resnet50s() { return List.of("tsn-resnet50", "tsm-resnet50"); }

    /**
     * With an attention after each branch, the first stage's bottlenecks at 24² still run depth first: with CBAM,
     * which attends each frame on its own, each frame is attended and gated right after conv3 wrote it
     * ({@code AttendedChain}); with W3, whose attention mixes frames, conv3 pools as it stores
     * ({@code InferenceConv.applyChainPooled}) and the attention runs after the chain, its spatio-temporal mask one
     * {@code SpatioTemporalMask} op in every block. With a temporal module before
     * conv1 (ACTION-Net, M2A with and without TSM's shift), conv1 applies the module's gates as it reads each frame
     * ({@code InferenceConv.applyChain} with an input gate). The other stages as before. Two clips, so that steps
     * start inside a clip and at the second one. The logits agree with the op-by-op evaluation path and with the
     * composed attention ops (which run the chain on the module's output as a tensor).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("attentionResnet50s")
    void attentionBottlenecksOnLargePlanesRunDepthFirst(String id, String chainOp) {
        Profiled run = profiledAt96(id, 2, 9);
        assertFirstStageChains(id, run.chains(), chainOp);
        assertEquals(id.contains("w3") ? 16 : 0, run.masks(), id + ": W3's spatio-temporal mask as one op in each of the 16 blocks");
        try (var noGrad = GradMode.disable()) {
            float[] reference, composed;
            try (var s = InferenceMode.unfused()) { reference = run.model().forward(run.x()).toFloatArray(); }
            List<InferenceProfile.Entry> composedChains;
            FusedAttention.setEnabled(false);
            try (InferenceProfile p = InferenceProfile.record()) {
                composed = run.model().forward(run.x()).toFloatArray();
                composedChains = p.entries().stream().filter(e -> e.op().startsWith("inference_conv_chain")).toList();
            } finally {
                FusedAttention.setEnabled(true);
            }
            if (chainOp.contains("excited") || chainOp.contains("up_gated")) {   // the module's output read as a tensor
                assertFirstStageChains(id + " with composed ops", composedChains, "inference_conv_chain(3)");
            }
            assertTrue(relError(id + " depth first", run.logits(), reference) <= 1e-4);
            assertTrue(relError(id + " against composed ops", run.logits(), composed) <= 1e-4);
        }
    }

    static Stream<Arguments> attentionResnet50s() {
        return Stream.of(Arguments.of("cbam-resnet50", "inference_conv_chain_attended(3)"),
                Arguments.of("tsm+cbam-resnet50", "inference_conv_chain_attended(3)"),
                Arguments.of("w3-resnet50", "inference_conv_chain_pooled(3)"),
                Arguments.of("tsm+w3-resnet50", "inference_conv_chain_pooled(3)"),
                Arguments.of("action-resnet50", "inference_conv_chain_excited(3)"),
                Arguments.of("m2a-resnet50", "inference_conv_chain_up_gated(3)"),
                Arguments.of("tsm+m2a-resnet50", "inference_conv_chain_up_gated(3)"));
    }

    @Test
    void theOnlineShiftIsAppliedBeforeTheFusedConvolution() {
        for (String id : List.of("tsm-resnet18", "tsm-mobilenetv2")) {
            Tsn model = ModelRegistry.standard().create(new ModelConfig(id, FRAMES, CLASSES, SIZE, 0.5, 1,
                    Map.of("resnet.width", "16", "tsm.online", "true")));
            randomizeBatchNorms(model, new SplittableRandom(21));
            model.eval();
            Tensor x = Tensor.uniform(new SplittableRandom(6), -1, 1, 1, FRAMES, 3, SIZE, SIZE);
            try (var noGrad = GradMode.disable()) {
                float[] fused = model.forward(x).toFloatArray(), reference;
                try (var s = InferenceMode.unfused()) { reference = model.forward(x).toFloatArray(); }
                assertTrue(relError(id + " online", fused, reference) <= 1e-4);
            }
        }
    }

    @Test
    void foldedWeightsFollowAStateDictLoad() {
        Tsn model = small("tsm-resnet18");
        Tensor x = Tensor.uniform(new SplittableRandom(4), -1, 1, 1, FRAMES, 3, SIZE, SIZE);
        try (var noGrad = GradMode.disable()) {
            float[] before = model.forward(x).toFloatArray();                 // folds and caches
            Tsn other = small("tsm-resnet18");
            randomizeBatchNorms(other, new SplittableRandom(99));
            model.loadStateDict(other.stateDict(), true);
            float[] after = model.forward(x).toFloatArray();
            float[] reference;
            try (var s = InferenceMode.unfused()) { reference = model.forward(x).toFloatArray(); }
            assertTrue(relError("after load", after, reference) <= 1e-4);
            assertTrue(relError("changed", after, before) > 1e-3, "the load changed the logits");
        }
    }

    @Test
    void oneModelRunsFromSeveralThreadsAtOnce() throws Exception {
        Tsn model = small("tsm-mobilenetv2");
        Tensor x = Tensor.uniform(new SplittableRandom(5), -1, 1, 1, FRAMES, 3, SIZE, SIZE);
        float[] expected;
        try (var noGrad = GradMode.disable(); var s = InferenceMode.unfused()) { expected = model.forward(x).toFloatArray(); }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[]>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(pool.submit(() -> {
                    try (var noGrad = GradMode.disable()) { return model.forward(x).toFloatArray(); }
                }));
            }
            float[] first = runs.get(0).get();
            assertTrue(relError("threads", first, expected) <= 1e-4);
            for (Future<float[]> f : runs) assertArrayEquals(first, f.get(), "every thread computes the same logits");
        } finally {
            pool.shutdown();
        }
    }

    /** The model in evaluation mode with random batch-norm statistics and affine parameters. */
    private static Tsn small(String id) {
        Tsn m = ModelRegistry.standard().create(new ModelConfig(id, FRAMES, CLASSES, SIZE, 0.5, 1,
                Map.of("resnet.width", "16")));   // the attention modules need ≥ 16 channels
        randomizeBatchNorms(m, new SplittableRandom(id.hashCode()));
        m.eval();
        return m;
    }

    private static void randomizeBatchNorms(Tsn m, SplittableRandom rng) {
        for (var e : m.stateDict().entrySet()) {
            String k = e.getKey();
            Tensor t = e.getValue();
            if (k.endsWith("running_mean") || (k.endsWith(".bias") && isBatchNorm(m, k))) {
                Init.assign(t, Tensor.uniform(rng, -0.3, 0.3, t.shape().toArray()));
            } else if (k.endsWith("running_var")) {
                Init.assign(t, Tensor.uniform(rng, 0.8, 1.5, t.shape().toArray()));
            } else if (k.endsWith(".weight") && isBatchNorm(m, k)) {
                Init.assign(t, Tensor.uniform(rng, 0.3, 0.8, t.shape().toArray()));   // activations stay O(1)
            }
        }
    }

    private static boolean isBatchNorm(Tsn m, String key) {
        String module = key.substring(0, key.lastIndexOf('.'));
        return m.namedModules().get(module) instanceof dev.saccade.nn.layers.BatchNorm;
    }

    private static double relError(String what, float[] got, float[] want) {
        double diff = 0, scale = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        System.out.printf("%-28s max |diff| %.3e, max |ref| %.3e%n", what, diff, scale);
        assertTrue(scale > 0, what + ": reference is all zeros");
        return diff / scale;
    }
}
