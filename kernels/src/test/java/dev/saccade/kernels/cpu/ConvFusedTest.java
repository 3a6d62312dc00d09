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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ConvFused} against its scalar twin: odd shapes, every epilogue combination, the in-place temporal shift. */
class ConvFusedTest {

    static List<ConvGeometry> geometries() {
        return List.of(
                ConvGeometry.conv2d(3, 5, 13, 7, 9, 3, 1, 1),                // C_out not a multiple of MR, odd plane
                ConvGeometry.conv2d(2, ConvFused.KC / 9 + 4, 9, 6, 5, 3, 1, 1), // K = 9·C_in > KC: blocks accumulate in y
                ConvGeometry.conv2d(1, ConvFused.KC + 76, 9, 24, 24, 1, 1, 0), // 1×1, K > KC, columns > one block's
                ConvGeometry.conv2d(1, 3, 11, 15, 13, 7, 2, 3),              // stem 7×7/2, one image: columns split
                ConvGeometry.conv2d(2, 6, 17, 7, 9, 1, 1, 0),                // pointwise read straight from x
                ConvGeometry.conv2d(5, 6, 10, 3, 4, 1, 2, 0),                // 1×1 stride 2 (downsample), chunks
                ConvGeometry.conv2d(8, 12, 9, 7, 7, 1, 1, 0),                // pointwise chunk: tiles straddle images
                ConvGeometry.conv2d(5, 6, 9, 5, 4, 1, 1, 0),                 // pointwise, 20-pixel planes: panels over 2 and 3 images
                ConvGeometry.conv2d(2, 19, 9, 6, 16, 1, 1, 0),               // pointwise: runs of 6 whole panels, K % 8 ≠ 0
                ConvGeometry.conv2d(1, 4, 9, 52, 48, 1, 1, 0),               // 2496 columns > NC
                ConvGeometry.conv2d(9, 7, 8, 3, 3, 3, 2, 1),                 // small planes, many images per GEMM
                ConvGeometry.conv2d(3, 9, 10, 12, 40, 3, 2, 1),              // 3×3/2 phase split: rows of 20 > L
                ConvGeometry.conv2d(2, 5, 9, 9, 7, 3, 2, 1),                 // 3×3/2, odd height and width
                ConvGeometry.conv2d(2, 7, 6, 5, 9, 1, 2, 0),                 // 1×1/2: one phase, odd width
                ConvGeometry.conv2d(2, 8, 6, 10, 11, 3, 2, 1).withGroups(2), // grouped 3×3/2: the second group's phases
                ConvGeometry.conv2d(2, 3, 5, 11, 9, 3, 2, 2).withDilation(2), // dilated 3×3/2
                ConvGeometry.conv2d(2, 3, 5, 9, 9, 3, 2, 0),                 // 3×3/2 "valid": gathered, not split
                ConvGeometry.conv2d(3, 4, 9, 9, 20, 3, 1, 2).withDilation(2), // dilated taps read in place
                ConvGeometry.of(2, 3, 5, 1, new int[]{8, 11}, new int[]{3, 5}, new int[]{2, 1}, new int[]{0, 2},
                        new int[]{1, 1}),                                    // non-square kernel, mixed stride/pad
                ConvGeometry.conv3d(2, 3, 4, 4, 5, 6, 3, 1, 1),              // 3-d: an unfolded column chunk
                ConvGeometry.conv2d(1, 2, 2, 5, 70, 3, 2, 1).withGroups(2),  // depthwise stride 2, rows of 2L and more
                ConvGeometry.conv2d(2, 6, 8, 5, 7, 3, 1, 1).withGroups(2),   // grouped
                ConvGeometry.conv2d(3, 8, 8, 9, 11, 3, 1, 1).withGroups(8),  // depthwise
                ConvGeometry.conv2d(2, 5, 5, 9, 7, 3, 2, 1).withGroups(5),   // depthwise stride 2, odd plane
                ConvGeometry.conv2d(2, 3, 3, 14, 14, 3, 2, 1).withGroups(3), // MobileNetV2's 14×14/2
                ConvGeometry.conv2d(1, 4, 4, 7, 7, 3, 1, 1).withGroups(4),   // 7×7/1: one flat vector loop
                ConvGeometry.conv2d(3, 2, 2, 1, 1, 3, 1, 1).withGroups(2),   // 1×1 plane: padding only around
                ConvGeometry.conv2d(2, 2, 2, 2, 3, 3, 2, 1).withGroups(2),   // tiny stride 2
                ConvGeometry.conv2d(1, 3, 3, 5, 37, 3, 1, 1).withGroups(3),  // rows longer than a vector
                ConvGeometry.conv2d(2, 3, 3, 6, 8, 5, 1, 2).withGroups(3));  // 5×5: the general depthwise kernel
    }

    static Stream<Arguments> cases() { return epilogueCases(geometries()); }

    /** Every geometry with and without bias and residual, under every activation: (g, bias, residual, act). */
    static Stream<Arguments> epilogueCases(List<ConvGeometry> geometries) {
        List<Arguments> out = new ArrayList<>();
        for (ConvGeometry g : geometries)
            for (boolean bias : new boolean[] {false, true})
                for (boolean residual : new boolean[] {false, true})
                    for (ConvActivation act : ConvActivation.values()) out.add(Arguments.of(g, bias, residual, act));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} bias={1} residual={2} {3}")
    @MethodSource("cases")
    void matchesScalarTwin(ConvGeometry g, boolean bias, boolean residual, ConvActivation act) {
        check(g, bias, residual, act, 0, 0, 11);
    }

    static Stream<ConvGeometry> gatedGeometries() { return geometries().stream().filter(g -> !g.isDepthwise()); }

    /** M2A's {@code x·σ(conv_up(·)) + x} written by the GEMM's store, against the conv by definition then the gate. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gatedGeometries")
    void gatedMatchesScalarTwin(ConvGeometry g) {
        Random rnd = new Random(13);
        float[] x = random(rnd, g.inputLength()), w = random(rnd, g.weightLength());
        float[] b = random(rnd, g.cOut()), gate = random(rnd, g.outputLength());
        float[] expected = new float[g.outputLength()];
        ConvFused.forwardGatedScalar(g, x, w, b, gate, expected);
        float[] y = new float[g.outputLength()];
        Arrays.fill(y, Float.NaN);                                          // y is write-only: never read
        PackedConvWeights pw = PackedConvWeights.pack(w, b, g.cOut(), g.groups(), g.cInPerGroup() * g.kernelVolume(), false);
        ConvFused.forwardGated(g, x, pw, gate, y);
        double maxErr = 0;
        for (int i = 0; i < y.length; i++) {
            // |Δ| ≤ |gate|·|Δσ| + ulps: the conv's own error through σ' ≤ 1/4, times the gate
            double tol = 1e-5 * Math.max(1, Math.abs(gate[i])) * Math.max(1, Math.abs(expected[i]));
            maxErr = Math.max(maxErr, Math.abs(y[i] - expected[i]) / tol);
        }
        assertTrue(maxErr <= 1, g + ": worst |Δ| / tolerance = " + maxErr);
    }

    /** The geometries above that name KC and column blocks still reach them. */
    @Test
    void blockCasesReachSeveralBlocks() {
        List<ConvGeometry> gs = geometries();
        assertTrue(gs.get(1).cInPerGroup() * gs.get(1).kernelVolume() > ConvFused.KC, gs.get(1) + ": one K block");
        ConvGeometry p = gs.get(2);
        assertTrue(p.cIn() > ConvFused.KC, p + ": one K block");
        int kb = (p.cIn() + 1) / 2;                                        // two even K blocks
        assertTrue(p.outPlane() / CpuThreads.threads() > ConvFused.blockColumns(kb), p + ": one column block per thread");
    }

    @Test
    void gatedRefusesDepthwiseAndAMissingGate() {
        ConvGeometry dw = ConvGeometry.conv2d(1, 4, 4, 7, 7, 3, 1, 1).withGroups(4);
        PackedConvWeights pdw = PackedConvWeights.pack(new float[4 * 9], null, 4, 4, 9, true);
        var e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forwardGated(dw, new float[dw.inputLength()],
                pdw, new float[dw.outputLength()], new float[dw.outputLength()]));
        assertTrue(e.getMessage().contains("depthwise"), e.getMessage());
        ConvGeometry g = ConvGeometry.conv2d(2, 4, 6, 5, 5, 1, 1, 0);
        PackedConvWeights pw = PackedConvWeights.pack(new float[24], null, 6, 1, 4, false);
        e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forwardGated(g, new float[g.inputLength()], pw,
                null, new float[g.outputLength()]));
        assertTrue(e.getMessage().contains("gate input is null"), e.getMessage());
    }

    @Test
    void mobileNetDepthwiseConvolutionsTakeTheDirect3x3Kernel() {
        assertTrue(Depthwise3x3.supports(ConvGeometry.conv2d(2, 3, 3, 14, 14, 3, 2, 1).withGroups(3)));
        assertTrue(Depthwise3x3.supports(ConvGeometry.conv2d(1, 4, 4, 7, 7, 3, 1, 1).withGroups(4)));
        assertTrue(!Depthwise3x3.supports(ConvGeometry.conv2d(2, 3, 3, 6, 8, 5, 1, 2).withGroups(3)));
    }

    @Test
    void temporalShiftReadInPlaceMatchesShiftedCopy() {
        // 2 clips × 4 frames, 16 channels, fold 2: channels 0-1 read t+1, 2-3 read t−1 (zero at the clip ends)
        for (ConvActivation act : ConvActivation.values()) {
            check(ConvGeometry.conv2d(8, 16, 12, 5, 7, 1, 1, 0), true, true, act, 4, 2, 5);
            check(ConvGeometry.conv2d(4, 16, 9, 6, 6, 1, 1, 0), false, false, act, 4, 2, 6);   // one clip: split columns
            check(ConvGeometry.conv2d(4, 21, 9, 8, 10, 1, 1, 0), true, true, act, 4, 3, 8); // runs of 5 panels, K % 8 ≠ 0
        }
        check(ConvGeometry.conv2d(6, 9, 8, 3, 3, 1, 1, 0), true, false, ConvActivation.RELU, 3, 1, 7); // plane < tile
    }

    /** The geometries whose output may be written into the residual: K in one block, not depthwise, not a stem. */
    static Stream<ConvGeometry> residualOutputGeometries() {
        return geometries().stream().filter(g -> {
            PackedConvWeights w = PackedConvWeights.pack(new float[g.weightLength()], null, g.cOut(), g.groups(),
                    g.cInPerGroup() * g.kernelVolume(), g.isDepthwise());
            return ConvFused.residualMayBeOutput(g, w);
        });
    }

    /**
     * y written into the residual's own array: bit for bit the floats of a separate y, under every activation and
     * with the shift read in place (each residual element is read by the store that overwrites it).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("residualOutputGeometries")
    void outputWrittenIntoTheResidualGivesTheSameFloats(ConvGeometry g) {
        for (ConvActivation act : ConvActivation.values()) intoResidual(g, act, 0, 0, 17);
    }

    @Test
    void outputWrittenIntoTheResidualWithTheShiftReadInPlace() {
        intoResidual(ConvGeometry.conv2d(8, 16, 12, 5, 7, 1, 1, 0), ConvActivation.RELU, 4, 2, 19);
        intoResidual(ConvGeometry.conv2d(4, 21, 9, 8, 10, 1, 1, 0), ConvActivation.RELU, 4, 3, 23);
        intoResidual(ConvGeometry.conv2d(8, 64, 256, 7, 7, 1, 1, 0), ConvActivation.RELU, 8, 8, 29);   // conv3 at 7²
    }

    @Test
    void residualGeometriesCoverTheGemmPaths() {
        List<ConvGeometry> in = residualOutputGeometries().toList();
        assertTrue(in.stream().anyMatch(ConvGeometry::isPointwise), "1×1");
        assertTrue(in.stream().anyMatch(g -> g.strideH() == 2 && g.kernelVolume() == 9), "3×3/2 from the phase split");
        assertTrue(in.stream().anyMatch(g -> g.groups() > 1), "grouped");
        assertTrue(in.stream().noneMatch(ConvGeometry::isDepthwise), "no depthwise");
    }

    /** Where a K block after the first would add onto an overwritten residual, or another kernel writes, y may not be it. */
    @Test
    void outputIntoTheResidualIsRefusedWhereTheResidualWouldBeReadAfterItsWrite() {
        ConvGeometry deep = ConvGeometry.conv2d(1, ConvFused.KC + 76, 9, 24, 24, 1, 1, 0);   // two K blocks
        ConvGeometry stem = ConvGeometry.conv2d(1, 3, 16, 15, 13, 7, 2, 3);                 // PolyphaseDirectConv
        assertTrue(PolyphaseDirectConv.supports(stem));
        ConvGeometry depthwise = ConvGeometry.conv2d(3, 8, 8, 9, 11, 3, 1, 1).withGroups(8);
        assertTrue(!ConvFused.residualMayBeOutput(depthwise, PackedConvWeights.pack(new float[depthwise.weightLength()],
                null, 8, 8, 9, true)), "depthwise: not bit for bit in place");
        for (ConvGeometry g : List.of(deep, stem)) {
            PackedConvWeights w = PackedConvWeights.pack(new float[g.weightLength()], null, g.cOut(), g.groups(),
                    g.cInPerGroup() * g.kernelVolume(), g.isDepthwise());
            assertTrue(!ConvFused.residualMayBeOutput(g, w), g.toString());
            float[] r = new float[g.outputLength()];
            var e = assertThrows(IllegalArgumentException.class,
                    () -> ConvFused.forward(g, new float[g.inputLength()], w, r, ConvActivation.NONE, 0, 0, r));
            assertTrue(e.getMessage().contains("y is the residual"), e.getMessage());
        }
    }

    private static void intoResidual(ConvGeometry g, ConvActivation act, int frames, int fold, long seed) {
        Random rnd = new Random(seed);
        float[] x = random(rnd, g.inputLength()), w = random(rnd, g.weightLength()), b = random(rnd, g.cOut());
        float[] res = random(rnd, g.outputLength());
        PackedConvWeights pw = PackedConvWeights.pack(w, b, g.cOut(), g.groups(), g.cInPerGroup() * g.kernelVolume(),
                g.isDepthwise());
        float[] expected = new float[g.outputLength()];
        ConvFused.forward(g, x, pw, res, act, frames, fold, expected);
        float[] inPlace = res.clone();
        ConvFused.forward(g, x, pw, inPlace, act, frames, fold, inPlace);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(inPlace[i])) {
                throw new AssertionError(g + " " + act + ": element " + i + " is " + inPlace[i] + " in place, " + expected[i] + " apart");
            }
        }
    }

    @Test
    void shiftedCopyIsTheTemporalShift() {
        ConvGeometry g = ConvGeometry.conv2d(4, 4, 1, 1, 1, 1, 1, 0);
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = i + 1;                         // x[n, c] = 4n + c + 1, T = 2, fold 1
        float[] s = ConvFused.shiftedCopy(g, x, 2, 1);
        // n=0 (t=0): c0 ← n1, c1 ← zero;  n=1 (t=1): c0 ← zero, c1 ← n0;  c2, c3 unchanged
        assertEquals(List.of(5f, 0f, 3f, 4f, 0f, 2f, 7f, 8f), box(Arrays.copyOf(s, 8)));
    }

    @Test
    void badInputIsRejectedWithTheShapes() {
        ConvGeometry g = ConvGeometry.conv2d(2, 4, 6, 5, 5, 3, 1, 1);
        PackedConvWeights w = PackedConvWeights.pack(new float[6 * 4 * 9], null, 6, 1, 4 * 9, false);
        var e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forward(g, new float[10], w, null,
                ConvActivation.NONE, 0, 0, new float[g.outputLength()]));
        assertTrue(e.getMessage().contains("x has 10 elements"), e.getMessage());
        ConvGeometry other = ConvGeometry.conv2d(2, 4, 7, 5, 5, 3, 1, 1);
        e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forward(other, new float[other.inputLength()],
                w, null, ConvActivation.NONE, 0, 0, new float[other.outputLength()]));
        assertTrue(e.getMessage().contains("C_out=6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvFused.forward(g, new float[g.inputLength()], w,
                null, ConvActivation.NONE, 2, 1, new float[g.outputLength()]));
        assertTrue(e.getMessage().contains("1×1 stride-1"), e.getMessage());
    }

    private static void check(ConvGeometry g, boolean withBias, boolean withResidual, ConvActivation act,
                              int frames, int fold, long seed) {
        Random rnd = new Random(seed);
        float[] x = random(rnd, g.inputLength()), w = random(rnd, g.weightLength());
        float[] b = withBias ? random(rnd, g.cOut()) : null;
        float[] res = withResidual ? random(rnd, g.outputLength()) : null;
        if (act == ConvActivation.RELU6) for (int i = 0; i < w.length; i++) w[i] *= 8f;   // values beyond 6 too
        float[] expected = new float[g.outputLength()];
        ConvFused.forwardScalar(g, x, w, b, res, act, frames, fold, expected);
        float[] y = new float[g.outputLength()];
        Arrays.fill(y, Float.NaN);                                          // y is write-only: never read
        PackedConvWeights pw = PackedConvWeights.pack(w, b, g.cOut(), g.groups(), g.cInPerGroup() * g.kernelVolume(),
                g.isDepthwise());
        ConvFused.forward(g, x, pw, res, act, frames, fold, y);
        // float rounding grows with the sums before the activation: ReLU6 clamps outputs at 6, not their error
        float[] preActivation = new float[g.outputLength()];
        ConvFused.forwardScalar(g, x, w, b, res, ConvActivation.NONE, frames, fold, preActivation);
        double maxErr = 0, scale = 0;
        for (int i = 0; i < y.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(y[i] - expected[i]));
            scale = Math.max(scale, Math.abs(preActivation[i]));
        }
        assertTrue(maxErr <= 1e-5 * Math.max(1, scale), g + " " + act + ": max |Δ| = " + maxErr + " (scale " + scale + ")");
        if (act != ConvActivation.NONE) {
            for (float v : y) assertTrue(v >= 0f && (act != ConvActivation.RELU6 || v <= 6f), act + " range: " + v);
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static List<Float> box(float[] a) {
        List<Float> l = new ArrayList<>();
        for (float v : a) l.add(v);
        return l;
    }
}
