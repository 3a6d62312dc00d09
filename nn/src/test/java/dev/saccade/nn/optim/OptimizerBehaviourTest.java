package dev.saccade.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-computed single steps, skipping of parameters without gradients, and bad input. */
class OptimizerBehaviourTest {
    @Test void sgdFirstStepByHand() {
        Tensor w = Tensor.of(new float[] {1, -2}, 2).setRequiresGrad(true);
        Sgd sgd = new Sgd(List.of(new ParamGroup("g", List.of(w), 3, 2)), 0.1, 0.9, 0.01, false);
        w.setGrad(Tensor.of(new float[] {0.5f, 1}, 2));
        sgd.step();
        // d = g + 0.02·w = {0.52, 0.96}; v = d; w −= 0.3·d
        assertArrayEquals(new float[] {1 - 0.3f * 0.52f, -2 - 0.3f * 0.96f}, w.toFloatArray(), 1e-6f);
        // second step with the same gradient: v = 0.9·v + d'
        w.setGrad(Tensor.of(new float[] {0.5f, 1}, 2));
        float[] w1 = w.toFloatArray();
        sgd.step();
        double d0 = 0.5 + 0.02 * w1[0], d1 = 1 + 0.02 * w1[1];
        double v0 = 0.9 * 0.52 + d0, v1 = 0.9 * 0.96 + d1;
        assertArrayEquals(new float[] {(float) (w1[0] - 0.3 * v0), (float) (w1[1] - 0.3 * v1)}, w.toFloatArray(), 1e-6f);
    }

    @Test void parametersWithoutGradientAreLeftAloneAndGetNoState() {
        Tensor a = Tensor.of(new float[] {1}, 1).setRequiresGrad(true);
        Tensor b = Tensor.of(new float[] {2}, 1).setRequiresGrad(true);
        AdamW adam = new AdamW(List.of(ParamGroup.all(List.of(a, b))), 0.1);
        a.setGrad(Tensor.of(new float[] {1}, 1));
        adam.step();
        assertEquals(2f, b.toFloatArray()[0]);
        assertTrue(a.toFloatArray()[0] < 1);
        assertEquals(java.util.Set.of("exp_avg.0", "exp_avg_sq.0", "step.0"), adam.state().keySet());
        assertEquals(1L, (long) adam.state().get("step.0").item());
        adam.zeroGrad();
        assertNull(a.grad());
    }

    @Test void badStateIsRejectedWithTheKey() {
        Tensor a = Tensor.zeros(3).setRequiresGrad(true);
        Sgd sgd = new Sgd(List.of(a), 0.1, 0.9, 0);
        var e1 = assertThrows(IllegalArgumentException.class, () -> sgd.loadState(Map.of("momentum_buffer.5", Tensor.zeros(3))));
        assertTrue(e1.getMessage().contains("momentum_buffer.5"), e1.getMessage());
        var e2 = assertThrows(RuntimeException.class, () -> sgd.loadState(Map.of("momentum_buffer.0", Tensor.zeros(4))));
        assertTrue(e2.getMessage().contains("momentum_buffer.0") && e2.getMessage().contains("(4,)"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> sgd.loadState(Map.of("exp_avg.0", Tensor.zeros(3))));
        assertTrue(e3.getMessage().contains("exp_avg.0"), e3.getMessage());
    }

    @Test void aParameterInTwoGroupsIsAnError() {
        Tensor a = Tensor.zeros(3).setRequiresGrad(true);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Sgd(List.of(new ParamGroup("x", List.of(a), 1, 1), new ParamGroup("y", List.of(a), 2, 0)), 0.1, 0.9, 0, false));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("'y'"), e.getMessage());
    }

    @Test void learningRateIsSettable() {
        Sgd sgd = new Sgd(List.of(Tensor.zeros(1).setRequiresGrad(true)), 0.1, 0, 0);
        sgd.setLearningRate(0.02);
        assertEquals(0.02, sgd.learningRate());
        assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(Double.NaN));
    }
}
