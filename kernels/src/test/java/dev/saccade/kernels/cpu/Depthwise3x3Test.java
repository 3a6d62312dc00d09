package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Depthwise3x3} (through {@link ConvFused#forward}), stride 2 (planes split whole and in a ring of rows) and
 * stride 1, against the scalar twin: odd planes, widths that are not multiples of L, 7×7 and smaller planes, one row
 * or column, 1 and 2 threads, every epilogue.
 */
class Depthwise3x3Test {

    static List<ConvGeometry> geometries() {
        return List.of(
                ConvGeometry.conv2d(2, 5, 5, 38, 38, 3, 2, 1).withGroups(5),   // 19² out: split flat, rows of 19, plane tail
                ConvGeometry.conv2d(1, 2, 2, 112, 112, 3, 2, 1).withGroups(2), // MobileNetV2's 112² → 56², split flat
                ConvGeometry.conv2d(2, 4, 4, 28, 28, 3, 2, 1).withGroups(4),   // 28² → 14²: flat with 8 lanes
                ConvGeometry.conv2d(2, 3, 3, 10, 32, 3, 2, 1).withGroups(3),   // rows of 16 = 2 vectors of 8, 1 of 16
                ConvGeometry.conv2d(1, 2, 2, 4, 16, 3, 2, 1).withGroups(2),    // rows of 8: exactly one vector of 8
                ConvGeometry.conv2d(1, 2, 2, 33, 40, 3, 2, 1).withGroups(2),   // odd H, 1320 positions: split whole
                ConvGeometry.conv2d(1, 3, 3, 33, 17, 3, 2, 1).withGroups(3),   // odd H and W
                ConvGeometry.conv2d(3, 2, 2, 14, 14, 3, 2, 1).withGroups(2),   // MobileNetV2's 14² → 7²
                ConvGeometry.conv2d(2, 3, 3, 7, 7, 3, 2, 1).withGroups(3),     // 7² → 4²
                ConvGeometry.conv2d(1, 4, 4, 3, 3, 3, 2, 1).withGroups(4),     // 3² → 2²
                ConvGeometry.conv2d(2, 2, 2, 1, 1, 3, 2, 1).withGroups(2),     // 1²: the border only
                ConvGeometry.conv2d(1, 2, 2, 4, 70, 3, 2, 1).withGroups(2),    // rows of 35 > 2L
                ConvGeometry.conv2d(2, 3, 3, 9, 11, 3, 1, 1).withGroups(3),    // stride 1, odd plane
                ConvGeometry.conv2d(1, 2, 2, 7, 7, 3, 1, 1).withGroups(2),     // stride 1, 7×7
                ConvGeometry.conv2d(1, 2, 2, 3, 7, 3, 1, 1).withGroups(2),     // then 3×7: same width, another plane
                ConvGeometry.conv2d(3, 4, 4, 14, 14, 3, 1, 1).withGroups(4),   // stride 1, 14×14
                ConvGeometry.conv2d(2, 3, 3, 5, 32, 3, 1, 1).withGroups(3),    // stride 1, rows of 2L
                ConvGeometry.conv2d(2, 3, 3, 4, 33, 3, 1, 1).withGroups(3),    // stride 1, rows of 2L + 1
                ConvGeometry.conv2d(2, 2, 2, 3, 1, 3, 1, 1).withGroups(2),     // stride 1, one column
                ConvGeometry.conv2d(2, 2, 2, 1, 5, 3, 1, 1).withGroups(2),     // stride 1, one row
                ConvGeometry.conv2d(1, 3, 3, 16, 16, 3, 1, 1).withGroups(3),   // stride 1, rows of exactly L
                ConvGeometry.conv2d(1, 2, 2, 6, 56, 3, 1, 1).withGroups(2),    // stride 1, MobileNetV2's 56 columns
                ConvGeometry.conv2d(2, 2, 2, 5, 113, 3, 1, 1).withGroups(2),   // stride 1, 113 columns
                ConvGeometry.conv2d(1, 2, 2, 5, 112, 3, 2, 1).withGroups(2),   // stride 2, 112 → 56 columns, odd H
                ConvGeometry.conv2d(1, 2, 2, 6, 65, 3, 2, 1).withGroups(2),    // stride 2, 65 → 33 columns
                ConvGeometry.conv2d(2, 2, 2, 71, 112, 3, 2, 1).withGroups(2),  // stride 2 in a ring of rows, odd H
                ConvGeometry.conv2d(1, 2, 2, 72, 129, 3, 2, 1).withGroups(2),  // the ring, odd W
                ConvGeometry.conv2d(2, 35, 35, 13, 11, 3, 2, 1).withGroups(35), // channels in lanes: full blocks and a rest
                ConvGeometry.conv2d(1, 16, 16, 14, 14, 3, 2, 1).withGroups(16), // channels in lanes: 14² → 7²
                ConvGeometry.conv2d(2, 19, 19, 9, 7, 3, 1, 1).withGroups(19), // stride 1, more channels than lanes
                ConvGeometry.conv2d(1, 2, 2, 5, 8, 3, 1, 1).withGroups(2),     // stride 1, rows of 8: one strip, both edges
                ConvGeometry.conv2d(2, 3, 3, 2, 9, 3, 1, 1).withGroups(3),     // stride 1, two rows of 9: strips overlap
                ConvGeometry.conv2d(1, 2, 2, 2, 17, 3, 1, 1).withGroups(2),    // stride 1, two rows of 17
                ConvGeometry.conv2d(1, 2, 2, 40, 112, 3, 1, 1).withGroups(2),  // stride 1, a plane too large for strips
                ConvGeometry.conv2d(2, 3, 3, 9, 10, 3, 2, 1).withGroups(3),    // stride 2, odd H, rows of 5 outputs
                ConvGeometry.conv2d(1, 2, 2, 6, 4, 3, 2, 1).withGroups(2));    // stride 2, rows of 2 outputs
    }

    @Test
    void coversEveryStrideTwoPath() {
        List<ConvGeometry> strideTwo = geometries().stream().filter(g -> g.strideH() == 2).toList();
        assertTrue(strideTwo.stream().anyMatch(Depthwise3x3::splitsFlat), "no stride-2 case split flat");
        assertTrue(strideTwo.stream().anyMatch(g -> Depthwise3x3.splitsFlat(g) && g.outW() % VectorMath.F.length() != 0
                && g.inH() * g.inW() % (2 * VectorMath.F.length()) != 0), "no flat case with a partial last vector and a plane tail");
        assertTrue(strideTwo.stream().anyMatch(g -> !Depthwise3x3.splitsFlat(g) && Depthwise3x3.splitsInRing(g)),
                "no stride-2 case in a ring of rows");
        assertTrue(strideTwo.stream().anyMatch(g -> !Depthwise3x3.splitsFlat(g) && !Depthwise3x3.splitsInRing(g)
                && !Depthwise3x3Blocked.suits(g)), "no stride-2 case split whole");
        float[] y = new float[1];                                            // an output that is not the residual
        assertTrue(strideTwo.stream().anyMatch(g -> Depthwise3x3Blocked.suits(g) && g.cIn() > VectorMath.F.length()
                && !Depthwise3x3.inOneStripAtStrideTwo(g, null, y)), "no stride-2 case with channels in lanes, several blocks");
        assertTrue(strideTwo.stream().anyMatch(g -> Depthwise3x3.inOneStripAtStrideTwo(g, null, y) && g.inH() % 2 == 0
                && g.n() * g.cIn() > 1), "no stride-2 case as one strip per row, even H, several planes");
        assertTrue(strideTwo.stream().anyMatch(g -> Depthwise3x3.inOneStripAtStrideTwo(g, null, y) && g.inH() % 2 == 1),
                "no stride-2 case as one strip per row with odd H");
        assertTrue(strideTwo.stream().anyMatch(g -> Depthwise3x3.inOneStripAtStrideTwo(g, null, y)
                && 2 * g.outW() < VectorMath.F.length()), "no stride-2 strip whose stores spill over several rows");
    }

    @Test
    void coversEveryStrideOnePath() {
        List<ConvGeometry> strideOne = geometries().stream().filter(g -> g.strideH() == 1).toList();
        int lanes = VectorMath.F.length();
        float[] y = new float[1];
        assertTrue(strideOne.stream().anyMatch(g -> Depthwise3x3.inStrips(g, null, y) && g.inW() == lanes),
                "no stride-1 case of one strip with both edges");
        assertTrue(strideOne.stream().anyMatch(g -> Depthwise3x3.inStrips(g, null, y) && g.inW() % lanes != 0),
                "no stride-1 case whose last strip overlaps");
        assertTrue(strideOne.stream().anyMatch(g -> Depthwise3x3.inStrips(g, null, y) && g.inW() >= 3 * lanes),
                "no stride-1 case with inner strips");
        assertTrue(strideOne.stream().anyMatch(g -> Depthwise3x3.inStrips(g, null, y) && g.inH() <= 2),
                "no stride-1 case in strips of one or two rows");
        assertTrue(strideOne.stream().anyMatch(g -> Depthwise3x3.inOneStrip(g, null, y) && g.inH() > 2),
                "no stride-1 case narrower than a vector");
        assertTrue(strideOne.stream().anyMatch(g -> Depthwise3x3.inOneStrip(g, null, y) && 2 * g.inW() < lanes),
                "no stride-1 case whose rows are under half a vector (a store spills over several rows)");
        assertTrue(strideOne.stream().anyMatch(g -> Depthwise3x3.inOneStrip(g, null, y) && g.n() * g.cIn() > 1),
                "no narrow stride-1 case with a plane after another");
        assertTrue(strideOne.stream().anyMatch(g -> g.inW() >= lanes && !Depthwise3x3.inStrips(g, null, y)),
                "no stride-1 plane too large for strips");
        assertTrue(strideOne.stream().anyMatch(g -> Depthwise3x3.inStrips(g, null, y) && !Depthwise3x3.inStrips(g, y, y)),
                "no stride-1 case that a residual in place sends to y's own frame");
        assertTrue(strideOne.stream().anyMatch(g -> Depthwise3x3.inOneStrip(g, null, y) && !Depthwise3x3.inOneStrip(g, y, y)),
                "no narrow stride-1 case that a residual in place sends to y's own frame");
    }

    static Stream<Arguments> cases() {
        return cases(geometries());
    }

    /** Planes of at most 2048 positions: the sizes {@link Depthwise3x3Blocked} is meant for, and some beyond. */
    static List<ConvGeometry> smallPlanes() {
        return geometries().stream().filter(g -> g.inH() * g.inW() <= 2048).toList();
    }

    static Stream<Arguments> smallPlaneCases() {
        return cases(smallPlanes());
    }

    static Stream<ConvGeometry> smallPlanesOfSeveralImages() {
        return smallPlanes().stream().filter(g -> g.n() >= 2);
    }

    private static Stream<Arguments> cases(List<ConvGeometry> geometries) {
        List<Arguments> out = new ArrayList<>();
        for (ConvGeometry g : geometries)
            for (int threads : new int[] {1, 2})
                for (boolean residual : new boolean[] {false, true})
                    for (ConvActivation act : ConvActivation.values()) out.add(Arguments.of(g, threads, residual, act));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} threads={1} residual={2} {3}")
    @MethodSource("cases")
    void matchesScalarTwin(ConvGeometry g, int threads, boolean residual, ConvActivation act) {
        assertTrue(Depthwise3x3.supports(g), g.toString());
        Random rnd = new Random(23);
        float[] x = KernelArrays.gaussian(rnd, g.inputLength()), w = KernelArrays.gaussian(rnd, g.weightLength()), b = KernelArrays.gaussian(rnd, g.cOut());
        float[] res = residual ? KernelArrays.gaussian(rnd, g.outputLength()) : null;
        if (act == ConvActivation.RELU6) for (int i = 0; i < w.length; i++) w[i] *= 4f;   // values beyond 6 too
        float[] expected = new float[g.outputLength()];
        ConvFused.forwardScalar(g, x, w, b, res, act, 0, 0, expected);
        PackedConvWeights pw = PackedConvWeights.pack(w, b, g.cOut(), g.groups(), 9, true);
        float[] y = new float[g.outputLength()];
        Arrays.fill(y, Float.NaN);                                          // y is write-only: never read
        try (var l = CpuThreads.limit(threads)) {
            ConvFused.forward(g, x, pw, res, act, 0, 0, y);
        }
        KernelArrays.assertClose(g.toString(), expected, y);
    }

    /**
     * Nothing is written past the output: the kernels whose row stores spill into the rows after them (narrow rows at
     * stride 1 and 2) must mask the stores that would pass a plane's end, here the last plane's, into a y with room
     * after it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void writesNothingPastTheOutput(ConvGeometry g) {
        Random rnd = new Random(41);
        float[] x = KernelArrays.gaussian(rnd, g.inputLength()), w = KernelArrays.gaussian(rnd, g.weightLength()), b = KernelArrays.gaussian(rnd, g.cOut());
        float[] y = new float[g.outputLength() + 2 * VectorMath.F.length()];
        Arrays.fill(y, Float.NaN);
        ConvFused.forward(g, x, PackedConvWeights.pack(w, b, g.cOut(), g.groups(), 9, true), null, ConvActivation.NONE, 0, 0, y);
        for (int i = g.outputLength(); i < y.length; i++) assertTrue(Float.isNaN(y[i]), g + ": y[" + i + "] written past the output");
    }

    /**
     * The residual as y itself (added in place): the flat stride-2 path, whose overlapping last vector of a row would
     * add the residual twice, must hand such planes to another path.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void residualInPlace(ConvGeometry g) {
        Random rnd = new Random(37);
        float[] x = KernelArrays.gaussian(rnd, g.inputLength()), w = KernelArrays.gaussian(rnd, g.weightLength()), b = KernelArrays.gaussian(rnd, g.cOut());
        float[] res = KernelArrays.gaussian(rnd, g.outputLength());
        float[] expected = new float[g.outputLength()];
        ConvFused.forwardScalar(g, x, w, b, res, ConvActivation.RELU, 0, 0, expected);
        float[] y = res.clone();
        ConvFused.forward(g, x, PackedConvWeights.pack(w, b, g.cOut(), g.groups(), 9, true), y, ConvActivation.RELU, 0, 0, y);
        KernelArrays.assertClose(g.toString(), expected, y);
    }

    /** {@link Depthwise3x3Blocked} called directly at both strides, whatever {@link Depthwise3x3Blocked#suits} says. */
    @ParameterizedTest(name = "{0} threads={1} residual={2} {3}")
    @MethodSource("smallPlaneCases")
    void channelsInLanesMatchScalarTwin(ConvGeometry g, int threads, boolean residual, ConvActivation act) {
        Random rnd = new Random(29);
        float[] x = KernelArrays.gaussian(rnd, g.inputLength()), w = KernelArrays.gaussian(rnd, g.weightLength()), b = KernelArrays.gaussian(rnd, g.cOut());
        float[] res = residual ? KernelArrays.gaussian(rnd, g.outputLength()) : null;
        if (act == ConvActivation.RELU6) for (int i = 0; i < w.length; i++) w[i] *= 4f;   // values beyond 6 too
        float[] expected = new float[g.outputLength()];
        ConvFused.forwardScalar(g, x, w, b, res, act, 0, 0, expected);
        float[] y = new float[g.outputLength()];
        Arrays.fill(y, Float.NaN);
        try (var l = CpuThreads.limit(threads)) {
            Depthwise3x3Blocked.forward(g, x, w, b, res, act, y);
        }
        KernelArrays.assertClose(g.toString(), expected, y);
    }

    /** {@link Depthwise3x3Blocked#forwardImages}: images 1..n − 1 of x into images from 0 of a smaller y. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("smallPlanesOfSeveralImages")
    void channelsInLanesImageRange(ConvGeometry g) {
        Random rnd = new Random(31);
        float[] x = KernelArrays.gaussian(rnd, g.inputLength()), w = KernelArrays.gaussian(rnd, g.weightLength()), b = KernelArrays.gaussian(rnd, g.cOut());
        float[] expected = new float[g.outputLength()];
        ConvFused.forwardScalar(g, x, w, b, null, ConvActivation.RELU, 0, 0, expected);
        int image = g.outputLength() / g.n();
        float[] y = new float[(g.n() - 1) * image];
        Arrays.fill(y, Float.NaN);
        Depthwise3x3Blocked.forwardImages(g, x, w, b, null, ConvActivation.RELU, 1, g.n() - 1, y, 0);
        KernelArrays.assertClose(g.toString(), Arrays.copyOfRange(expected, image, expected.length), y);
    }
}
