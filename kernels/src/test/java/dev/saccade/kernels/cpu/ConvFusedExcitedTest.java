package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.Functional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ConvFused#forwardExcited}: the 1×1 convolution of {@code x·(offset + channel + pixel)} with the gates
 * applied while x is packed, bit for bit the gate op ({@code Functional.gateSum}) followed by
 * {@link ConvFused#forward}, and within float rounding of the scalar definition; planes wider than a panel, narrower
 * (panels that straddle images), odd; several images per GEMM; residual and activation on and off; one and all threads.
 */
class ConvFusedExcitedTest {

    @ParameterizedTest(name = "N={0} C_in={1} C_out={2} H={3} W={4} residual={5} act={6} threads={7}")
    @CsvSource({
            "8, 16, 8, 14, 14, false, NONE, 0",
            "8, 16, 8, 14, 14, true, RELU, 0",
            "4, 24, 12, 56, 56, true, RELU, 0",       // one image per GEMM, whole panels
            "6, 9, 17, 5, 3, false, RELU, 0",         // 15-pixel planes: every panel spans images
            "3, 33, 5, 7, 7, true, NONE, 1",
            "2, 7, 3, 1, 1, false, NONE, 0",          // one pixel per image
            "5, 40, 24, 9, 11, true, RELU6, 1"})
    void theGatesReadWithXEqualTheGatedTensor(int n, int cIn, int cOut, int h, int w, boolean residual, ConvActivation act,
                                               int threads) {
        ConvGeometry g = ConvGeometry.conv2d(n, cIn, cOut, h, w, 1, 1, 0);
        Random rnd = new Random(n * 1009L + cIn * 31L + cOut + h * 7L + w);
        float[] x = KernelArrays.gaussian(rnd, g.inputLength()), wt = KernelArrays.gaussian(rnd, cOut * cIn);
        float[] bias = KernelArrays.gaussian(rnd, cOut), channel = KernelArrays.gaussian(rnd, n * cIn);
        float[] pixel = KernelArrays.gaussian(rnd, n * h * w), res = residual ? KernelArrays.gaussian(rnd, g.outputLength()) : null;
        PackedConvWeights pw = PackedConvWeights.pack(wt, bias, cOut, 1, cIn, false);

        float[] gated;                                                  // the gate op the excited read replaces
        try (var noGrad = GradMode.disable()) {
            gated = Functional.gateSum(Tensor.of(x, n, cIn, h, w), Tensor.of(channel, n, cIn, 1, 1), Tensor.of(pixel, n, 1, h, w), 3)
                    .toFloatArray();
        }
        float[] expected = new float[g.outputLength()], got = new float[g.outputLength()], scalar = new float[g.outputLength()];
        java.util.Arrays.fill(got, Float.NaN);
        try (var limit = CpuThreads.limit(threads == 0 ? CpuThreads.threads() : threads)) {
            ConvFused.forward(g, gated, pw, res, act, 0, 0, expected);
            ConvFused.forwardExcited(g, x, pw, res, act, channel, pixel, 3, got);
        }
        assertArrayEquals(expected, got, g.toString());
        ConvFused.forwardScalar(g, gated, wt, bias, res, act, 0, 0, scalar);
        KernelArrays.assertClose(g + " against the scalar definition", scalar, got);
    }

    /**
     * The op ({@code InferenceConv.applyExcited}) on the CPU backend: the gate op then {@code InferenceConv.apply}, for a
     * 1×1 conv (the excited read) and a 3×3 one (the composed default); gates of the wrong shape and gradients on
     * are refused, naming the gate.
     */
    @org.junit.jupiter.api.Test
    void theOpMatchesTheGateThenTheConvolutionAndChecksItsGates() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        Tensor x = Tensor.uniform(rng, -1, 1, 6, 8, 5, 7), channel = Tensor.uniform(rng, -1, 1, 6, 8, 1, 1);
        Tensor pixel = Tensor.uniform(rng, -1, 1, 6, 1, 5, 7), residual = Tensor.uniform(rng, -1, 1, 6, 4, 5, 7);
        for (int k : new int[] {1, 3}) {
            dev.saccade.tensor.ops.PreparedConv c = x.backend().prepareConv(Tensor.uniform(rng, -1, 1, 4, 8, k, k),
                    Tensor.uniform(rng, -1, 1, 4), dev.saccade.tensor.ops.ConvParams.uniform(2, 1, k / 2, 1, 1));
            try (var noGrad = GradMode.disable()) {
                float[] expected = dev.saccade.tensor.ops.InferenceConv.apply(Functional.gateSum(x, channel, pixel, 3), c, residual,
                        ConvActivation.RELU, 0, 0).toFloatArray();
                float[] got = dev.saccade.tensor.ops.InferenceConv.applyExcited(x, c, channel, pixel, 3, residual, ConvActivation.RELU)
                        .toFloatArray();
                assertArrayEquals(expected, got, "k=" + k);
                var e = assertThrows(dev.saccade.tensor.ShapeException.class, () -> dev.saccade.tensor.ops.InferenceConv.applyExcited(
                        x, c, channel.narrow(1, 0, 7), pixel, 3, null, ConvActivation.NONE));
                assertTrue(e.getMessage().contains("channel gate"), e.getMessage());
                e = assertThrows(dev.saccade.tensor.ShapeException.class, () -> dev.saccade.tensor.ops.InferenceConv.applyExcited(
                        x, c, channel, pixel.narrow(3, 0, 6), 3, null, ConvActivation.NONE));
                assertTrue(e.getMessage().contains("pixel gate"), e.getMessage());
            }
            assertThrows(IllegalStateException.class, () -> dev.saccade.tensor.ops.InferenceConv.applyExcited(x, c, channel, pixel, 3,
                    null, ConvActivation.NONE));
        }
    }

    @ParameterizedTest(name = "k={0} groups={1}")
    @CsvSource({"3, 1", "1, 2"})
    void onlyForUngroupedPointwiseConvolutions(int k, int groups) {
        ConvGeometry g = ConvGeometry.of(2, 4, 4, groups, new int[] {5, 5}, new int[] {k, k}, new int[] {1, 1},
                new int[] {k / 2, k / 2}, new int[] {1, 1});
        PackedConvWeights pw = PackedConvWeights.pack(new float[4 * (4 / groups) * k * k], null, 4, groups, 4 / groups * k * k, false);
        var e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forwardExcited(g, new float[g.inputLength()], pw,
                null, ConvActivation.NONE, new float[8], new float[50], 3, new float[g.outputLength()]));
        assertTrue(e.getMessage().contains("1×1"), e.getMessage());
    }
}
