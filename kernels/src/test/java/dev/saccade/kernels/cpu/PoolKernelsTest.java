package dev.saccade.kernels.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.saccade.kernels.cpu.ConvKernelsTest.*;
import static org.junit.jupiter.api.Assertions.*;

class PoolKernelsTest {

    static Stream<Arguments> windows() {
        return Stream.of(
                Arguments.of("2d 3x3 stride2 pad1 odd", PoolGeometry.pool2d(2, 3, 9, 11, 3, 2, 1)),
                Arguments.of("2d 2x2 stride2 odd (floor)", PoolGeometry.pool2d(2, 2, 7, 7, 2, 2, 0)),
                Arguments.of("2d 2x2 stride2 ceil mode", PoolGeometry.pool2d(2, 2, 7, 9, 2, 2, 0).withCeilMode(true)),
                Arguments.of("2d 3x3 stride2 pad1 ceil mode", PoolGeometry.pool2d(1, 2, 6, 8, 3, 2, 1).withCeilMode(true)),
                Arguments.of("2d 3x3 stride1 pad1 wide rows", PoolGeometry.pool2d(5, 2, 5, 37, 3, 1, 1)),
                Arguments.of("2d non-square kernel/stride", PoolGeometry.of(2, 3, new int[]{8, 9}, new int[]{3, 2},
                        new int[]{2, 1}, new int[]{1, 1}, new int[]{1, 1})),
                Arguments.of("2d exclude pad", PoolGeometry.pool2d(2, 2, 7, 8, 3, 2, 1).withCountIncludePad(false)),
                Arguments.of("1d k3 stride2 pad1", PoolGeometry.pool1d(3, 4, 13, 3, 2, 1)),
                Arguments.of("3d 2x2x2 stride2", PoolGeometry.pool3d(2, 2, 5, 6, 7, 2, 2, 0)),
                Arguments.of("3d (3,1,1) temporal", PoolGeometry.of(2, 3, new int[]{8, 5, 5}, new int[]{3, 1, 1},
                        new int[]{2, 1, 1}, new int[]{1, 0, 0}, new int[]{1, 1, 1})));
    }

    static Stream<Arguments> dilatedWindows() {
        return Stream.concat(windows(), Stream.of(
                Arguments.of("2d dilation2 max", PoolGeometry.pool2d(2, 2, 11, 12, 3, 2, 1).withDilation(2)),
                Arguments.of("1d dilation2 max ceil", PoolGeometry.of(2, 2, new int[]{14}, new int[]{3},
                        new int[]{3}, new int[]{2}, new int[]{2}).withCeilMode(true))));
    }

    static Stream<Arguments> adaptive() {
        return Stream.of(
                Arguments.of("2d 7x7 -> 1x1 (global)", AdaptivePoolGeometry.of(2, 5, new int[]{7, 7}, new int[]{1, 1})),
                Arguments.of("2d 10x7 -> 4x3 overlapping bins", AdaptivePoolGeometry.of(2, 3, new int[]{10, 7}, new int[]{4, 3})),
                Arguments.of("2d 5x5 -> 7x6 upsampling bins", AdaptivePoolGeometry.of(1, 2, new int[]{5, 5}, new int[]{7, 6})),
                Arguments.of("2d 3x37 -> 3x5 wide rows", AdaptivePoolGeometry.of(5, 2, new int[]{3, 37}, new int[]{3, 5})),
                Arguments.of("1d 7 -> 3", AdaptivePoolGeometry.of(3, 4, new int[]{7}, new int[]{3})),
                Arguments.of("3d (8,7,7) -> (8,1,1)", AdaptivePoolGeometry.of(2, 3, new int[]{8, 7, 7}, new int[]{8, 1, 1})),
                Arguments.of("3d (5,6,7) -> (2,3,4)", AdaptivePoolGeometry.of(2, 2, new int[]{5, 6, 7}, new int[]{2, 3, 4})));
    }

    // ---------------------------------------------------------------- max

    @ParameterizedTest(name = "{0}")
    @MethodSource("dilatedWindows")
    void maxMatchesScalarTwinExactly(String name, PoolGeometry g) {
        Random r = new Random(name.hashCode());
        float[] x = random(r, g.inputLength()), gy = random(r, g.outputLength());
        float[] y = new float[g.outputLength()], yRef = new float[g.outputLength()];
        int[] arg = new int[g.outputLength()], argRef = new int[g.outputLength()];
        PoolKernels.maxForward(g, x, y, arg);
        PoolKernels.maxForwardScalar(g, x, yRef, argRef);
        assertArrayEquals(yRef, y, name + " max forward");
        assertArrayEquals(argRef, arg, name + " argmax");
        for (int o = 0; o < y.length; o++)                                   // argmax points at the max itself
            assertEquals(y[o], x[o / g.outPlane() * g.inPlane() + arg[o]], name + " x[argmax] == y");
        float[] gx = filled(g.inputLength(), 7f), gxRef = new float[g.inputLength()];
        PoolKernels.maxBackward(g, gy, arg, gx);
        PoolKernels.maxBackwardScalar(g, gy, argRef, gxRef);
        assertClose(gxRef, gx, 1e-6, name + " max backward");
    }

    /** Central differences of L = <maxpool(x), gy> in double against maxBackward. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dilatedWindows")
    void maxGradientCheck(String name, PoolGeometry g) {
        Random r = new Random(name.hashCode() + 1);
        double[] x = randomD(r, g.inputLength()), gy = randomD(r, g.outputLength());
        double[] y = new double[g.outputLength()], gx = new double[g.inputLength()];
        int[] arg = new int[g.outputLength()];
        PoolKernels.maxForwardScalar(g, x, y, arg);
        PoolKernels.maxBackwardScalar(g, gy, arg, gx);
        double eps = 1e-7;
        for (int i = 0; i < x.length; i += Math.max(1, x.length / 60)) {
            double keep = x[i];
            x[i] = keep + eps;
            double up = loss(g, x, gy);
            x[i] = keep - eps;
            double down = loss(g, x, gy);
            x[i] = keep;
            assertEquals((up - down) / (2 * eps), gx[i], 1e-6, name + " d/dx[" + i + "]");
        }
    }

    private static double loss(PoolGeometry g, double[] x, double[] gy) {
        double[] y = new double[g.outputLength()];
        PoolKernels.maxForwardScalar(g, x, y, new int[g.outputLength()]);
        return dot(y, gy);
    }

    /**
     * The vectorised 2-d kernel ({@link MaxPoolIndices}) against the scalar definition on inputs made of ties (small
     * integers), −∞ and NaN, on rows wider and narrower than a vector and strides 1 to 3: the same maxima and the same
     * indices (first maximum among ties, a NaN wins, −∞ in range beats the padding).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tieWindows")
    void maxKeepsTheFirstOfTiesAndNaNs(String name, PoolGeometry g) {
        assertTrue(MaxPoolIndices.supports(g), name);
        Random r = new Random(name.hashCode());
        float[] x = new float[g.inputLength()];
        for (int i = 0; i < x.length; i++) {
            int k = r.nextInt(40);
            x[i] = k == 0 ? Float.NaN : k == 1 ? Float.NEGATIVE_INFINITY : r.nextInt(4);
        }
        for (int i = 0; i < Math.min(x.length, 3 * g.inW()); i++) x[i] = Float.NEGATIVE_INFINITY;   // all-−∞ windows
        float[] y = new float[g.outputLength()], yRef = new float[g.outputLength()];
        int[] arg = new int[g.outputLength()], argRef = new int[g.outputLength()];
        PoolKernels.maxForward(g, x, y, arg);
        PoolKernels.maxForwardScalar(g, x, yRef, argRef);
        assertArrayEquals(argRef, arg, name + " argmax");
        assertArrayEquals(yRef, y, name + " max");
    }

    static Stream<Arguments> tieWindows() {
        return Stream.of(
                Arguments.of("stem 3x3/2 pad1, 16 wide", PoolGeometry.pool2d(3, 2, 16, 16, 3, 2, 1)),
                Arguments.of("3x3/2 pad1, 57 wide", PoolGeometry.pool2d(1, 2, 9, 57, 3, 2, 1)),
                Arguments.of("3x3/1 pad1, 41 wide", PoolGeometry.pool2d(2, 1, 5, 41, 3, 1, 1)),
                Arguments.of("5x5/3 pad2, 38 wide", PoolGeometry.pool2d(1, 3, 11, 38, 5, 3, 2)),
                Arguments.of("2x2/2, 5 wide", PoolGeometry.pool2d(2, 2, 6, 5, 2, 2, 0)),
                Arguments.of("3x3/2 pad1 ceil, 34 wide", PoolGeometry.pool2d(1, 2, 7, 34, 3, 2, 1).withCeilMode(true)),
                Arguments.of("3x3/2 pad1, 7 wide (planes of 3 × 4)", PoolGeometry.pool2d(3, 2, 5, 7, 3, 2, 1)),
                Arguments.of("3x3/1 pad1, 6 wide (planes of 6 × 6)", PoolGeometry.pool2d(2, 3, 6, 6, 3, 1, 1)),
                Arguments.of("3x3/2 pad1 ceil, 9 wide", PoolGeometry.pool2d(2, 2, 9, 9, 3, 2, 1).withCeilMode(true)));
    }

    /** Which of {@link MaxPoolIndices}' two loops {@link #tieWindows} run at this vector width: both. */
    @Test
    void tieWindowsRunBothLoops() {
        int lanes = VectorMath.F.length();
        List<PoolGeometry> windows = tieWindows().map(a -> (PoolGeometry) a.get()[1]).toList();
        assertTrue(windows.stream().anyMatch(g -> g.outW() < lanes), "no geometry takes forwardByPlanes");
        assertTrue(windows.stream().anyMatch(g -> g.outW() >= lanes), "no geometry takes forwardByRows");
    }

    @Test
    void maxByHand() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = i;                               // (1, 1, 4, 4), 0..15
        float[] y = new float[4];
        int[] arg = new int[4];
        PoolKernels.maxForward(PoolGeometry.pool2d(1, 1, 4, 4, 2, 2, 0), x, y, arg);
        assertArrayEquals(new float[]{5, 7, 13, 15}, y);
        assertArrayEquals(new int[]{5, 7, 13, 15}, arg);
        // padding never wins, even over negative values
        float[] neg = {-3, -1, -2};
        float[] y1 = new float[2];
        int[] a1 = new int[2];
        PoolKernels.maxForward(PoolGeometry.pool1d(1, 1, 3, 2, 2, 1), neg, y1, a1);    // windows [pad, -3], [-1, -2]
        assertArrayEquals(new float[]{-3, -1}, y1);
        assertArrayEquals(new int[]{0, 1}, a1);
        // NaN propagates, as in PyTorch
        PoolKernels.maxForward(PoolGeometry.pool1d(1, 1, 3, 3, 1, 0), new float[]{1, Float.NaN, 2}, y1 = new float[1], new int[1]);
        assertTrue(Float.isNaN(y1[0]));
        // backward routes each gradient to its argmax; overlapping windows add up
        float[] gx = new float[3];
        PoolKernels.maxBackward(PoolGeometry.pool1d(1, 1, 3, 2, 1, 0), new float[]{10, 20}, new int[]{1, 1}, gx);
        assertArrayEquals(new float[]{0, 30, 0}, gx);
    }

    // ---------------------------------------------------------------- average

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void avgMatchesScalarTwin(String name, PoolGeometry g) {
        Random r = new Random(name.hashCode() + 2);
        float[] x = random(r, g.inputLength()), gy = random(r, g.outputLength());
        float[] y = filled(g.outputLength(), 7f), yRef = new float[g.outputLength()];
        PoolKernels.avgForward(g, x, y);
        PoolKernels.avgForwardScalar(g, x, yRef);
        assertClose(yRef, y, 1e-5, name + " avg forward");
        float[] gx = filled(g.inputLength(), 7f), gxRef = new float[g.inputLength()];
        PoolKernels.avgBackward(g, gy, gx);
        PoolKernels.avgBackwardScalar(g, gy, gxRef);
        assertClose(gxRef, gx, 1e-5, name + " avg backward");
    }

    /** {@code <avgpool(x), gy> == <x, avgBackward(gy)>}, in double. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void avgAdjointIdentity(String name, PoolGeometry g) {
        Random r = new Random(name.hashCode() + 3);
        double[] x = randomD(r, g.inputLength()), gy = randomD(r, g.outputLength());
        double[] y = new double[g.outputLength()], gx = new double[g.inputLength()];
        PoolKernels.avgForwardScalar(g, x, y);
        PoolKernels.avgBackwardScalar(g, gy, gx);
        assertEquals(dot(y, gy), dot(x, gx), 1e-10 * (1 + Math.abs(dot(y, gy))), name);
    }

    @Test
    void avgByHand() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};                              // (1, 1, 3, 3)
        float[] y = new float[9];
        PoolKernels.avgForward(PoolGeometry.pool2d(1, 1, 3, 3, 3, 1, 1), x, y);
        assertEquals(12f / 9, y[0], 1e-6, "corner counts the 5 padded zeros");
        assertEquals(45f / 9, y[4], 1e-6, "centre");
        PoolKernels.avgForward(PoolGeometry.pool2d(1, 1, 3, 3, 3, 1, 1).withCountIncludePad(false), x, y);
        assertEquals(12f / 4, y[0], 1e-6, "corner without padding");
        // ceil mode: 5×5, k2 s2 p1 -> 3×3; the last window [3, 5) is clipped to the padded input (PyTorch gives 22)
        float[] x5 = new float[25];
        for (int i = 0; i < 25; i++) x5[i] = i + 1;
        float[] y3 = new float[9];
        PoolKernels.avgForward(PoolGeometry.pool2d(1, 1, 5, 5, 2, 2, 1).withCeilMode(true), x5, y3);
        assertArrayEquals(new float[]{0.25f, 1.25f, 2.25f, 4.25f, 10f, 12f, 9.25f, 20f, 22f}, y3, 1e-6f);
    }

    // ---------------------------------------------------------------- adaptive average

    @ParameterizedTest(name = "{0}")
    @MethodSource("adaptive")
    void adaptiveMatchesScalarTwin(String name, AdaptivePoolGeometry g) {
        Random r = new Random(name.hashCode() + 4);
        float[] x = random(r, g.inputLength()), gy = random(r, g.outputLength());
        float[] y = filled(g.outputLength(), 7f), yRef = new float[g.outputLength()];
        PoolKernels.adaptiveAvgForward(g, x, y);
        PoolKernels.adaptiveAvgForwardScalar(g, x, yRef);
        assertClose(yRef, y, 1e-5, name + " adaptive forward");
        float[] gx = filled(g.inputLength(), 7f), gxRef = new float[g.inputLength()];
        PoolKernels.adaptiveAvgBackward(g, gy, gx);
        PoolKernels.adaptiveAvgBackwardScalar(g, gy, gxRef);
        assertClose(gxRef, gx, 1e-5, name + " adaptive backward");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adaptive")
    void adaptiveAdjointIdentity(String name, AdaptivePoolGeometry g) {
        Random r = new Random(name.hashCode() + 5);
        double[] x = randomD(r, g.inputLength()), gy = randomD(r, g.outputLength());
        double[] y = new double[g.outputLength()], gx = new double[g.inputLength()];
        PoolKernels.adaptiveAvgForwardScalar(g, x, y);
        PoolKernels.adaptiveAvgBackwardScalar(g, gy, gx);
        assertEquals(dot(y, gy), dot(x, gx), 1e-10 * (1 + Math.abs(dot(y, gy))), name);
    }

    @Test
    void adaptiveByHand() {
        // 5 -> 3: bins [0,2), [1,4), [3,5)
        float[] y = new float[3];
        PoolKernels.adaptiveAvgForward(AdaptivePoolGeometry.of(1, 1, new int[]{5}, new int[]{3}), new float[]{1, 2, 3, 4, 5}, y);
        assertArrayEquals(new float[]{1.5f, 3f, 4.5f}, y, 1e-6f);
        float[] gx = new float[5];
        PoolKernels.adaptiveAvgBackward(AdaptivePoolGeometry.of(1, 1, new int[]{5}, new int[]{3}), new float[]{2, 3, 4}, gx);
        assertArrayEquals(new float[]{2f / 2, 2f / 2 + 3f / 3, 3f / 3, 3f / 3 + 4f / 2, 4f / 2}, gx, 1e-6f);
        assertEquals(1, AdaptivePoolGeometry.start(1, 5, 3));
        assertEquals(4, AdaptivePoolGeometry.end(1, 5, 3));
    }

    // ---------------------------------------------------------------- geometry and bad input

    @Test
    void outputSizeFollowsPyTorch() {
        assertArrayEquals(new int[]{56, 56}, PoolGeometry.pool2d(1, 1, 112, 112, 3, 2, 1).outputSize());
        assertArrayEquals(new int[]{3, 3}, PoolGeometry.pool2d(1, 1, 7, 7, 2, 2, 0).outputSize());
        assertArrayEquals(new int[]{4, 4}, PoolGeometry.pool2d(1, 1, 7, 7, 2, 2, 0).withCeilMode(true).outputSize());
        assertArrayEquals(new int[]{4, 4}, PoolGeometry.pool2d(1, 1, 6, 6, 3, 2, 1).withCeilMode(true).outputSize());
        // ceil mode drops a last window that would start in the right padding: in 5, k 2, s 2, p 1 -> 3 not 4
        assertArrayEquals(new int[]{3}, PoolGeometry.pool1d(1, 1, 5, 2, 2, 1).withCeilMode(true).outputSize());
    }

    @Test
    void badInputNamesTheField() {
        assertMessage("padding[1]=2", () -> PoolGeometry.of(1, 1, new int[]{8, 8}, new int[]{3, 3}, new int[]{1, 1},
                new int[]{1, 2}, new int[]{1, 1}));
        assertMessage("kernel[0]", () -> PoolGeometry.pool1d(1, 1, 8, 0, 1, 0));
        assertMessage("output size along spatial axis 0", () -> PoolGeometry.pool1d(1, 1, 2, 3, 1, 0));
        assertMessage("output[1]", () -> AdaptivePoolGeometry.of(1, 1, new int[]{4, 4}, new int[]{1, 0}));
        PoolGeometry g = PoolGeometry.pool2d(1, 2, 4, 4, 2, 2, 0);
        float[] x = new float[g.inputLength()], y = new float[g.outputLength()];
        assertMessage("argmax (N, C, oD, oH, oW) has length 3", () -> PoolKernels.maxForward(g, x, y, new int[3]));
        assertMessage("y (N, C, oD, oH, oW)", () -> PoolKernels.avgForward(g, x, new float[1]));
        assertMessage("gx (N, C, D, H, W)", () -> PoolKernels.avgBackward(g, y, new float[1]));
        int[] bad = new int[g.outputLength()];
        bad[2] = 99;
        assertMessage("argmax[2]=99", () -> PoolKernels.maxBackward(g, y, bad, x));
        assertMessage("dilation must be 1", () -> PoolKernels.avgForward(g.withDilation(2), x,
                new float[g.withDilation(2).outputLength()]));
    }
}
