package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static dev.saccade.kernels.cpu.ConvKernelsTest.assertClose;
import static dev.saccade.kernels.cpu.ConvKernelsTest.filled;
import static dev.saccade.kernels.cpu.ConvKernelsTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training convolution's routes off im2col against the scalar twins: {@link ConvKernels#forward} of 2-d
 * convolutions through {@link ConvFused}, {@link ConvKernels#backwardData} of stride-1 ones as the convolution of gy
 * with the flipped, per-group transposed kernel ({@link ConvTransposeAsConv}), and {@link ConvKernels#backwardFilter}
 * as dot products read straight from x and gy ({@link ConvFilterGradient}). Kernels are asymmetric (random), channel
 * counts differ per group, so a missing flip or a transposition of the wrong axes changes gx.
 */
class TrainingConvRoutesTest {
    /**
     * Outputs per plane from which the fused routes run: one register tile's width, {@code 2·L} (32 with AVX-512's 16
     * float lanes, 16 with AVX2's 8), so the smallest planes below change route with the vector width.
     */
    private static final int MIN_PLANE = ConvKernels.FUSED_MIN_PLANE;


    /**
     * (name, geometry, forward fused, backward data as a transposed convolution, backward data fused): planes of
     * fewer than {@link ConvKernels#FUSED_MIN_PLANE} outputs stay on im2col + GEMM (for the backward data that of the
     * transposed convolution), and so do taps on padding only.
     */
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of("3x3 pad1 odd plane, N=1", ConvGeometry.conv2d(1, 3, 5, 7, 9, 3, 1, 1), true, true, true),
                Arguments.of("3x3 pad0 'valid', N=3", ConvGeometry.conv2d(3, 4, 6, 9, 7, 3, 1, 0), true, true, true),
                Arguments.of("3x3 pad2 (p' = 0), N=2", ConvGeometry.conv2d(2, 3, 4, 6, 7, 3, 1, 2), true, true, true),
                Arguments.of("3x3 dilation2 pad2, N=2", ConvGeometry.conv2d(2, 3, 4, 9, 10, 3, 1, 2).withDilation(2), true, true, true),
                Arguments.of("3x3 dilation2 pad1, odd", ConvGeometry.conv2d(3, 5, 3, 11, 7, 3, 1, 1).withDilation(2), true, true, true),
                Arguments.of("3x3 groups2 C_in 4 -> C_out 6", ConvGeometry.conv2d(2, 4, 6, 7, 8, 3, 1, 1).withGroups(2), true, true, true),
                Arguments.of("3x3 groups2 C_in 6 -> C_out 4, N=1", ConvGeometry.conv2d(1, 6, 4, 5, 9, 3, 1, 1).withGroups(2), true, true, true),
                Arguments.of("3x3 groups3 pad0", ConvGeometry.conv2d(4, 9, 6, 9, 8, 3, 1, 0).withGroups(3), true, true, true),
                Arguments.of("3x3 plane of exactly 32", ConvGeometry.conv2d(3, 5, 6, 4, 8, 3, 1, 1), true, true, true),
                Arguments.of("1x1 pointwise, N=5", ConvGeometry.conv2d(5, 6, 7, 6, 7, 1, 1, 0), true, true, true),
                Arguments.of("1x1 pointwise groups2", ConvGeometry.conv2d(3, 4, 6, 5, 7, 1, 1, 0).withGroups(2), true, true, true),
                Arguments.of("1x1 pad1 (p' < 0)", ConvGeometry.conv2d(2, 3, 4, 5, 5, 1, 1, 1), true, false, false),
                Arguments.of("7x7 pad3 odd plane", ConvGeometry.conv2d(2, 3, 5, 11, 13, 7, 1, 3), true, true, true),
                Arguments.of("7x7 pad1, N=1 (30 outputs)", ConvGeometry.conv2d(1, 2, 3, 9, 10, 7, 1, 1), 30 >= MIN_PLANE, true, true),
                Arguments.of("7x7/2 pad3 stem", ConvGeometry.conv2d(3, 3, 4, 15, 13, 7, 2, 3), true, false, false),
                Arguments.of("3x3/2 pad1 odd plane", ConvGeometry.conv2d(3, 4, 6, 11, 13, 3, 2, 1), true, false, false),
                Arguments.of("3x3/2 pad1 groups2", ConvGeometry.conv2d(2, 4, 6, 13, 12, 3, 2, 1).withGroups(2), true, false, false),
                Arguments.of("1x1/2 odd plane", ConvGeometry.conv2d(3, 6, 10, 13, 11, 1, 2, 0), true, false, false),
                Arguments.of("3x3/3 pad2 (gathered)", ConvGeometry.conv2d(2, 3, 4, 16, 17, 3, 3, 2), true, false, false),
                Arguments.of("3x1 kernel pad (1, 0)", ConvGeometry.of(2, 3, 4, 1, new int[]{6, 7}, new int[]{3, 1},
                        new int[]{1, 1}, new int[]{1, 0}, new int[]{1, 1}), true, true, true),
                Arguments.of("5x3 kernel dilation (2, 1) pad (3, 2)", ConvGeometry.of(2, 4, 6, 2, new int[]{9, 8},
                        new int[]{5, 3}, new int[]{1, 1}, new int[]{3, 2}, new int[]{2, 1}), true, true, true),
                Arguments.of("K > KC: 40 input channels", ConvGeometry.conv2d(2, 40, 9, 7, 6, 3, 1, 1), true, true, true),
                Arguments.of("C_in 3 -> C_out 40: transposed K > KC", ConvGeometry.conv2d(2, 3, 40, 7, 6, 3, 1, 1), true, true, true),
                // small planes: the entry points keep im2col + GEMM
                Arguments.of("1x1 pointwise 3x5, N=5", ConvGeometry.conv2d(5, 6, 7, 3, 5, 1, 1, 0), false, true, false),
                Arguments.of("4x3 planes, 11 images", ConvGeometry.conv2d(11, 5, 7, 4, 3, 3, 1, 1), false, true, false),
                Arguments.of("2x2 planes, 9 images", ConvGeometry.conv2d(9, 8, 12, 2, 2, 3, 1, 1), false, true, false),
                Arguments.of("3x3/2 on 7x8, groups2", ConvGeometry.conv2d(2, 4, 6, 7, 8, 3, 2, 1).withGroups(2), 16 >= MIN_PLANE, false, false),
                Arguments.of("1x1/2 downsample 3x4", ConvGeometry.conv2d(5, 6, 10, 3, 4, 1, 2, 0), false, false, false),
                Arguments.of("3x3 on 1x1 planes (taps on padding only)", ConvGeometry.conv2d(5, 4, 6, 1, 1, 3, 1, 1), false, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void forwardMatchesScalarTwin(String name, ConvGeometry g, boolean fused, boolean transposable, boolean dataFused) {
        assertEquals(fused, ConvKernels.runsFused(g), name + ": forward runs ConvFused");
        Random r = new Random(name.hashCode());
        float[] x = random(r, g.inputLength()), w = random(r, g.weightLength()), b = random(r, g.cOut());
        float[] y = filled(g.outputLength(), 7f), ref = new float[g.outputLength()];
        ConvKernels.forward(g, x, w, b, y);
        ConvKernels.forwardScalar(g, x, w, b, ref);
        assertClose(ref, y, 1e-5, name + " forward");
        y = filled(g.outputLength(), 7f);
        ConvKernels.forward(g, x, w, null, y);
        ConvKernels.forwardScalar(g, x, w, null, ref);
        assertClose(ref, y, 1e-5, name + " forward without bias");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void backwardDataMatchesScalarTwin(String name, ConvGeometry g, boolean fused, boolean transposable, boolean dataFused) {
        assertEquals(dataFused, ConvKernels.backwardDataRunsFused(g), name + ": backward data runs ConvFused");
        Random r = new Random(name.hashCode() + 1);
        float[] gy = random(r, g.outputLength()), w = random(r, g.weightLength());
        float[] gx = filled(g.inputLength(), 7f), ref = new float[g.inputLength()];   // stale values overwritten
        ConvKernels.backwardData(g, gy, w, gx);
        ConvKernels.backwardDataScalar(g, gy, w, ref);
        assertClose(ref, gx, 1e-5, name + " backwardData");
    }

    /** {@link ConvTransposeAsConv} itself, on every geometry it supports, and its geometry. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void transposedConvolutionMatchesScalarTwin(String name, ConvGeometry g, boolean fused, boolean transposable,
                                                boolean dataFused) {
        assertEquals(transposable, ConvTransposeAsConv.supports(g), name + ": backward data as a convolution");
        if (!transposable) return;
        ConvGeometry t = ConvTransposeAsConv.geometry(g);
        assertArrayEquals(g.inputSize(), t.outputSize(), name + ": the transposed convolution's output is x's size");
        Random r = new Random(name.hashCode() + 2);
        float[] gy = random(r, g.outputLength()), w = random(r, g.weightLength());
        float[] gx = filled(g.inputLength(), 7f), ref = new float[g.inputLength()];
        ConvTransposeAsConv.backwardData(g, gy, w, gx);
        ConvKernels.backwardDataScalar(g, gy, w, ref);
        assertClose(ref, gx, 1e-5, name + " transposed convolution");
        // and through ConvFused whatever the plane size (the entry point sends small planes to im2col + GEMM)
        PackedConvWeights packed = PackedConvWeights.pack(ConvTransposeAsConv.flippedWeights(g, w), null, t.cOut(),
                t.groups(), t.cInPerGroup() * t.kernelVolume(), false);
        float[] viaFused = filled(g.inputLength(), 7f);
        ConvFused.forward(t, gy, packed, null, ConvActivation.NONE, 0, 0, viaFused);
        assertClose(ref, viaFused, 1e-5, name + " transposed convolution through ConvFused");
    }

    /** The backward filter through the entry point, whichever route it takes, on every geometry above. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void backwardFilterMatchesScalarTwin(String name, ConvGeometry g, boolean fused, boolean transposable,
                                         boolean dataFused) {
        Random r = new Random(name.hashCode() + 3);
        float[] x = random(r, g.inputLength()), gy = random(r, g.outputLength());
        float[] gw = filled(g.weightLength(), 7f), ref = new float[g.weightLength()];
        ConvKernels.backwardFilter(g, x, gy, gw);
        ConvKernels.backwardFilterScalar(g, x, gy, ref);
        assertClose(ref, gw, 1e-5, name + " backwardFilter");
    }

    /**
     * (name, geometry, whether {@link ConvKernels#backwardFilter} runs {@link ConvFilterGradient}): output planes a
     * multiple of 16 (every vector length it runs with divides them), stride 1 with as wide an input as output, or
     * stride 2 read through the phases; odd input sizes, groups, dilation, edge tiles in C_out/g and K.
     */
    static Stream<Arguments> filterGeometries() {
        return Stream.of(
                Arguments.of("3x3 pad1 8x8, N=1", ConvGeometry.conv2d(1, 3, 5, 8, 8, 3, 1, 1), true),
                Arguments.of("3x3 pad1 4x8 (32 outputs), N=3", ConvGeometry.conv2d(3, 4, 6, 4, 8, 3, 1, 1), true),
                Arguments.of("3x3 dilation2 pad2 8x8", ConvGeometry.conv2d(2, 3, 4, 8, 8, 3, 1, 2).withDilation(2), true),
                Arguments.of("3x3 pad (2, 1): 6x8 in, 8x8 out", ConvGeometry.of(2, 3, 4, 1, new int[]{6, 8},
                        new int[]{3, 3}, new int[]{1, 1}, new int[]{2, 1}, new int[]{1, 1}), true),
                Arguments.of("5x3 kernel dilation (2, 1) pad (4, 1)", ConvGeometry.of(2, 4, 6, 2, new int[]{8, 8},
                        new int[]{5, 3}, new int[]{1, 1}, new int[]{4, 1}, new int[]{2, 1}), true),
                Arguments.of("7x7 pad3 8x8", ConvGeometry.conv2d(2, 3, 5, 8, 8, 7, 1, 3), true),
                Arguments.of("3x3 groups2 C_in 4 -> C_out 6", ConvGeometry.conv2d(2, 4, 6, 8, 8, 3, 1, 1).withGroups(2), true),
                Arguments.of("3x3 groups3 C_in 9 -> C_out 6", ConvGeometry.conv2d(3, 9, 6, 4, 8, 3, 1, 1).withGroups(3), true),
                Arguments.of("1x1 pointwise 8x4, N=5", ConvGeometry.conv2d(5, 6, 7, 8, 4, 1, 1, 0), true),
                Arguments.of("edge tiles: C_in 41 (K = 369), C_out 9", ConvGeometry.conv2d(2, 41, 9, 8, 8, 3, 1, 1), true),
                Arguments.of("3x3/2 pad1, 15x16 in (odd height)", ConvGeometry.conv2d(3, 4, 6, 15, 16, 3, 2, 1), true),
                Arguments.of("3x3/2 pad1 groups2", ConvGeometry.conv2d(2, 4, 6, 16, 16, 3, 2, 1).withGroups(2), true),
                Arguments.of("7x7/2 pad3 stem, 16x15 in (odd width)", ConvGeometry.conv2d(3, 3, 4, 16, 15, 7, 2, 3), true),
                Arguments.of("1x1/2 16x15 in (one phase)", ConvGeometry.conv2d(5, 6, 10, 16, 15, 1, 2, 0), true),
                Arguments.of("3x3/2 dilation2 pad2", ConvGeometry.conv2d(2, 3, 5, 16, 16, 3, 2, 2).withDilation(2), true),
                Arguments.of("16 outputs per plane", ConvGeometry.conv2d(4, 5, 6, 4, 4, 3, 1, 1), 16 >= MIN_PLANE),
                Arguments.of("7x9 outputs (not a multiple of 16)", ConvGeometry.conv2d(2, 3, 5, 7, 9, 3, 1, 1), false),
                Arguments.of("3x3 pad0 'valid' (narrower output)", ConvGeometry.conv2d(2, 3, 4, 10, 10, 3, 1, 0), false),
                Arguments.of("3x3/3 (no phase split)", ConvGeometry.conv2d(2, 3, 4, 24, 24, 3, 3, 1), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterGeometries")
    void filterGradientMatchesScalarTwin(String name, ConvGeometry g, boolean direct) {
        assertEquals(direct, ConvKernels.backwardFilterRunsDirect(g), name + ": backward filter runs ConvFilterGradient");
        Random r = new Random(name.hashCode() + 4);
        float[] x = random(r, g.inputLength()), gy = random(r, g.outputLength());
        float[] ref = new float[g.weightLength()], gw = filled(g.weightLength(), 7f);
        ConvKernels.backwardFilterScalar(g, x, gy, ref);
        ConvKernels.backwardFilter(g, x, gy, gw);
        assertClose(ref, gw, 1e-5, name + " backwardFilter");
        if (!ConvFilterGradient.supports(g)) return;
        for (int chunk : new int[]{1, 2, g.n()}) {                                   // chunks add up in gw
            gw = filled(g.weightLength(), 7f);
            ConvFilterGradient.backwardFilter(g, x, gy, gw, chunk);
            assertClose(ref, gw, 1e-5, name + ", " + chunk + " images per chunk");
        }
    }

    /** The routes of the width-16 ResNet-18 on 32×32 frames (N = 128): the stem and layer1 leave im2col. */
    @Test
    void resnetShapesTakeTheFusedRoutes() {
        ConvGeometry stem = ConvGeometry.conv2d(128, 3, 16, 32, 32, 7, 2, 3);           // 16×16 out
        ConvGeometry layer1 = ConvGeometry.conv2d(128, 16, 16, 8, 8, 3, 1, 1);
        ConvGeometry layer2 = ConvGeometry.conv2d(128, 32, 32, 4, 4, 3, 1, 1);          // 16 outputs per plane
        ConvGeometry onePixel = ConvGeometry.conv2d(128, 128, 128, 1, 1, 3, 1, 1);     // 8 of 9 taps read padding
        assertTrue(ConvKernels.runsFused(stem) && ConvKernels.runsFused(layer1) && ConvKernels.backwardDataRunsFused(layer1));
        assertTrue(ConvKernels.backwardFilterRunsDirect(stem) && ConvKernels.backwardFilterRunsDirect(layer1));
        assertEquals(16 >= MIN_PLANE, ConvKernels.backwardFilterRunsDirect(layer2));
        assertTrue(!ConvKernels.backwardDataRunsFused(stem), "stride 2 keeps the GEMM + col2im path");
        assertEquals(16 >= MIN_PLANE, ConvKernels.runsFused(layer2));
        assertEquals(16 >= MIN_PLANE, ConvKernels.backwardDataRunsFused(layer2));
        assertTrue(!ConvKernels.runsFused(onePixel) && !ConvKernels.backwardDataRunsFused(onePixel));
        assertTrue(!ConvTransposeAsConv.supports(onePixel), "backward data by GEMM + col2im, dead taps left out");
        assertTrue(ConvTransposeAsConv.supports(layer2), "backward data as im2col + GEMM of the transposed convolution");
        assertTrue(!ConvKernels.runsFused(ConvGeometry.conv1d(2, 3, 4, 9, 3, 1, 1)), "1-d stays on ConvGemm");
        assertTrue(!ConvKernels.runsFused(ConvGeometry.conv3d(2, 3, 4, 3, 5, 5, 3, 1, 1)), "3-d stays on ConvGemm");
    }

    /** The flip and the per-group transposition, element by element on a small grouped kernel. */
    @Test
    void flippedWeightsByHand() {
        // groups 2, C_in 4 (2 per group), C_out 6 (3 per group), kernel 2×3: w[co, ci, kh, kw] = 1000co + 100ci + 10kh + kw
        ConvGeometry g = ConvGeometry.of(1, 4, 6, 2, new int[]{4, 5}, new int[]{2, 3}, new int[]{1, 1},
                new int[]{1, 1}, new int[]{1, 1});
        float[] w = new float[g.weightLength()];
        for (int co = 0; co < 6; co++)
            for (int ci = 0; ci < 2; ci++)
                for (int kh = 0; kh < 2; kh++)
                    for (int kw = 0; kw < 3; kw++) w[((co * 2 + ci) * 2 + kh) * 3 + kw] = 1000 * co + 100 * ci + 10 * kh + kw;
        float[] t = ConvTransposeAsConv.flippedWeights(g, w);                       // (C_in 4, C_out/g 3, 2, 3)
        for (int gr = 0; gr < 2; gr++)
            for (int ci = 0; ci < 2; ci++)
                for (int co = 0; co < 3; co++)
                    for (int kh = 0; kh < 2; kh++)
                        for (int kw = 0; kw < 3; kw++) {
                            float expected = 1000 * (gr * 3 + co) + 100 * ci + 10 * (1 - kh) + (2 - kw);
                            assertEquals(expected, t[(((gr * 2 + ci) * 3 + co) * 2 + kh) * 3 + kw],
                                    "w'[" + (gr * 2 + ci) + ", " + co + ", " + kh + ", " + kw + "]");
                        }
        ConvGeometry tg = ConvTransposeAsConv.geometry(g);
        assertEquals(6, tg.cIn());
        assertEquals(4, tg.cOut());
        assertEquals(2, tg.groups());
        assertArrayEquals(new int[]{0, 1}, tg.padding());                           // d·(k−1) − p per axis
    }

    /**
     * Subnormal weights are flushed to zero when packed for the GEMM (as for inference): with every weight subnormal
     * the fast forward and backward data are exactly zero, where the definition gives a tiny subnormal sum.
     */
    @Test
    void subnormalWeightsAreFlushed() {
        ConvGeometry g = ConvGeometry.conv2d(2, 3, 4, 6, 6, 3, 1, 1);
        assertTrue(ConvKernels.runsFused(g) && ConvKernels.backwardDataRunsFused(g));
        float[] w = filled(g.weightLength(), 3 * Float.MIN_VALUE), x = filled(g.inputLength(), 1f);
        float[] y = filled(g.outputLength(), 7f), ref = new float[g.outputLength()];
        ConvKernels.forward(g, x, w, null, y);
        ConvKernels.forwardScalar(g, x, w, null, ref);
        assertNotEquals(0f, ref[0]);
        assertArrayEquals(new float[y.length], y);
        float[] gx = filled(g.inputLength(), 7f);
        ConvKernels.backwardData(g, filled(g.outputLength(), 1f), w, gx);
        assertArrayEquals(new float[gx.length], gx);
    }
}
