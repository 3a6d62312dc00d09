package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.PreparedConv;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ConvFused#forwardUpGated}: a 1×1 convolution of M2A's excitation {@code u = x·(1 + σ(conv_up(a)))}, u made
 * as the panels are packed ({@link UpGatedPanels}), bit for bit {@link ConvFused#forwardGated} (u written) followed by
 * {@link ConvFused#forward} with TSM's shift read in place, and within float rounding of the scalar definitions.
 * Planes of whole panels and planes whose panels straddle images, tails; shift folds on and off the MR-row panels of
 * conv_up, T = 1, 3, 8 and several clips, no shift; C not a multiple of MR; K over two blocks; residual and
 * activations; one and all threads.
 */
class ConvFusedUpGatedTest {

    @ParameterizedTest(name = "N={0} T={1} C={2} r={3} C_out={4} H={5} W={6} residual={7} act={8} threads={9}")
    @CsvSource({
            "8, 8, 64, 8, 16, 14, 14, false, RELU, 0",    // fold 8: each shift class whole MR-row panels; P = 196
            "8, 8, 32, 4, 8, 16, 16, true, NONE, 0",      // fold 4 splits a panel of conv_up; whole 16-lane panels
            "16, 8, 20, 2, 6, 5, 3, false, RELU6, 1",     // two clips, 15-pixel planes, C % MR ≠ 0, fold 2
            "6, 3, 24, 3, 5, 7, 7, true, RELU, 0",        // T = 3
            "2, 1, 16, 2, 4, 1, 1, false, NONE, 0",       // T = 1: both shifted folds read zeros; one pixel
            "4, 0, 40, 5, 24, 9, 11, true, RELU, 1",      // no shift
            "4, 4, 24, 3, 8, 56, 56, false, RELU, 0",     // one image per GEMM, several column blocks
            "2, 2, 1100, 8, 9, 4, 4, true, RELU, 0"})     // K = 1100: two K blocks, the second from channel 550
    void madeAsPackedEqualsTheGatedConvThenTheConv(int n, int frames, int c, int r, int cOut, int h, int w, boolean residual,
                                                   ConvActivation act, int threads) {
        ConvGeometry up = ConvGeometry.conv2d(n, r, c, h, w, 1, 1, 0), g = ConvGeometry.conv2d(n, c, cOut, h, w, 1, 1, 0);
        Random rnd = new Random(n * 1009L + frames * 97L + c * 31L + r + cOut * 13L + h * 7L + w);
        float[] x = KernelArrays.gaussian(rnd, g.inputLength()), a = KernelArrays.gaussian(rnd, up.inputLength());
        float[] wUp = KernelArrays.gaussian(rnd, c * r), bUp = KernelArrays.gaussian(rnd, c);
        float[] wt = KernelArrays.gaussian(rnd, cOut * c), bias = KernelArrays.gaussian(rnd, cOut);
        float[] res = residual ? KernelArrays.gaussian(rnd, g.outputLength()) : null;
        PackedConvWeights pu = PackedConvWeights.pack(wUp, bUp, c, 1, r, false), pw = PackedConvWeights.pack(wt, bias, cOut, 1, c, false);
        int fold = frames > 0 ? c / 8 : 0;

        float[] u = new float[g.inputLength()], expected = new float[g.outputLength()], got = new float[g.outputLength()];
        Arrays.fill(got, Float.NaN);
        try (var limit = CpuThreads.limit(threads == 0 ? CpuThreads.threads() : threads)) {
            ConvFused.forwardGated(up, a, pu, x, u);                                  // u written, then read
            ConvFused.forward(g, u, pw, res, act, frames, fold, expected);
            ConvFused.forwardUpGated(g, x, a, pu, pw, res, act, frames, fold, got);
        }
        assertArrayEquals(expected, got, g + " T=" + frames);

        float[] uScalar = new float[g.inputLength()], scalar = new float[g.outputLength()];
        ConvFused.forwardGatedScalar(up, a, wUp, bUp, x, uScalar);
        ConvFused.forwardScalar(g, uScalar, wt, bias, res, act, frames, fold, scalar);
        KernelArrays.assertClose(g + " T=" + frames + " against the scalar definitions", scalar, got);
    }

    /**
     * The op ({@code InferenceConv.applyUpGated}) on the CPU backend equals {@code applyGated} then {@code apply}: for a
     * 1×1 conv1 (u made as it is read) and a 3×3 one (the composed default), with and without the shift; an
     * {@code attended} that conv_up does not map to x's shape and gradients on are refused.
     */
    @Test
    void theOpMatchesTheGatedConvThenTheConvAndChecksItsShapes() {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = Tensor.uniform(rng, -1, 1, 8, 16, 5, 7), attended = Tensor.uniform(rng, -1, 1, 8, 2, 5, 7);
        Tensor residual = Tensor.uniform(rng, -1, 1, 8, 4, 5, 7);
        PreparedConv up = x.backend().prepareConv(Tensor.uniform(rng, -1, 1, 16, 2, 1, 1), Tensor.uniform(rng, -1, 1, 16),
                ConvParams.uniform(2, 1, 0, 1, 1));
        for (int k : new int[] {1, 3}) {
            PreparedConv c = x.backend().prepareConv(Tensor.uniform(rng, -1, 1, 4, 16, k, k), Tensor.uniform(rng, -1, 1, 4),
                    ConvParams.uniform(2, 1, k / 2, 1, 1));
            for (int frames : new int[] {0, 4}) {
                try (var noGrad = GradMode.disable()) {
                    float[] expected = InferenceConv.apply(InferenceConv.applyGated(attended, up, x), c, residual,
                            ConvActivation.RELU, frames, 8).toFloatArray();
                    float[] got = InferenceConv.applyUpGated(x, attended, up, c, residual, ConvActivation.RELU, frames, 8)
                            .toFloatArray();
                    assertArrayEquals(expected, got, "k=" + k + " T=" + frames);
                    var e = assertThrows(ShapeException.class, () -> InferenceConv.applyUpGated(x, attended.narrow(2, 0, 4),
                            up, c, null, ConvActivation.NONE, 0, 0));
                    assertTrue(e.getMessage().contains("conv_up"), e.getMessage());
                }
            }
            assertThrows(IllegalStateException.class, () -> InferenceConv.applyUpGated(x, attended, up, c, null,
                    ConvActivation.NONE, 0, 0));
        }
    }

    @Test
    void onlyForAnUngroupedPointwiseConvolutionOfConvUpsOutput() {
        ConvGeometry g3 = ConvGeometry.conv2d(2, 8, 4, 5, 5, 3, 1, 1), g1 = ConvGeometry.conv2d(2, 8, 4, 5, 5, 1, 1, 0);
        PackedConvWeights up = PackedConvWeights.pack(new float[8], null, 8, 1, 1, false);
        PackedConvWeights w3 = PackedConvWeights.pack(new float[4 * 8 * 9], null, 4, 1, 72, false);
        PackedConvWeights w1 = PackedConvWeights.pack(new float[4 * 8], null, 4, 1, 8, false);
        var e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forwardUpGated(g3, new float[g3.inputLength()],
                new float[50], up, w3, null, ConvActivation.NONE, 0, 0, new float[g3.outputLength()]));
        assertTrue(e.getMessage().contains("1×1"), e.getMessage());
        PackedConvWeights narrowUp = PackedConvWeights.pack(new float[6], null, 6, 1, 1, false);
        e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forwardUpGated(g1, new float[g1.inputLength()],
                new float[50], narrowUp, w1, null, ConvActivation.NONE, 0, 0, new float[g1.outputLength()]));
        assertTrue(e.getMessage().contains("conv_up"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forwardUpGated(g1, new float[g1.inputLength()],
                new float[49], up, w1, null, ConvActivation.NONE, 0, 0, new float[g1.outputLength()]));
        assertTrue(e.getMessage().contains("conv_up's input"), e.getMessage());
    }
}
