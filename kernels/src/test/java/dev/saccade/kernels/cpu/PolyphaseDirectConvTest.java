package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PolyphaseDirectConv} against the convolution by its definition ({@link ConvFused#forwardScalar}) and, bit
 * for bit, against {@link ConvFused}'s panel path: bands that end short, rows of partial tiles, odd planes, padding
 * on every side, every epilogue.
 */
class PolyphaseDirectConvTest {

    static List<ConvGeometry> geometries() {
        return List.of(
                ConvGeometry.conv2d(2, 3, 8, 18, 20, 3, 2, 1),    // MobileNetV2's stem, small: one partial tile a row
                ConvGeometry.conv2d(2, 3, 16, 30, 70, 7, 2, 3),   // ResNet's stem: two bands, the second short
                ConvGeometry.conv2d(1, 3, 8, 15, 17, 3, 2, 1),    // odd height and width
                ConvGeometry.conv2d(3, 5, 24, 21, 40, 3, 2, 0),   // no padding: the last columns are x's own
                ConvGeometry.conv2d(2, 4, 8, 19, 36, 5, 2, 2),    // 5×5
                ConvGeometry.conv2d(1, 2, 8, 40, 64, 4, 2, 1),    // an even kernel; whole tiles, three bands
                ConvGeometry.conv2d(2, 3, 8, 34, 66, 3, 2, 1),    // 33 columns: a one-lane tile at each row's end
                ConvGeometry.conv2d(1, 3, 8, 12, 30, 7, 2, 3),    // 8 lanes: the last whole window ends at x's last column
                ConvGeometry.conv2d(1, 3, 8, 10, 62, 7, 2, 3),    // the same for 16 lanes
                ConvGeometry.conv2d(1, 1, 8, 2, 2, 2, 2, 0));     // one output
    }

    static Stream<Arguments> cases() { return ConvFusedTest.epilogueCases(geometries()); }

    @ParameterizedTest(name = "{0} bias={1} residual={2} {3}")
    @MethodSource("cases")
    void matchesTheDefinitionAndThePanelPath(ConvGeometry g, boolean bias, boolean residual, ConvActivation act) {
        assertTrue(PolyphaseDirectConv.supports(g), g + " is meant to run here");
        Random rnd = new Random(31);
        float[] x = random(rnd, g.inputLength()), w = random(rnd, g.weightLength());
        float[] b = bias ? random(rnd, g.cOut()) : null, res = residual ? random(rnd, g.outputLength()) : null;
        if (act == ConvActivation.RELU6) for (int i = 0; i < w.length; i++) w[i] *= 4f;   // values beyond 6 too
        PackedConvWeights pw = PackedConvWeights.pack(w, b, g.cOut(), 1, g.cIn() * g.kernelVolume(), false);
        float[] y = new float[g.outputLength()];
        Arrays.fill(y, Float.NaN);                                                 // write-only
        PolyphaseDirectConv.forward(g, x, pw, res, act, y);

        float[] expected = new float[g.outputLength()], pre = new float[g.outputLength()];
        ConvFused.forwardScalar(g, x, w, b, res, act, 0, 0, expected);
        ConvFused.forwardScalar(g, x, w, b, res, ConvActivation.NONE, 0, 0, pre);
        double maxErr = 0, scale = 1;
        for (int i = 0; i < y.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(y[i] - expected[i]));
            scale = Math.max(scale, Math.abs(pre[i]));
        }
        assertTrue(maxErr <= 1e-5 * scale, g + " " + act + ": max |Δ| = " + maxErr + " (scale " + scale + ")");

        float[] panels = new float[g.outputLength()];                              // the packed-panel GEMM
        ConvFused.forwardImages(g, x, pw, res, act, 0, 0, 0, g.n(), panels, 0);
        assertArrayEquals(panels, y, g + " " + act + ": not the panel path's floats");
        float[] dispatched = new float[g.outputLength()];                          // ConvFused's entry point
        Arrays.fill(dispatched, Float.NaN);
        ConvFused.forward(g, x, pw, res, act, 0, 0, dispatched);
        assertArrayEquals(y, dispatched, g + " " + act + ": ConvFused.forward");
    }

    @Test
    void theStemsRunHereAndOtherConvolutionsDoNot() {
        assertTrue(PolyphaseDirectConv.supports(ConvGeometry.conv2d(8, 3, 32, 224, 224, 3, 2, 1)));   // MobileNetV2
        assertTrue(PolyphaseDirectConv.supports(ConvGeometry.conv2d(8, 3, 64, 224, 224, 7, 2, 3)));   // ResNet
        assertFalse(PolyphaseDirectConv.supports(ConvGeometry.conv2d(8, 3, 32, 224, 224, 3, 1, 1)));  // stride 1
        assertFalse(PolyphaseDirectConv.supports(ConvGeometry.conv2d(2, 4, 8, 16, 16, 3, 2, 1).withGroups(2)));
        assertFalse(PolyphaseDirectConv.supports(ConvGeometry.conv2d(2, 3, 12, 16, 16, 3, 2, 1)));    // C_out % MR
        assertFalse(PolyphaseDirectConv.supports(ConvGeometry.conv2d(2, 32, 32, 16, 16, 3, 2, 1)));   // K = 288
        assertFalse(PolyphaseDirectConv.supports(ConvGeometry.conv2d(2, 64, 128, 16, 16, 1, 2, 0)));  // 1×1/2
        assertFalse(PolyphaseDirectConv.supports(ConvGeometry.conv2d(2, 3, 8, 16, 16, 3, 2, 2).withDilation(2)));
        ConvGeometry g = ConvGeometry.conv2d(1, 3, 12, 8, 8, 3, 2, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> PolyphaseDirectConv.forward(g, new float[g.inputLength()],
                PackedConvWeights.pack(new float[g.weightLength()], null, 12, 1, 27, false), null, ConvActivation.NONE,
                new float[g.outputLength()]));
        assertTrue(e.getMessage().contains("not run here"), e.getMessage());
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }
}
