package dev.saccade.models.tsn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.nn.checkpoint.Checkpoints;
import dev.saccade.nn.io.Npy;
import dev.saccade.nn.io.RawArray;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.Functional;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with the official TSM code: goldens written by {@code scripts/make_model_goldens.py} from
 * {@code ops.models.TSN} (random weights, non-trivial BN statistics), loaded here through {@link TsnCheckpoint}
 * (the real {@code .pth} reader and {@link OfficialKeys}). Every {@code tsm_<backbone>.pth} in the goldens folder is
 * checked; the repository carries MobileNetV2 (ResNet-18's 45 MB stay local).
 */
class OfficialParityTest {
    private static final int FRAMES = 4, CLASSES = 10;
    /**
     * Gradients pass back through every train-mode BatchNorm (batch statistics over N·T = 8 frames, 2×2 pixels in
     * the last stage), which amplifies fp32 rounding: on this golden PyTorch's own fp32 gradients of
     * features.0.0 and features.3.conv.0 differ from its fp64 ones by 2.6e-3 and 7.9e-3 (relative to the max).
     */
    private static final double GRAD_TOLERANCE = 1e-2;

    static Path dir() throws URISyntaxException {
        return Path.of(OfficialParityTest.class.getResource("/goldens/models/clip.npy").toURI()).getParent();
    }

    static Stream<String> backbones() throws Exception {
        List<String> out = new ArrayList<>();
        try (var files = Files.list(dir())) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("tsm_") && n.endsWith(".pth"))
                 .forEach(n -> out.add(n.substring(4, n.length() - 4)));
        }
        assertTrue(out.contains("mobilenetv2"), "the MobileNetV2 golden must be present, found " + out);
        return out.stream().sorted();
    }

    private static Tensor npy(String name) throws Exception { return Checkpoints.toTensor(Npy.read(dir().resolve(name))); }

    private static Tsn load(String modules, String backbone, double dropout) throws Exception {
        Tsn model = ModelRegistry.standard().create(new ModelConfig(modules + "-" + backbone, FRAMES, CLASSES, 64, dropout, 3, Map.of()));
        TsnCheckpoint.load(model, dir().resolve("tsm_" + backbone + ".pth"));
        return model;
    }

    /** max |a − b| / max |b|, printed as llm.c's check_tensor does. */
    private static double relError(String what, float[] got, float[] want) {
        assertEquals(want.length, got.length, what + ": length");
        double diff = 0, scale = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        System.out.printf("%-55s max |diff| %.3e, max |ref| %.3e%n", what, diff, scale);
        assertTrue(scale > 0, what + ": reference is all zeros");
        return diff / scale;
    }

    @ParameterizedTest @MethodSource("backbones")
    void evalLogitsMatchTsm(String backbone) throws Exception {
        Tsn model = load("tsm", backbone, 0.5);
        model.eval();
        Tensor logits;
        try (var g = GradMode.disable()) { logits = model.forward(npy("clip.npy")); }
        assertEquals(List.of(2, CLASSES), List.of(logits.dim(0), logits.dim(1)));
        assertTrue(relError("tsm-" + backbone + " eval logits", logits.toFloatArray(), npy("tsm_" + backbone + "_logits.npy").toFloatArray()) <= 1e-4);
    }

    /** The same file in the plain TSN: OfficialKeys drops the '.net' of the shift wrapper. */
    @ParameterizedTest @MethodSource("backbones")
    void evalLogitsMatchTsnWithoutShift(String backbone) throws Exception {
        Tsn model = load("tsn", backbone, 0.5);
        model.eval();
        Tensor logits;
        try (var g = GradMode.disable()) { logits = model.forward(npy("clip.npy")); }
        float[] tsn = npy("tsm_" + backbone + "_tsn_logits.npy").toFloatArray();
        assertTrue(relError("tsn-" + backbone + " eval logits", logits.toFloatArray(), tsn) <= 1e-4);
        float[] tsm = npy("tsm_" + backbone + "_logits.npy").toFloatArray();
        assertFalse(relError("tsn vs tsm (must differ)", tsn, tsm) < 1e-3, "the shift must change the logits");
    }

    @ParameterizedTest @MethodSource("backbones")
    void oneTrainingStepMatches(String backbone) throws Exception {
        Tsn model = load("tsm", backbone, 0.0);
        model.train(true);
        Map<String, RawArray> ref = Npy.readNpz(dir().resolve("tsm_" + backbone + "_train.npz"));
        Tensor loss = Functional.crossEntropy(model.forward(npy("clip.npy")), npy("labels.npy"));
        assertTrue(relError("train loss", new float[] {(float) loss.item()}, ref.get("loss").toFloats()) <= 1e-5);
        loss.backward();
        Map<String, Tensor> params = model.namedParameters();
        Map<String, Tensor> state = model.stateDict();
        int checked = 0;
        double worst = 0;
        for (var e : ref.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("running:")) {
                String name = key.substring(8);
                assertTrue(relError(name + " after a train forward", state.get(name).toFloatArray(), e.getValue().toFloats()) <= 1e-4);
            } else if (key.startsWith("grad:")) {
                String name = key.substring(5);
                Tensor p = params.get(name);
                assertTrue(p != null && p.grad() != null, name + " has no gradient");
                double ge = relError("grad " + name, p.grad().toFloatArray(), e.getValue().toFloats());
                worst = Math.max(worst, ge);
                // torch.optim.SGD, first step: buf = g + wd·w; w ← w − lr·buf. Compare the update itself.
                float[] w = p.toFloatArray(), g = p.grad().toFloatArray(), after = ref.get("after:" + name).toFloats();
                float[] update = new float[w.length], refUpdate = new float[w.length];
                for (int i = 0; i < w.length; i++) {
                    update[i] = (float) (0.01 * (g[i] + 5e-4 * w[i]));
                    refUpdate[i] = w[i] - after[i];
                }
                worst = Math.max(worst, relError("SGD update " + name, update, refUpdate));
                checked++;
            }
        }
        assertTrue(checked >= 4, "expected gradients for several parameters, checked " + checked);
        assertTrue(worst <= GRAD_TOLERANCE, "worst relative gradient error " + worst);
    }
}
