package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.PooledTemporalConv;
import dev.saccade.tensor.ops.TapSums;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CpuPooledTemporalConv}: xs bit for bit against the {@code TemporalConv} kernel, and the spatial and channel
 * means against {@link PooledTemporalConv#composed} in double, and the tap sums taken in the same pass against
 * {@link TapSums#composed} of the double xs; T ∈ {1, 3, 8, 16}, planes shorter than a vector, not
 * a multiple of it, and ResNet-50-like; one and several clips; channel counts that split unevenly over the blocks.
 */
class PooledTemporalConvKernelTest {

    @ParameterizedTest(name = "T={0} clips={1} C={2} H={3} W={4}")
    @CsvSource({"1, 2, 3, 4, 5", "3, 2, 5, 3, 3", "8, 1, 16, 7, 7", "8, 2, 33, 14, 14", "16, 1, 7, 5, 9", "8, 1, 64, 28, 28",
            "3, 3, 1, 2, 2", "3, 2, 4, 1, 6", "8, 1, 3, 5, 1", "1, 1, 2, 1, 1"})
    void matchesTheComposedOps(int frames, int clips, int c, int h, int w) {
        SplittableRandom rng = new SplittableRandom(frames * 17L + c);
        Tensor x = Tensor.uniform(rng, -1, 1, clips * frames, c, h, w), k = Tensor.uniform(rng, -1, 1, c, 1, 3);
        Tensor[] fused;
        try (var noGrad = GradMode.disable()) { fused = PooledTemporalConv.inference(x, k, frames); }
        assertArrayEquals(Functional.temporalConv(x, k, frames).toFloatArray(), fused[0].toFloatArray(), "xs");
        Tensor[] expected = PooledTemporalConv.composed(x.to(DType.F64), k.to(DType.F64), frames);
        String at = "T=" + frames + " " + x.shape();
        assertClose(at + " spatial mean", expected[1].toDoubleArray(), fused[1].toDoubleArray(), 1e-6, 1e-5);
        assertClose(at + " channel mean", expected[2].toDoubleArray(), fused[2].toDoubleArray(), 1e-6, 1e-5);
        assertArrayEquals(expected[1].shape().toArray(), fused[1].shape().toArray());
        assertArrayEquals(expected[2].shape().toArray(), fused[2].shape().toArray());

        Tensor[] withTaps;                                             // the same pass with each xs plane's tap sums
        try (var noGrad = GradMode.disable()) { withTaps = PooledTemporalConv.inferenceWithTaps(x, k, frames); }
        for (int i = 0; i < 3; i++) assertArrayEquals(fused[i].toFloatArray(), withTaps[i].toFloatArray(), "output " + i);
        assertArrayEquals(new int[] {clips * frames, 3, 3, c}, withTaps[3].shape().toArray());
        assertClose(at + " tap sums", TapSums.composed(expected[0]).toDoubleArray(), withTaps[3].toDoubleArray(), 1e-5, 1e-5);
    }

    /**
     * The kernel's own tap sums on planes on both sides of {@link CpuPooledTemporalConv#GATHERED_TAPS_BELOW} (read
     * back a lane per channel below it, in groups of channels that do and do not fill a vector, and plane by plane
     * above), rows and columns of one pixel included: equal to {@link CpuTapSums}' scalar twin on its xs within float
     * rounding.
     */
    @ParameterizedTest(name = "T={0} C={1} H={2} W={3}")
    @CsvSource({"8, 5, 7, 7", "3, 4, 1, 9", "4, 3, 14, 14", "2, 2, 2, 1", "8, 37, 14, 14", "3, 19, 7, 1", "2, 17, 20, 21"})
    void kernelTapSumsOnEveryPlaneSize(int frames, int c, int h, int w) {
        SplittableRandom rng = new SplittableRandom(frames * 7L + c * h + w);
        int clips = 2, s = h * w;
        float[] x = new float[clips * frames * c * s];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
        double[] k = new double[3 * c];
        for (int i = 0; i < k.length; i++) k[i] = rng.nextDouble(-1, 1);
        float[] y = new float[x.length], spatial = new float[clips * frames * c], channel = new float[clips * frames * s];
        float[] taps = new float[9 * clips * frames * c], expected = new float[taps.length];
        CpuPooledTemporalConv.forward(x, 0, k, clips, frames, c, s, h, y, spatial, channel, taps);
        CpuTapSums.forwardScalar(y, 0, clips * frames, c, h, w, expected);
        assertClose("T=" + frames + " C=" + c + " " + h + "×" + w + " tap sums", expected, taps, 1e-5, 1e-5);
    }

    /** The means must not depend on whether the interpreter or the JIT ran the kernel (no lane reductions in an unspecified order). */
    @Test
    void sameBitsInterpretedAndCompiled() {
        SplittableRandom rng = new SplittableRandom(9);
        int clips = 2, frames = 4, c = 8, s = 7 * 7;
        float[] x = new float[clips * frames * c * s];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1) * 1000;   // large: rounding shows
        double[] k = {0.3, 0.9, -0.7, 0.2, 1.1, 0.4, -0.5, 0.8, 0.6, 0.1, 0.7, -0.2, 0.9, 0.5, 0.3, -0.4, 1.0, 0.2,
                0.6, 0.6, 0.6, -0.1, 0.9, 0.3};
        float[] y = new float[x.length], first = new float[clips * frames * c], again = new float[first.length];
        float[] channel = new float[clips * frames * s];
        CpuPooledTemporalConv.forward(x, 0, k, clips, frames, c, s, y, first, channel);
        for (int round = 0; round < 3000; round++) {
            CpuPooledTemporalConv.forward(x, 0, k, clips, frames, c, s, y, again, channel);
            assertArrayEquals(first, again, "round " + round);
        }
    }

    @Test
    void evaluationOnly() {
        Tensor x = Tensor.zeros(4, 2, 3, 3), k = Tensor.zeros(2, 1, 3);
        assertThrows(IllegalStateException.class, () -> PooledTemporalConv.inference(x, k, 2));
    }
}
