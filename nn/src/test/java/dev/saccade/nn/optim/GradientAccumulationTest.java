package dev.saccade.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.layers.Linear;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.testing.Tolerance;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** k scaled micro-batch backwards sum to the gradient of the mean loss over the whole batch. */
class GradientAccumulationTest {
    @Test void microBatchesSumToTheFullBatchGradient() {
        Linear fc = new Linear(4, 3, true, new SplittableRandom(1));
        Tensor x = Tensor.randn(new SplittableRandom(2), 8, 4);
        Tensor labels = Tensor.of(new long[] {0, 1, 2, 0, 1, 2, 2, 1}, 8);

        dev.saccade.tensor.ops.Functional.crossEntropy(fc.forward(x), labels).backward();
        float[] full = fc.weight().grad().toFloatArray();
        fc.zeroGrad();

        GradientAccumulation acc = new GradientAccumulation(4);
        int steps = 0;
        for (int i = 0; i < 4; i++) {
            Tensor xi = x.narrow(0, 2 * i, 2), yi = labels.narrow(0, 2 * i, 2);
            acc.scale(dev.saccade.tensor.ops.Functional.crossEntropy(fc.forward(xi), yi)).backward();
            if (acc.microBatchDone()) steps++;
            else assertEquals(i + 1, acc.pending());
        }
        assertEquals(1, steps);
        Tolerance.assertClose("accumulated grad", full, fc.weight().grad().toFloatArray(), 1e-6, 1e-5);
    }

    @Test void countsGroupsOfK() {
        GradientAccumulation acc = new GradientAccumulation(2);
        assertFalse(acc.microBatchDone());
        assertTrue(acc.microBatchDone());
        assertFalse(acc.microBatchDone());
        acc.reset();
        assertEquals(0, acc.pending());
        assertThrows(IllegalArgumentException.class, () -> new GradientAccumulation(0));
    }
}
