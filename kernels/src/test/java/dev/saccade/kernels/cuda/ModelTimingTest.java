package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.kernels.cuda.fakezoo.FakeSgd;
import dev.saccade.kernels.cuda.fakezoo.ModelConfig;
import dev.saccade.kernels.cuda.fakezoo.ModelRegistry;
import dev.saccade.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * GPU-free checks of {@link ModelTiming}'s reflective route into the model zoo (against stand-ins with the zoo's API:
 * {@code ModelRegistry.standard().create(ModelConfig.of(id, frames, classes, size))}) and of its loss.
 */
class ModelTimingTest {
    private static final String FAKE_ZOO = "dev.saccade.kernels.cuda.fakezoo";

    @Test
    void buildsTheModelThroughTheRegistryAndConfigFactory() throws Exception {
        ModelTiming.ZooModel m = ModelTiming.load(FAKE_ZOO, FakeSgd.class.getName(), "tsm-resnet50", 8, 400, 224);
        ModelRegistry.Model module = (ModelRegistry.Model) m.module();
        assertEquals(ModelConfig.of("tsm-resnet50", 8, 400, 224), module.config);
        m.train(true);
        assertTrue(module.training);
        assertEquals(6f, m.forward(Tensor.of(new float[] {3f}, 1)).toFloatArray()[0]);
        FakeSgd sgd = (FakeSgd) m.sgd();
        assertEquals(module.parameters(), sgd.params);
        assertEquals(0.9, sgd.momentum);
        m.zeroGrad();
        m.step();
        assertEquals(1, sgd.zeroGrads);
        assertEquals(1, sgd.steps);
    }

    @Test
    void unknownIdsAndMissingZooAreReportedNotSwallowed() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ModelTiming.load(FAKE_ZOO, FakeSgd.class.getName(), "tsm_resnet50", 8, 400, 224));
        assertTrue(bad.getMessage().contains("tsm_resnet50"), bad.getMessage());
        assertThrows(ClassNotFoundException.class,
                () -> ModelTiming.load("dev.saccade.kernels.cuda.nozoo", FakeSgd.class.getName(), "tsm-resnet50", 8, 400, 224));
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogLikelihood() {
        Tensor logits = Tensor.of(new double[] {1, 2, 3, 0, 0, 0}, 2, 3);
        Tensor labels = Tensor.of(new long[] {2, 0}, 2);
        double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))), l1 = Math.log(3);
        assertEquals((l0 + l1) / 2, ModelTiming.crossEntropy(logits, labels).item(), 1e-12);
    }
}
