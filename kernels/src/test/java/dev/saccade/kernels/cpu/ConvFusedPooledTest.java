package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ConvFused#forwardPooled}: the spatial [mean, max] per (image, channel) taken as the GEMM stores each tile
 * (CBAM Eq. 2, W3 Eq. 3 descriptors), against the scalar twin (the convolution by definition, then the pooling in
 * double), and against its own y pooled afterwards: the maxes bit for bit, the means to ~1e-6 of the plane's mean
 * |y|. Each geometry on one thread ({@link CpuThreads#limit}) and on all of them, whose y must be the same floats.
 */
class ConvFusedPooledTest {
    static List<ConvGeometry> geometries() {
        return List.of(
                ConvGeometry.conv2d(8, 12, 9, 7, 7, 1, 1, 0),     // P = 49: tiles straddle images, chunks of several
                ConvGeometry.conv2d(1, 16, 20, 9, 11, 1, 1, 0),   // one image: its columns split over the threads
                ConvGeometry.conv2d(2, 24, 13, 13, 11, 1, 1, 0),  // P = 143 (not a multiple of NR), C_out = 13
                ConvGeometry.conv2d(5, 8, 17, 5, 3, 1, 1, 0),     // P = 15 < NR: a tile spans up to three images
                ConvGeometry.conv2d(3, ConvFused.KC + 76, 10, 4, 5, 1, 1, 0), // K > KC: the pool sees only the last block
                ConvGeometry.conv2d(1, 4, 9, 52, 48, 1, 1, 0),    // 2496 columns > NC: several column blocks
                ConvGeometry.conv2d(4, 64, 40, 7, 7, 1, 1, 0),    // a ResNet stage-4 conv3 in small
                ConvGeometry.conv2d(5, 6, 10, 3, 4, 1, 2, 0),     // 1×1 stride 2
                ConvGeometry.conv2d(3, 5, 13, 7, 9, 3, 1, 1),     // 3×3, odd plane
                ConvGeometry.conv2d(2, 6, 8, 5, 7, 3, 1, 1).withGroups(2));   // grouped: two GEMMs per chunk
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void pooledStoresMatchTheConvolutionThenThePooling(ConvGeometry g) {
        Random rnd = new Random(g.toString().hashCode());
        float[] x = KernelArrays.gaussian(rnd, g.inputLength()), w = KernelArrays.gaussian(rnd, g.weightLength()), b = KernelArrays.gaussian(rnd, g.cOut());
        float[] expectedY = new float[g.outputLength()], expected = new float[2 * g.n() * g.cOut()];
        ConvFused.forwardPooledScalar(g, x, w, b, expectedY, expected);
        PackedConvWeights pw = PackedConvWeights.pack(w, b, g.cOut(), g.groups(), g.cInPerGroup() * g.kernelVolume(), false);

        float[][] one = run(g, x, pw, 1), all = run(g, x, pw, CpuThreads.threads());
        for (float[][] r : List.of(one, all)) {
            KernelArrays.assertClose(g + " y", expectedY, r[0]);
            KernelArrays.assertClose(g + " pooled", expected, r[1]);
            checkAgainstOwnOutput(g, r[0], r[1]);
        }
        assertArrayEquals(one[0], all[0], g + ": y does not depend on the threads");
        assertArrayEquals(all[1], run(g, x, pw, CpuThreads.threads())[1], g + ": the same pooled floats on every call");
    }

    /** The plain forward's y is the pooled forward's, float for float (the same tile stores). */
    @Test
    void yIsThePlainForwardsOutput() {
        for (ConvGeometry g : geometries()) {
            Random rnd = new Random(3);
            float[] x = KernelArrays.gaussian(rnd, g.inputLength()), w = KernelArrays.gaussian(rnd, g.weightLength()), b = KernelArrays.gaussian(rnd, g.cOut());
            PackedConvWeights pw = PackedConvWeights.pack(w, b, g.cOut(), g.groups(), g.cInPerGroup() * g.kernelVolume(), false);
            float[] plain = new float[g.outputLength()];
            ConvFused.forward(g, x, pw, null, dev.saccade.tensor.ops.ConvActivation.NONE, 0, 0, plain);
            assertArrayEquals(plain, run(g, x, pw, CpuThreads.threads())[0], g.toString());
        }
    }

    @Test
    void refusesDepthwiseAndAShortPooledArray() {
        ConvGeometry dw = ConvGeometry.conv2d(1, 4, 4, 7, 7, 3, 1, 1).withGroups(4);
        PackedConvWeights pdw = PackedConvWeights.pack(new float[4 * 9], null, 4, 4, 9, true);
        var e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forwardPooled(dw, new float[dw.inputLength()],
                pdw, new float[dw.outputLength()], new float[8]));
        assertTrue(e.getMessage().contains("depthwise"), e.getMessage());
        ConvGeometry g = ConvGeometry.conv2d(2, 4, 6, 5, 5, 1, 1, 0);
        PackedConvWeights pw = PackedConvWeights.pack(new float[24], null, 6, 1, 4, false);
        e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forwardPooled(g, new float[g.inputLength()], pw,
                new float[g.outputLength()], new float[2 * 2 * 6 - 1]));
        assertTrue(e.getMessage().contains("pooled has 23 elements, needs 24"), e.getMessage());
    }

    /** {y, pooled (2, N, C_out)} with the kernels' parallel loops capped at {@code threads}. */
    private static float[][] run(ConvGeometry g, float[] x, PackedConvWeights pw, int threads) {
        float[] y = new float[g.outputLength()], pooled = new float[2 * g.n() * g.cOut()];
        Arrays.fill(y, Float.NaN);                                          // y is write-only before its store
        Arrays.fill(pooled, Float.NaN);                                     // every element is written
        try (var limit = CpuThreads.limit(threads)) {
            ConvFused.forwardPooled(g, x, pw, y, pooled);
        }
        return new float[][] {y, pooled};
    }

    /** The maxes are those of y, bit for bit; the means within ~1e-6 of the plane's mean |y| of y's mean in double. */
    private static void checkAgainstOwnOutput(ConvGeometry g, float[] y, float[] pooled) {
        int rows = g.n() * g.cOut(), plane = g.outPlane();
        double worst = 0;
        for (int row = 0; row < rows; row++) {
            double sum = 0, abs = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < plane; p++) {
                float v = y[row * plane + p];
                sum += v;
                abs += Math.abs(v);
                max = Math.max(max, v);
            }
            double mean = sum / plane, tol = 2e-6 * abs / plane + Math.ulp((float) mean);
            worst = Math.max(worst, Math.abs(pooled[row] - mean) / tol);
            assertEquals(max, pooled[rows + row], 0f, g + ": max of (image, channel) " + row);
            assertTrue(Math.abs(pooled[row] - mean) <= tol,
                    g + ": mean of (image, channel) " + row + " is " + pooled[row] + ", y's is " + mean + " (tolerance " + tol + ")");
        }
        System.out.printf("%-100s worst mean |Δ| / tolerance %.3f%n", g, worst);
    }
}
