package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.TapSums;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CpuTapSums}: the edge-and-corner kernel against its scalar twin (each tap's rectangle summed) and the op
 * against {@link TapSums#composed} in double, on planes of one row or column, 2 × 2, shorter than a vector, not a
 * multiple of it, and ResNet-50-like; a strided view. What the sums are for: the plane mean of a depthwise 3×3
 * "same" convolution is {@code Σ_uv k[u, v]·taps[u, v] / (H·W)}.
 */
class TapSumsKernelTest {

    @ParameterizedTest(name = "N={0} C={1} H={2} W={3}")
    @CsvSource({"1, 1, 1, 1", "2, 3, 1, 5", "2, 3, 5, 1", "1, 2, 2, 2", "3, 5, 7, 9", "2, 4, 3, 17", "1, 3, 56, 56",
            "8, 16, 14, 14", "2, 2, 7, 7"})
    void kernelMatchesItsScalarTwinAndTheComposedOps(int n, int c, int h, int w) {
        SplittableRandom rng = new SplittableRandom(n * 31L + c * 7L + h * 3L + w);
        Tensor x = Tensor.uniform(rng, -1, 1, n, c, h, w);
        float[] xf = x.toFloatArray(), kernel = new float[9 * n * c], twin = new float[kernel.length];
        CpuTapSums.forward(xf, 0, n, c, h, w, kernel);
        CpuTapSums.forwardScalar(xf, 0, n, c, h, w, twin);
        String at = x.shape().toString();
        assertClose(at + " kernel vs twin", toDouble(twin), toDouble(kernel), 1e-5, 1e-5);
        Tensor op;
        try (var noGrad = GradMode.disable()) { op = TapSums.inference(x); }
        assertArrayEquals(new int[] {n, 3, 3, c}, op.shape().toArray());
        assertClose(at + " op vs composed", TapSums.composed(x.to(DType.F64)).toDoubleArray(), op.toDoubleArray(), 1e-5, 1e-5);
    }

    /** The reason for the op: a depthwise 3×3 conv's plane mean from the taps, against the conv itself. */
    @Test
    void depthwiseMeanFromTheTaps() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 3, c = 4, h = 9, w = 6;
        Tensor x = Tensor.uniform(rng, -1, 1, n, c, h, w).to(DType.F64), k = Tensor.uniform(rng, -1, 1, c, 1, 3, 3).to(DType.F64);
        Tensor expected = Functional.conv2d(x, k, null, 1, 1, 1, c).mean(2, 3);                     // (N, C)
        Tensor fromTaps = TapSums.composed(x).mul(k.reshape(c, 3, 3).permute(1, 2, 0)).sum(1, 2).div(h * w);   // (N, C)
        assertClose("mean of dw3x3", expected.toDoubleArray(), fromTaps.toDoubleArray(), 1e-12, 1e-12);
    }

    @Test
    void aStridedViewIsReadAsItsValues() {
        SplittableRandom rng = new SplittableRandom(11);
        Tensor base = Tensor.uniform(rng, -1, 1, 2, 6, 5, 8), view = base.narrow(1, 1, 3).narrow(3, 2, 5);
        try (var noGrad = GradMode.disable()) {
            assertClose("view", TapSums.composed(view.contiguous()).toDoubleArray(), TapSums.inference(view).toDoubleArray(), 1e-6, 1e-6);
        }
    }

    @Test
    void evaluationOnlyAndShapeChecked() {
        assertThrows(IllegalStateException.class, () -> TapSums.inference(Tensor.zeros(1, 2, 3, 3)));
        try (var noGrad = GradMode.disable()) {
            var e = assertThrows(dev.saccade.tensor.ShapeException.class, () -> TapSums.inference(Tensor.zeros(2, 3, 3)));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("(N, C, H, W)"), e.getMessage());
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
