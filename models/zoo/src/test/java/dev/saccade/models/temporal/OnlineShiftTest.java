package dev.saccade.models.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TSM's online mode: the uni-directional model run one frame at a time with {@link OnlineShiftState} gives, frame by
 * frame, the per-frame logits (before the consensus) of the same weights run offline over the whole clip; and the
 * offline model is causal.
 */
class OnlineShiftTest {
    private static final int T = 5, K = 7, SIZE = 32;

    private static Tsn model(String id, int frames, boolean online) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("resnet.width", "8"));
        if (online) options.put(ModelRegistry.ONLINE, "true");
        Tsn m = ModelRegistry.standard().create(new ModelConfig(id, frames, K, SIZE, 0.5, 11, options));
        m.eval();
        return m;
    }

    private static void copyWeights(Tsn from, Tsn to) {
        to.loadStateDict(from.stateDict(), true);
    }

    @ParameterizedTest @ValueSource(strings = {"tsm-mobilenetv2", "tsm-resnet18", "tsm-resnet50"})
    void streamingEqualsOfflineUniDirectionalPerFrame(String id) {
        Tsn offline = model(id, T, true), streaming = model(id, 1, true);
        tuneHead(offline);
        copyWeights(offline, streaming);
        Tensor clip = Tensor.uniform(new SplittableRandom(3), -2, 2, T, 3, SIZE, SIZE);     // (N·T, 3, H, W), N = 1
        try (var g = GradMode.disable()) {
            float[] perFrame = offline.frameLogits(clip).toFloatArray();                      // (T, K)
            OnlineShiftState stream = new OnlineShiftState();
            double worst = 0;
            for (int t = 0; t < T; t++) {
                Tensor frame = clip.narrow(0, t, 1);                                         // (1, 3, H, W)
                float[] online = stream.step(() -> streaming.forward(frame)).toFloatArray();  // (1, K)
                for (int k = 0; k < K; k++) {
                    double d = Math.abs(online[k] - perFrame[t * K + k]);
                    worst = Math.max(worst, d);
                    assertEquals(perFrame[t * K + k], online[k], 1e-4 * (1 + Math.abs(perFrame[t * K + k])), id + " frame " + t + " class " + k);
                }
            }
            System.out.printf("%s streaming vs offline uni-directional, %d frames: max |Δlogit| = %.2e%n", id, T, worst);
            assertEquals(T, stream.frames());
            assertEquals(id.endsWith("resnet18") ? 8 : id.endsWith("resnet50") ? 16 : 10, stream.layers(), "one cache per shifted block");
        }
    }

    /** new_fc starts at N(0, 0.001²): give it unit-scale weights so the comparison is not of near-zero numbers. */
    private static void tuneHead(Tsn m) {
        Tensor w = m.newFc().weight();
        Tensor big = Tensor.uniform(new SplittableRandom(9), -0.5, 0.5, w.shape().toArray());
        w.backend().copy(big, w);
    }

    @Test void offlineUniDirectionalModelIsCausal() {
        Tsn m = model("tsm-mobilenetv2", T, true);
        tuneHead(m);
        Tensor clip = Tensor.uniform(new SplittableRandom(4), -2, 2, T, 3, SIZE, SIZE);
        Tensor changed = Tensor.cat(java.util.List.of(clip.narrow(0, 0, 3), clip.narrow(0, 3, 2).mul(-1)), 0);   // frames 3, 4 differ
        try (var g = GradMode.disable()) {
            float[] a = m.frameLogits(clip).toFloatArray(), b = m.frameLogits(changed).toFloatArray();
            for (int i = 0; i < 3 * K; i++) assertEquals(a[i], b[i], 0, "frames 0..2 do not see frames 3, 4 (logit " + i + ")");
            boolean later = false;
            for (int i = 3 * K; i < T * K; i++) later |= a[i] != b[i];
            assertTrue(later, "frames 3, 4 changed");
            Tsn bi = model("tsm-mobilenetv2", T, false);
            bi.loadStateDict(m.stateDict(), true);
            float[] c = bi.frameLogits(clip).toFloatArray(), d = bi.frameLogits(changed).toFloatArray();
            boolean leaks = false;
            for (int i = 0; i < 3 * K; i++) leaks |= c[i] != d[i];
            assertTrue(leaks, "the bi-directional shift reads the next frame (the check above can fail)");
        }
    }

    /** tsm.online trains like the bi-directional model: gradients reach the shifted convs, and only flow backwards in time. */
    @Test void onlineModelTrainsAndItsGradientsRespectCausality() {
        Tsn m = model("tsm-resnet18", 3, true);
        m.train(true);
        Tensor clip = Tensor.uniform(new SplittableRandom(8), -2, 2, 2 * 3, 3, SIZE, SIZE);               // (N·T, 3, H, W)
        dev.saccade.tensor.ops.Functional.crossEntropy(m.forward(clip), Tensor.of(new long[] {1, 4}, 2)).backward();
        double[] g = m.namedParameters().get("base_model.layer1.0.conv1.net.weight").grad().toDoubleArray();
        assertTrue(java.util.Arrays.stream(g).allMatch(Double::isFinite) && java.util.Arrays.stream(g).anyMatch(v -> v != 0), "shifted conv gets a gradient");

        m.eval();                                                  // batch statistics would couple the frames
        Tensor x = Tensor.uniform(new SplittableRandom(9), -2, 2, 3, 3, SIZE, SIZE).setRequiresGrad(true);
        m.frameLogits(x).narrow(0, 1, 1).sum().backward();         // frame 1's logits
        double[] gx = x.grad().toDoubleArray();
        int plane = 3 * SIZE * SIZE;
        boolean past = false;
        for (int i = 0; i < plane; i++) past |= gx[i] != 0;
        for (int i = 2 * plane; i < 3 * plane; i++) assertEquals(0, gx[i], 0, "frame 2 does not influence frame 1 (element " + i + ")");
        assertTrue(past, "frame 0 influences frame 1 through the shift");
    }

    @Test void registryOptionMakesEveryShiftOnline() {
        Tsn m = model("tsm-resnet18", 4, true);
        long online = m.namedModules().values().stream().filter(x -> x instanceof TemporalShiftModule s && s.online()).count();
        assertEquals(8, online);
        assertTrue(m.namedModules().get("base_model.layer1.0.conv1").describe().contains("online"));
        assertTrue(model("tsm-resnet18", 4, false).namedModules().values().stream()
                .noneMatch(x -> x instanceof TemporalShiftModule s && s.online()));
        var e = assertThrows(IllegalArgumentException.class, () -> model("tsn-resnet18", 4, true));
        assertTrue(e.getMessage().contains("tsm.online") && e.getMessage().contains("tsn-resnet18"), e.getMessage());
    }

    @Test void bidirectionalModelRefusesToStream() {
        Tsn bi = model("tsm-resnet18", 1, false);
        var e = assertThrows(IllegalStateException.class,
                () -> new OnlineShiftState().step(() -> bi.forward(Tensor.zeros(1, 3, SIZE, SIZE))));
        assertTrue(e.getMessage().contains("bi-directional") && e.getMessage().contains("tsm.online=true"), e.getMessage());
    }

    @Test void resetStartsAFreshStreamAndSizeChangesNeedIt() {
        Tsn m = model("tsm-mobilenetv2", 1, true);
        tuneHead(m);
        Tensor a = Tensor.uniform(new SplittableRandom(5), -2, 2, 1, 3, SIZE, SIZE), b = Tensor.uniform(new SplittableRandom(6), -2, 2, 1, 3, SIZE, SIZE);
        try (var g = GradMode.disable()) {
            OnlineShiftState s = new OnlineShiftState();
            float[] first = s.step(() -> m.forward(b)).toFloatArray();
            s.step(() -> m.forward(a));
            float[] afterA = s.step(() -> m.forward(b)).toFloatArray();
            boolean differs = false;
            for (int k = 0; k < K; k++) differs |= first[k] != afterA[k];
            assertTrue(differs, "the cache carries frame a into b's prediction");
            s.reset();
            assertEquals(0, s.layers());
            float[] fresh = s.step(() -> m.forward(b)).toFloatArray();
            for (int k = 0; k < K; k++) assertEquals(first[k], fresh[k], 0, "after reset() the first frame sees zeros");
            var e = assertThrows(IllegalArgumentException.class, () -> s.step(() -> m.forward(Tensor.zeros(1, 3, 64, 64))));
            assertTrue(e.getMessage().contains("reset()"), e.getMessage());
        }
    }
}
