package dev.saccade.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.testing.Tolerance;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LossesTest {
    @Test void crossEntropyValue() {
        Tensor logits = Tensor.of(new float[] {1, 2, 3, 0, 0, 0}, 2, 3);
        Tensor loss = new CrossEntropyLoss().apply(logits, Tensor.of(new long[] {2, 0}, 2), 0);
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertEquals(((lse - 3) + Math.log(3)) / 2, loss.item(), 1e-6);
    }

    @Test void nonFiniteLossNamesTheStep() {
        Tensor logits = Tensor.of(new float[] {Float.NaN, 0, 1, 2}, 2, 2);
        var e = assertThrows(ArithmeticException.class, () -> new CrossEntropyLoss().apply(logits, Tensor.of(new long[] {0, 1}, 2), 1234));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("step 1234"), e.getMessage());
        assertTrue(Double.isNaN(new CrossEntropyLoss(false).apply(logits, Tensor.of(new long[] {0, 1}, 2)).item()));
    }

    /** (F, C, H, W) = (3, 2, 2, 2); frame 1 identical so its gradient is 0 (not NaN). */
    @Test void featureL2ValueAndGradient() {
        SplittableRandom rng = new SplittableRandom(5);
        float[] q = new float[24], p = new float[24];
        for (int i = 0; i < 24; i++) { q[i] = (float) rng.nextGaussian(); p[i] = i / 8 == 1 ? q[i] : (float) rng.nextGaussian(); }
        double[] norms = new double[3];
        for (int f = 0; f < 3; f++) {
            double s = 0;
            for (int i = 8 * f; i < 8 * f + 8; i++) s += (q[i] - p[i]) * (double) (q[i] - p[i]);
            norms[f] = Math.sqrt(s);
        }
        Tensor tq = Tensor.of(q, 3, 2, 2, 2).setRequiresGrad(true), tp = Tensor.of(p, 3, 2, 2, 2).setRequiresGrad(true);
        Tensor loss = FeatureL2Loss.apply(tq, tp);
        assertEquals((norms[0] + norms[1] + norms[2]) / 3, loss.item(), 1e-6);
        loss.backward();
        double[] expected = new double[24], expectedP = new double[24];
        for (int i = 0; i < 24; i++) {
            double n = norms[i / 8];
            expected[i] = n == 0 ? 0 : (q[i] - p[i]) / (3 * n);
            expectedP[i] = -expected[i];
        }
        Tolerance.assertClose("dL/dy_Q", expected, tq.grad().toDoubleArray(), 1e-7, 1e-5);
        Tolerance.assertClose("dL/dy_P", expectedP, tp.grad().toDoubleArray(), 1e-7, 1e-5);
    }

    @Test void featureL2GradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(6);
        double[] q = new double[12], p = new double[12];
        for (int i = 0; i < 12; i++) { q[i] = rng.nextGaussian(); p[i] = rng.nextGaussian(); }
        Tensor tq = Tensor.of(q, 2, 3, 2).setRequiresGrad(true);
        FeatureL2Loss.apply(tq, Tensor.of(p, 2, 3, 2)).backward();
        double[] analytic = tq.grad().toDoubleArray();
        double h = 1e-6;
        for (int i = 0; i < 12; i++) {
            double[] plus = q.clone(), minus = q.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (FeatureL2Loss.apply(Tensor.of(plus, 2, 3, 2), Tensor.of(p, 2, 3, 2)).item()
                    - FeatureL2Loss.apply(Tensor.of(minus, 2, 3, 2), Tensor.of(p, 2, 3, 2)).item()) / (2 * h);
            assertEquals(numeric, analytic[i], 1e-6, "element " + i);
        }
    }

    @Test void featureL2RejectsDifferentShapes() {
        var e = assertThrows(ShapeException.class, () -> FeatureL2Loss.apply(Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("(2, 3)") || e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
