package dev.saccade.models.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.saccade.kernels.cuda.Cuda;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model id of the zoo on CUDA against the CPU: the same weights (the CPU model's state dict loaded into the
 * CUDA one), the forward logits of a (N·T, 3, 32, 32) clip batch in training mode, and the gradients of one
 * cross-entropy backward for every parameter. Small models (ResNet width 16, 32² input, T = 4) keep it to seconds.
 * Skipped without a GPU (run by scripts/gpu-check.sh).
 */
class ZooCudaParityTest {
    private static final int FRAMES = 4, CLASSES = 5, SIZE = 32, CLIPS = 2;

    static Stream<String> ids() { return ModelRegistry.standard().list().stream(); }

    /** The model of {@code id} with its parameters created on {@code device} (the default device while building). */
    private static Tsn build(String id, Device device) {
        String old = System.getProperty("saccade.device");
        System.setProperty("saccade.device", device.toString());
        try {
            ModelConfig cfg = new ModelConfig(id, FRAMES, CLASSES, SIZE, 0.0, 7, Map.of("resnet.width", "16"));
            return ModelRegistry.standard().create(cfg);
        } finally {
            if (old == null) System.clearProperty("saccade.device");
            else System.setProperty("saccade.device", old);
        }
    }

    /** {logits, gradient of every parameter} after one cross-entropy backward, as float arrays. */
    private static List<float[]> step(Tsn model, Tensor clips, Tensor labels) {
        model.train(true);
        model.zeroGrad();
        Tensor logits = model.forward(clips);                                            // (N, K)
        Tensor loss = logits.logSoftmax(1).gather(1, labels.reshape(-1, 1)).mean().neg();
        loss.backward();
        List<float[]> out = new ArrayList<>();
        out.add(logits.toFloatArray());
        for (Tensor p : model.parameters()) out.add(p.grad() == null ? new float[0] : p.grad().toFloatArray());
        return out;
    }

    @ParameterizedTest
    @MethodSource("ids")
    void forwardAndOneTrainingStepMatchTheCpu(String id) {
        assumeTrue(Cuda.available(), () -> "no CUDA: " + Cuda.unavailableReason());
        Tsn cpu = build(id, Device.CPU), gpu = build(id, Device.cuda(0));
        gpu.loadStateDict(cpu.stateDict(), true);
        SplittableRandom rng = new SplittableRandom(11);
        Tensor clips = Tensor.randn(rng, CLIPS * FRAMES, 3, SIZE, SIZE);                  // (N·T, 3, 32, 32) on the CPU
        Tensor labels = Tensor.of(new long[] {1, 3}, CLIPS);
        List<float[]> expected = step(cpu, clips, labels);
        List<float[]> actual = step(gpu, clips.to(Device.cuda(0)), labels.to(Device.cuda(0)));
        assertEquals(expected.size(), actual.size(), id + ": parameter count");
        for (int i = 0; i < expected.size(); i++) {
            float[] e = expected.get(i), a = actual.get(i);
            assertEquals(e.length, a.length, id + ": tensor " + i + " size");
            double scale = 1e-12;
            for (float v : e) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < e.length; j++) {
                double d = Math.abs(e[j] - a[j]);
                final int at = j, which = i;
                assertTrue(d <= 2e-3 * scale + 1e-5, () -> id + ": " + (which == 0 ? "logits" : "gradient of parameter " + (which - 1))
                        + " element " + at + ": cpu " + e[at] + ", cuda " + a[at]);
            }
        }
    }
}
