package dev.saccade.kernels.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ConvKernelsTest {

    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of("2d 3x3 pad1 odd H/W", ConvGeometry.conv2d(2, 3, 5, 7, 9, 3, 1, 1)),
                Arguments.of("2d 3x3 stride2 pad1", ConvGeometry.conv2d(3, 4, 6, 9, 11, 3, 2, 1)),
                Arguments.of("2d 3x3 dilation2 pad2", ConvGeometry.conv2d(2, 3, 4, 9, 10, 3, 1, 2).withDilation(2)),
                Arguments.of("2d groups2 mixed stride/pad", ConvGeometry.of(2, 4, 6, 2, new int[]{7, 8}, new int[]{3, 3},
                        new int[]{1, 2}, new int[]{1, 0}, new int[]{1, 1})),
                Arguments.of("2d 7x7 stride2 pad3 stem", ConvGeometry.conv2d(1, 3, 4, 15, 13, 7, 2, 3)),
                Arguments.of("2d 3x1 non-square", ConvGeometry.of(2, 3, 4, 1, new int[]{6, 7}, new int[]{3, 1},
                        new int[]{1, 1}, new int[]{1, 0}, new int[]{1, 1})),
                Arguments.of("2d 1x1 pointwise", ConvGeometry.conv2d(2, 6, 5, 7, 9, 1, 1, 0)),
                Arguments.of("2d 1x1 pointwise groups2", ConvGeometry.conv2d(2, 6, 4, 5, 7, 1, 1, 0).withGroups(2)),
                Arguments.of("2d 1x1 stride2", ConvGeometry.conv2d(2, 4, 3, 7, 9, 1, 2, 0)),
                Arguments.of("2d batch 5 split over threads", ConvGeometry.conv2d(5, 3, 4, 6, 7, 3, 1, 1)),
                Arguments.of("depthwise 3x3 wide rows", ConvGeometry.conv2d(2, 5, 5, 5, 37, 3, 1, 1).withGroups(5)),
                Arguments.of("depthwise 3x3 stride2", ConvGeometry.conv2d(2, 4, 4, 9, 11, 3, 2, 1).withGroups(4)),
                Arguments.of("depthwise dilation2", ConvGeometry.conv2d(2, 3, 3, 8, 21, 3, 1, 2).withDilation(2).withGroups(3)),
                Arguments.of("depthwise batch 5", ConvGeometry.conv2d(5, 2, 2, 6, 19, 5, 1, 2).withGroups(2)),
                Arguments.of("grouped multiplier 2 (not depthwise)", ConvGeometry.conv2d(2, 3, 6, 7, 7, 3, 1, 1).withGroups(3)),
                Arguments.of("1d k3 pad1", ConvGeometry.conv1d(3, 4, 5, 11, 3, 1, 1)),
                Arguments.of("1d depthwise k3 pad1", ConvGeometry.conv1d(3, 6, 6, 19, 3, 1, 1).withGroups(6)),
                Arguments.of("1d stride2 dilation2", ConvGeometry.of(2, 3, 2, 1, new int[]{13}, new int[]{3},
                        new int[]{2}, new int[]{2}, new int[]{2})),
                Arguments.of("3d 1 channel 3x3x3 pad1", ConvGeometry.conv3d(2, 1, 4, 5, 6, 7, 3, 1, 1)),
                Arguments.of("3d (3,1,1) stride (1,2,2)", ConvGeometry.of(2, 3, 4, 1, new int[]{4, 7, 7},
                        new int[]{3, 1, 1}, new int[]{1, 2, 2}, new int[]{1, 0, 0}, new int[]{1, 1, 1})),
                Arguments.of("3d depthwise", ConvGeometry.conv3d(2, 3, 3, 4, 5, 19, 3, 1, 1).withGroups(3)),
                Arguments.of("3d pointwise", ConvGeometry.conv3d(2, 4, 3, 3, 5, 5, 1, 1, 0)),
                Arguments.of("small planes batch 13 (chunked)", ConvGeometry.conv2d(13, 5, 7, 4, 3, 3, 1, 1)),
                Arguments.of("small planes stride2 batch 11", ConvGeometry.conv2d(11, 6, 9, 5, 4, 3, 2, 1)),
                Arguments.of("1x1 stride2 plane 2x2 batch 9", ConvGeometry.conv2d(9, 6, 10, 3, 4, 1, 2, 0)),
                Arguments.of("1x1 plane 1x1 batch 17", ConvGeometry.conv2d(17, 12, 7, 1, 1, 1, 1, 0)),
                Arguments.of("3x3 plane 1x1 batch 10", ConvGeometry.conv2d(10, 5, 6, 1, 1, 3, 1, 1)),
                Arguments.of("groups3 small planes batch 7", ConvGeometry.conv2d(7, 6, 9, 3, 5, 3, 1, 1).withGroups(3)),
                Arguments.of("1d small batch 9", ConvGeometry.conv1d(9, 3, 4, 5, 3, 2, 1)),
                Arguments.of("3d small planes batch 6", ConvGeometry.of(6, 3, 5, 1, new int[]{3, 3, 2},
                        new int[]{3, 2, 1}, new int[]{1, 2, 1}, new int[]{1, 0, 0}, new int[]{1, 1, 1})));
    }

    /** Geometries for {@link #everyChunkingMatchesScalarTwin}: odd batches so the last chunk is partial. */
    static Stream<Arguments> chunkedGeometries() {
        return Stream.of(
                Arguments.of("2d 3x3 pad1 odd plane", ConvGeometry.conv2d(7, 3, 5, 5, 3, 3, 1, 1)),
                Arguments.of("2d 3x3 stride2 pad1", ConvGeometry.conv2d(7, 4, 6, 5, 7, 3, 2, 1)),
                Arguments.of("2d 7x7 stride2 pad3 stem", ConvGeometry.conv2d(5, 3, 4, 9, 8, 7, 2, 3)),
                Arguments.of("2d dilation2", ConvGeometry.conv2d(5, 2, 3, 6, 7, 3, 1, 2).withDilation(2)),
                Arguments.of("2d 1x1 pointwise", ConvGeometry.conv2d(7, 6, 5, 3, 3, 1, 1, 0)),
                Arguments.of("2d 1x1 stride2", ConvGeometry.conv2d(7, 4, 3, 5, 5, 1, 2, 0)),
                Arguments.of("2d groups2 pointwise", ConvGeometry.conv2d(5, 6, 4, 3, 2, 1, 1, 0).withGroups(2)),
                Arguments.of("2d groups3 3x3", ConvGeometry.conv2d(5, 6, 9, 4, 3, 3, 1, 1).withGroups(3)),
                Arguments.of("depthwise through the GEMM path", ConvGeometry.conv2d(5, 4, 4, 4, 5, 3, 1, 1).withGroups(4)),
                Arguments.of("1d k3 stride2", ConvGeometry.conv1d(7, 3, 4, 9, 3, 2, 1)),
                Arguments.of("3d (3,1,1) stride (1,2,2)", ConvGeometry.of(5, 3, 4, 1, new int[]{3, 4, 5},
                        new int[]{3, 1, 1}, new int[]{1, 2, 2}, new int[]{1, 0, 0}, new int[]{1, 1, 1})),
                Arguments.of("3d 3x3x3 pad1", ConvGeometry.conv3d(5, 2, 3, 3, 3, 4, 3, 1, 1)),
                Arguments.of("3x3 on a 1x1 plane (one live tap)", ConvGeometry.conv2d(5, 4, 6, 1, 1, 3, 1, 1)),
                Arguments.of("3x3 stride2 2x2 -> 1x1 (four live taps)", ConvGeometry.conv2d(5, 4, 6, 2, 2, 3, 2, 1)),
                Arguments.of("3d depth 1, k3 pad1 (dead depth taps)", ConvGeometry.of(5, 2, 3, 1, new int[]{1, 3, 2},
                        new int[]{3, 3, 3}, new int[]{1, 1, 1}, new int[]{1, 1, 1}, new int[]{1, 1, 1})),
                Arguments.of("1d k5 pad2 on length 1, groups 2", ConvGeometry.of(5, 4, 6, 2, new int[]{1},
                        new int[]{5}, new int[]{1}, new int[]{2}, new int[]{1})));
    }

    /** The gathered chunk unfolding and its scatter-add fold against their scalar twins, bit for bit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkedGeometries")
    void chunkUnfoldMatchesScalarTwin(String name, ConvGeometry g) {
        int images = Math.min(3, g.n()), n0 = 1;
        int xBase = (n0 * g.cIn() + (g.groups() - 1) * g.cInPerGroup()) * g.inPlane();   // the last group
        assertUnfoldAndFoldMatchScalarTwins(name, g, images, Math.min(images, g.n() - n0), xBase, new Random(name.hashCode() + 6));
    }

    /**
     * {@link ChunkUnfold#unfold} and {@link ChunkUnfold#foldAdd} of a chunk map for {@code images} images, applied to
     * nb images from xBase, against their scalar twins, bit for bit, by masked gathers and scatters and without them
     * (AVX2's way).
     */
    static void assertUnfoldAndFoldMatchScalarTwins(String name, ConvGeometry g, int images, int nb, int xBase, Random r) {
        float[] x = random(r, g.inputLength());
        int[] taps = Im2col.liveTaps(g);
        ChunkUnfold u = ChunkUnfold.of(g, taps, images);
        float[] colRef = filled(g.cInPerGroup() * taps.length * nb * g.outPlane(), -7f);
        u.unfoldScalar(x, xBase, nb, colRef);
        float[] gx0 = random(r, g.inputLength()), gxRef = gx0.clone();
        u.foldAddScalar(colRef, nb, gxRef, xBase);
        for (boolean masked : new boolean[]{true, false}) {
            float[] col = filled(colRef.length, 7f);
            u.unfold(x, xBase, nb, col, masked);
            assertArrayEquals(colRef, col, name + " unfold, masked " + masked);
            float[] gx = gx0.clone();
            u.foldAdd(col, nb, gx, xBase, masked);
            assertArrayEquals(gxRef, gx, name + " foldAdd, masked " + masked);
        }
    }

    /**
     * Stride-1 rows that a vector of columns does not leave are loaded, not gathered ({@link ChunkUnfold}'s runs): on
     * planes of 4², 8² and 16² (whole vectors per image at 8 and 16 lanes) and a 6 × 8 plane with 5×5 taps, all images
     * of x from image 0 — so that the first channel's upper taps and the last one's lower taps start outside x and take
     * the gather instead — against the scalar twin, bit for bit (and the fold, which the runs leave as it was).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("runGeometries")
    void chunkUnfoldLoadsStrideOneRuns(String name, ConvGeometry g) {
        ChunkUnfold u = ChunkUnfold.of(g, Im2col.liveTaps(g), g.n());
        assertTrue(u.contiguousVectors() > 0, name + ": no vector of columns is read by a load");
        assertUnfoldAndFoldMatchScalarTwins(name, g, g.n(), g.n(), 0, new Random(name.hashCode() + 8));
    }

    static Stream<Arguments> runGeometries() {
        return Stream.of(
                Arguments.of("3x3 pad1 on 4x4", ConvGeometry.conv2d(3, 2, 3, 4, 4, 3, 1, 1)),
                Arguments.of("3x3 pad1 on 8x8", ConvGeometry.conv2d(3, 3, 4, 8, 8, 3, 1, 1)),
                Arguments.of("3x3 pad1 on 16x16", ConvGeometry.conv2d(2, 2, 3, 16, 16, 3, 1, 1)),
                Arguments.of("5x5 pad2 on 6x8", ConvGeometry.conv2d(3, 2, 2, 6, 8, 5, 1, 2)));
    }

    @Test
    void tapsThatOnlyReadPaddingAreDropped() {
        assertArrayEquals(new int[]{4}, Im2col.liveTaps(ConvGeometry.conv2d(2, 3, 3, 1, 1, 3, 1, 1)));
        assertArrayEquals(new int[]{4, 5, 7, 8}, Im2col.liveTaps(ConvGeometry.conv2d(2, 3, 3, 2, 2, 3, 2, 1)));
        assertEquals(9, Im2col.liveTaps(ConvGeometry.conv2d(2, 3, 3, 2, 2, 3, 1, 1)).length);
        // the filter gradient of a dead tap is exactly zero, even over stale values in gw
        ConvGeometry g = ConvGeometry.conv2d(3, 2, 2, 1, 1, 3, 1, 1);
        Random r = new Random(9);
        float[] gw = filled(g.weightLength(), 7f);
        ConvKernels.backwardFilter(g, random(r, g.inputLength()), random(r, g.outputLength()), gw);
        for (int i = 0; i < gw.length; i++) if (i % 9 != 4) assertEquals(0f, gw[i], "dead tap " + i);
    }

    /** The GEMM path with 1, 2, 3 and all N images per column matrix, each against the scalar twins. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkedGeometries")
    void everyChunkingMatchesScalarTwin(String name, ConvGeometry g) {
        Random r = new Random(name.hashCode() + 4);
        float[] x = random(r, g.inputLength()), w = random(r, g.weightLength()), b = random(r, g.cOut());
        float[] gy = random(r, g.outputLength());
        float[] yRef = new float[g.outputLength()], gxRef = new float[g.inputLength()], gwRef = new float[g.weightLength()];
        ConvKernels.forwardScalar(g, x, w, b, yRef);
        ConvKernels.backwardDataScalar(g, gy, w, gxRef);
        ConvKernels.backwardFilterScalar(g, x, gy, gwRef);
        for (int images : new int[]{1, 2, 3, g.n()}) {
            String what = name + ", " + images + " images per GEMM";
            float[] y = filled(g.outputLength(), 7f), gx = filled(g.inputLength(), 7f), gw = filled(g.weightLength(), 7f);
            ConvGemm.forward(g, x, w, b, y, images);
            assertClose(yRef, y, 1e-4, what + " forward");
            ConvGemm.backwardData(g, gy, w, gx, images);
            assertClose(gxRef, gx, 1e-4, what + " backwardData");
            ConvGemm.backwardFilter(g, x, gy, gw, images);
            assertClose(gwRef, gw, 1e-4, what + " backwardFilter");
        }
    }

    /** Same inputs give bit-identical outputs, call after call (no dependence on thread timing). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkedGeometries")
    void repeatedCallsAreBitIdentical(String name, ConvGeometry g) {
        ConvGeometry big = g.withBatch(4 * g.n() + 1);
        Random r = new Random(name.hashCode() + 5);
        float[] x = random(r, big.inputLength()), w = random(r, big.weightLength()), gy = random(r, big.outputLength());
        float[][] first = runAll(big, x, w, gy);
        for (int rep = 0; rep < 3; rep++) {
            float[][] again = runAll(big, x, w, gy);
            for (int i = 0; i < first.length; i++)
                assertArrayEquals(first[i], again[i], name + " output " + i + " differs on call " + (rep + 2));
        }
    }

    private static float[][] runAll(ConvGeometry g, float[] x, float[] w, float[] gy) {
        float[] y = new float[g.outputLength()], gx = new float[g.inputLength()], gw = new float[g.weightLength()];
        ConvKernels.forward(g, x, w, null, y);
        ConvKernels.backwardData(g, gy, w, gx);
        ConvKernels.backwardFilter(g, x, gy, gw);
        return new float[][]{y, gx, gw};
    }

    @Test
    void imagesPerGemmGrowsAsThePlaneShrinks() {
        int threads = CpuThreads.threads();
        ConvGeometry large = ConvGeometry.conv2d(128, 16, 16, 32, 32, 3, 1, 1);        // P = 1024
        ConvGeometry small = ConvGeometry.conv2d(128, 16, 16, 8, 8, 3, 1, 1);          // P = 64, K = 144
        ConvGeometry tiny = ConvGeometry.conv2d(128, 128, 128, 1, 1, 3, 1, 1);         // P = 1, one live tap
        assertEquals(1, ConvGemm.imagesPerGemm(large));
        int perThread = threads > 1 ? (128 + threads - 1) / threads : 128;
        assertEquals(Math.min(ConvGemm.COLUMN_TARGET / 64, perThread), ConvGemm.imagesPerGemm(small));
        int expected = Math.min(Math.min(ConvGemm.COLUMN_TARGET, ConvGemm.COLUMN_BUDGET / 128), perThread); // K = 128·1 live tap
        assertEquals(expected, ConvGemm.imagesPerGemm(tiny));
        assertEquals(1, ConvGemm.imagesPerGemm(small.withBatch(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void forwardMatchesScalarTwin(String name, ConvGeometry g) {
        Random r = new Random(name.hashCode());
        float[] x = random(r, g.inputLength()), w = random(r, g.weightLength()), b = random(r, g.cOut());
        float[] y = new float[g.outputLength()], ref = new float[g.outputLength()];
        ConvKernels.forward(g, x, w, b, y);
        ConvKernels.forwardScalar(g, x, w, b, ref);
        assertClose(ref, y, 1e-4, name + " forward");
        ConvKernels.forward(g, x, w, null, y);
        ConvKernels.forwardScalar(g, x, w, null, ref);
        assertClose(ref, y, 1e-4, name + " forward without bias");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void backwardsMatchScalarTwins(String name, ConvGeometry g) {
        Random r = new Random(name.hashCode() + 1);
        float[] x = random(r, g.inputLength()), w = random(r, g.weightLength()), gy = random(r, g.outputLength());
        float[] gx = filled(g.inputLength(), 7f), gxRef = new float[g.inputLength()];   // stale values must be overwritten
        ConvKernels.backwardData(g, gy, w, gx);
        ConvKernels.backwardDataScalar(g, gy, w, gxRef);
        assertClose(gxRef, gx, 1e-4, name + " backwardData");

        float[] gw = filled(g.weightLength(), 7f), gwRef = new float[g.weightLength()];
        ConvKernels.backwardFilter(g, x, gy, gw);
        ConvKernels.backwardFilterScalar(g, x, gy, gwRef);
        assertClose(gwRef, gw, 1e-4, name + " backwardFilter");

        float[] gb = filled(g.cOut(), 7f), gbRef = new float[g.cOut()];
        ConvKernels.backwardBias(g, gy, gb);
        ConvKernels.backwardBiasScalar(g, gy, gbRef);
        assertClose(gbRef, gb, 1e-4, name + " backwardBias");
    }

    /** {@code <conv(x, w), gy> == <x, backwardData(gy, w)> == <w, backwardFilter(x, gy)>}, in double. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void adjointIdentityOnScalarReference(String name, ConvGeometry g) {
        Random r = new Random(name.hashCode() + 2);
        double[] x = randomD(r, g.inputLength()), w = randomD(r, g.weightLength()), gy = randomD(r, g.outputLength());
        double[] y = new double[g.outputLength()], gx = new double[g.inputLength()], gw = new double[g.weightLength()];
        ConvKernels.forwardScalar(g, x, w, null, y);
        ConvKernels.backwardDataScalar(g, gy, w, gx);
        ConvKernels.backwardFilterScalar(g, x, gy, gw);
        double lhs = dot(y, gy), viaData = dot(x, gx), viaFilter = dot(w, gw);
        double scale = 1 + Math.abs(lhs);
        assertEquals(lhs, viaData, 1e-10 * scale, name + ": <conv(x,w), gy> vs <x, backwardData(gy,w)>");
        assertEquals(lhs, viaFilter, 1e-10 * scale, name + ": <conv(x,w), gy> vs <w, backwardFilter(x,gy)>");
        // bias: <b·1, gy> == <b, backwardBias(gy)>
        double[] b = randomD(r, g.cOut()), yb = new double[g.outputLength()], gb = new double[g.cOut()];
        ConvKernels.forwardScalar(g, x, w, b, yb);
        ConvKernels.backwardBiasScalar(g, gy, gb);
        assertEquals(dot(yb, gy) - lhs, dot(b, gb), 1e-10 * (1 + Math.abs(dot(yb, gy))), name + " bias adjoint");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void adjointIdentityOnFastPaths(String name, ConvGeometry g) {
        Random r = new Random(name.hashCode() + 3);
        float[] x = random(r, g.inputLength()), w = random(r, g.weightLength()), gy = random(r, g.outputLength());
        float[] y = new float[g.outputLength()], gx = new float[g.inputLength()], gw = new float[g.weightLength()];
        ConvKernels.forward(g, x, w, null, y);
        ConvKernels.backwardData(g, gy, w, gx);
        ConvKernels.backwardFilter(g, x, gy, gw);
        double lhs = dot(y, gy), viaData = dot(x, gx), viaFilter = dot(w, gw);
        double scale = 1 + sumAbsProducts(y, gy);
        assertEquals(lhs, viaData, 1e-5 * scale, name + " fast adjoint (data)");
        assertEquals(lhs, viaFilter, 1e-5 * scale, name + " fast adjoint (filter)");
    }

    // ---------------------------------------------------------------- the definition itself, by hand

    @Test
    void windowSumsByHand() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};                         // (1, 1, 3, 3)
        float[] y = new float[4];
        ConvKernels.forward(ConvGeometry.conv2d(1, 1, 1, 3, 3, 2, 1, 0), x, new float[]{1, 1, 1, 1}, new float[]{1}, y);
        assertArrayEquals(new float[]{13, 17, 25, 29}, y);                  // window sums + bias 1
        // 3×3 ones, stride 2, padding 1: each output sees a 2×2 corner of the input
        ConvKernels.forward(ConvGeometry.conv2d(1, 1, 1, 3, 3, 3, 2, 1), x, filled(9, 1f), null, y);
        assertArrayEquals(new float[]{12, 16, 24, 28}, y);
        // 2×2 kernel, dilation 2: the four corners
        float[] one = new float[1];
        ConvKernels.forward(ConvGeometry.conv2d(1, 1, 1, 3, 3, 2, 1, 0).withDilation(2), x, filled(4, 1f), null, one);
        assertEquals(1 + 3 + 7 + 9, one[0]);
        // cross-correlation, not convolution: a kernel (1, 0) picks the left element
        float[] row = new float[2];
        ConvKernels.forward(ConvGeometry.conv1d(1, 1, 1, 3, 2, 1, 0), new float[]{5, 6, 7}, new float[]{1, 0}, null, row);
        assertArrayEquals(new float[]{5, 6}, row);
    }

    @Test
    void groupsSeeOnlyTheirChannels() {
        // C_in = C_out = 2, groups 2, 1×1 weights (2, 3): y0 = 2·x0, y1 = 3·x1; groups 1 would mix them
        float[] x = {1, 2, 10, 20};                                          // (1, 2, 1, 2)
        float[] y = new float[4];
        ConvKernels.forward(ConvGeometry.conv2d(1, 2, 2, 1, 2, 1, 1, 0).withGroups(2), x, new float[]{2, 3}, null, y);
        assertArrayEquals(new float[]{2, 4, 30, 60}, y);
        // a grouped 3×3 goes through im2col: same rule
        float[] x2 = new float[2 * 9];
        for (int i = 0; i < 9; i++) { x2[i] = 1; x2[9 + i] = 100; }
        float[] w2 = new float[2 * 9];
        w2[4] = 2; w2[9 + 4] = 3;                                            // centre taps
        float[] y2 = new float[2 * 9];
        ConvKernels.forward(ConvGeometry.conv2d(1, 2, 2, 3, 3, 3, 1, 1).withGroups(2), x2, w2, null, y2);
        for (int i = 0; i < 9; i++) { assertEquals(2, y2[i]); assertEquals(300, y2[9 + i]); }
    }

    @Test
    void outputSizeFollowsPyTorchFormula() {
        ConvGeometry g = ConvGeometry.of(1, 1, 1, 1, new int[]{10, 11, 56}, new int[]{3, 2, 7},
                new int[]{2, 3, 2}, new int[]{0, 1, 3}, new int[]{2, 1, 1});
        // floor((10 + 0 − 4 − 1)/2) + 1 = 3; floor((11 + 2 − 1 − 1)/3) + 1 = 4; floor((56 + 6 − 6 − 1)/2) + 1 = 28
        assertArrayEquals(new int[]{3, 4, 28}, g.outputSize());
        assertEquals(2L * 8 * 64 * 56 * 56 * 64 * 9, ConvGeometry.conv2d(8, 64, 64, 56, 56, 3, 1, 1).flops());
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badGeometryNamesTheField() {
        assertMessage("groups", () -> ConvGeometry.conv2d(1, 6, 4, 5, 5, 3, 1, 1).withGroups(4));
        assertMessage("padding[1]", () -> ConvGeometry.of(1, 1, 1, 1, new int[]{5, 5}, new int[]{3, 3},
                new int[]{1, 1}, new int[]{0, -1}, new int[]{1, 1}));
        assertMessage("stride", () -> ConvGeometry.conv2d(1, 1, 1, 5, 5, 3, 0, 1));
        assertMessage("kernel must have 2 entries", () -> ConvGeometry.of(1, 1, 1, 1, new int[]{5, 5}, new int[]{3},
                new int[]{1, 1}, new int[]{0, 0}, new int[]{1, 1}));
        assertMessage("output size along spatial axis 1", () -> ConvGeometry.conv2d(1, 1, 1, 5, 2, 3, 1, 0));
        assertMessage("rank", () -> ConvGeometry.of(1, 1, 1, 1, new int[4], new int[4], new int[4], new int[4], new int[4]));
        assertMessage("C_in", () -> ConvGeometry.conv2d(1, 0, 1, 5, 5, 3, 1, 1));
    }

    @Test
    void wrongBufferLengthNamesTheBuffer() {
        ConvGeometry g = ConvGeometry.conv2d(2, 3, 4, 5, 5, 3, 1, 1);
        float[] x = new float[g.inputLength()], w = new float[g.weightLength()], y = new float[g.outputLength()];
        assertMessage("x (N, C_in, D, H, W) has length 10", () -> ConvKernels.forward(g, new float[10], w, null, y));
        assertMessage("bias (C_out)", () -> ConvKernels.forward(g, x, w, new float[3], y));
        assertMessage("gw (C_out", () -> ConvKernels.backwardFilter(g, x, y, new float[1]));
        assertMessage("gx (N, C_in", () -> ConvKernels.backwardData(g, y, w, new float[1]));
        assertMessage("gb (C_out)", () -> ConvKernels.backwardBias(g, y, new float[1]));
    }

    // ---------------------------------------------------------------- helpers

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double maxDiff = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]) / (1 + Math.abs(expected[i]));
            if (!(d <= maxDiff)) { maxDiff = d; at = i; }
        }
        assertTrue(maxDiff <= tol, what + ": max relative difference " + maxDiff + " at " + at
                + (at >= 0 ? " (expected " + expected[at] + ", got " + actual[at] + ")" : ""));
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    static double[] randomD(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextDouble() * 2 - 1;
        return a;
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    static double sumAbsProducts(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs((double) a[i] * b[i]);
        return s;
    }
}
