package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.ops.SgdStep;
import dev.saccade.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one-pass SGD update ({@link CpuSgdStep}) against {@link SgdStep#composed}, the composed definition (scalar multiply,
 * add, copy, axpy), SIMD on and off, on sizes with and without a vector tail and above the per-task grain, and two
 * steps in a row (the first writes v = d, the second reads it).
 */
class SgdStepKernelTest {
    @AfterEach void restore() { Simd.setEnabled(true); }


    @ParameterizedTest(name = "n={0} wd={1} momentum={2} nesterov={3} simd={4}")
    @CsvSource({
            "37, 0, 0, false, true", "37, 1e-4, 0, false, true", "1031, 5e-4, 0.9, false, true", "1031, 5e-4, 0.9, true, true",
            "200003, 1e-4, 0.9, false, true", "16, 0, 0.9, false, true", "1031, 5e-4, 0.9, true, false", "37, 1e-4, 0, false, false"})
    void equalsTheComposedUpdate(int n, double wd, double momentum, boolean nesterov, boolean simd) {
        SplittableRandom rng = new SplittableRandom(n);
        Tensor w0 = Tensor.uniform(rng, -1, 1, n), g1 = Tensor.uniform(rng, -1, 1, n), g2 = Tensor.uniform(rng, -1, 1, n);
        Tensor wf = Tensor.of(w0.toFloatArray(), n), wc = Tensor.of(w0.toFloatArray(), n);
        Tensor vf = momentum > 0 ? Tensor.zeros(n) : null, vc = momentum > 0 ? Tensor.zeros(n) : null;
        Simd.setEnabled(simd);
        for (int step = 0; step < 2; step++) {
            Tensor g = step == 0 ? g1 : g2;
            assertTrue(CpuSgdStep.supports(wf, g, vf));
            wf.backend().sgdStep(wf, g, vf, 0.1, wd, momentum, nesterov, step == 0);
            SgdStep.composed(wc.backend(), wc, g, vc, 0.1, wd, momentum, nesterov, step == 0);
        }
        Simd.setEnabled(true);
        assertUlps("w", wc.toFloatArray(), wf.toFloatArray());
        if (vf != null) assertUlps("v", vc.toFloatArray(), vf.toFloatArray());
        float moved = Math.abs(wf.toFloatArray()[n / 2] - w0.toFloatArray()[n / 2]);
        assertTrue(moved > 1e-4, "the update moved w[" + n / 2 + "] by " + moved);
    }

    /**
     * Equal within a few ulps: the composed ops' scalar paths compute in double and round once to float (with SIMD
     * off, axpy also keeps lr in double), the one-pass kernel rounds in float throughout; over two steps the two
     * differ by a few ulps (up to 5e-8 at |w| ≈ 0.1 with SIMD off). A wrong term (weight decay, momentum, the Nesterov
     * look-ahead) moves w by ≥ 5e-6.
     */
    private static void assertUlps(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            assertTrue(Math.abs(e - a) <= 4 * Math.ulp(e) + 2e-7f, what + "[" + i + "]: expected " + e + ", got " + a);
        }
    }
}
