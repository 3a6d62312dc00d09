package dev.saccade.models.backbone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ResNet's inference forward reuses its activation buffers from one call to the next: each stage's input is handed
 * back once the stage has consumed it, so a steady-state forward allocates far less than the activations it writes.
 * (At 2 × 224² a steady-state tsn-resnet50 forward allocated 16.2 MB when the stage outputs were not handed back;
 * ACTION-Net's modules, whose shifted input and gate sum were not, made far more.)
 */
class ResNetInferenceMemoryTest {

    @ParameterizedTest
    @ValueSource(strings = {"tsn-resnet50", "action-resnet50"})
    void steadyStateForwardDoesNotAllocateTheActivations(String id) {
        // 2 frames of 224²: the stage outputs are (2, 256, 56, 56) … (2, 2048, 7, 7), 6.4 MB … 0.8 MB each
        Tsn model = ModelRegistry.standard().create(new ModelConfig(id, 2, 5, 224, 0.5, 7, Map.of()));
        model.eval();
        SplittableRandom rng = new SplittableRandom(3);
        float[] data = new float[2 * 3 * 224 * 224];
        for (int i = 0; i < data.length; i++) data[i] = (float) rng.nextGaussian();
        Tensor clip = Tensor.of(data, 1, 2, 3, 224, 224);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId(), allocated = Long.MAX_VALUE;
        long stage1Output = 4L * 2 * 256 * 56 * 56;                      // 6.4 MB, the largest activation a stage hands on
        try (var g = GradMode.disable()) {
            // the first calls fill the pool; the least of up to 30, so that calls still running vector code the JIT
            // has not compiled yet (interpreted Vector API code boxes every vector) do not decide it on a busy
            // machine (on 2 busy cores the second and third calls allocated 78 and 22 MB, the fourth on 3.1 MB)
            for (int call = 0; call < 30 && allocated >= 2 * stage1Output; call++) {
                long before = threads.getThreadAllocatedBytes(thread);
                model.forward(clip);
                allocated = Math.min(allocated, threads.getThreadAllocatedBytes(thread) - before);
            }
        }
        assertTrue(allocated < 2 * stage1Output, id + ": a steady-state forward allocated " + allocated + " bytes, more"
                + " than twice the first stage's output (" + stage1Output + "): are dead activations handed back to the pool?");
    }
}
