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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WinogradConv} against the convolution by its definition ({@link ConvFused#forwardScalar}, accumulated in
 * double): planes of every size mod 4 (a last tile row or column 1–3 outputs wide), rows of tiles longer than a vector,
 * tiles gathered across rows and images, planes smaller than a tile, C_out not a multiple of MR, a single panel split
 * over the threads by output channels, every epilogue combination.
 */
class WinogradConvTest {

    static List<ConvGeometry> geometries() {
        return List.of(
                ConvGeometry.conv2d(2, 16, 8, 8, 8, 3, 1, 1),                // 2×2 tiles an image, raster segments
                ConvGeometry.conv2d(3, 17, 13, 7, 9, 3, 1, 1),               // last tile row 3 high, last column 1 wide
                ConvGeometry.conv2d(1, 24, 9, 6, 69, 3, 1, 1),               // 18 tiles a row: a full and a partial segment
                ConvGeometry.conv2d(2, 16, 16, 33, 50, 3, 1, 1),             // rows of 13 tiles (by row, 3 lanes idle)
                ConvGeometry.conv2d(1, 20, 5, 1, 1, 3, 1, 1),                // 1×1 plane: padding all around
                ConvGeometry.conv2d(1, 16, 8, 2, 3, 3, 1, 1),                // plane smaller than a tile
                ConvGeometry.conv2d(1, 18, 7, 3, 7, 3, 1, 1),                // one segment: the panel half empty
                ConvGeometry.conv2d(1, 16, 8, 5, 130, 3, 1, 1),              // a middle segment read without masks
                ConvGeometry.conv2d(1, 16, 8, 3, 127, 3, 1, 1),              // the last segment ends 1 short of a vector
                ConvGeometry.conv2d(8, 32, 40, 7, 7, 3, 1, 1),               // ResNet's 7² at 8 frames: one panel, 5 blocks
                ConvGeometry.conv2d(2, 64, 24, 14, 14, 3, 1, 1));            // ResNet-like 14²
    }

    static Stream<Arguments> cases() { return ConvFusedTest.epilogueCases(geometries()); }

    @ParameterizedTest(name = "{0} bias={1} residual={2} {3}")
    @MethodSource("cases")
    void matchesTheConvolutionByDefinition(ConvGeometry g, boolean withBias, boolean withResidual, ConvActivation act) {
        Random rnd = new Random(g.hashCode() + (withBias ? 1 : 0) + (withResidual ? 2 : 0) + act.ordinal() * 4);
        float[] x = random(rnd, g.inputLength()), w = random(rnd, g.weightLength());
        float[] b = withBias ? random(rnd, g.cOut()) : null;
        float[] res = withResidual ? random(rnd, g.outputLength()) : null;
        if (act == ConvActivation.RELU6) for (int i = 0; i < w.length; i++) w[i] *= 4f;   // values beyond 6 too
        float[] expected = new float[g.outputLength()];
        ConvFused.forwardScalar(g, x, w, b, res, act, 0, 0, expected);
        float[] y = new float[g.outputLength() + 7];
        Arrays.fill(y, Float.NaN);                                          // y is write-only, and nothing past its end is
        WinogradConv.forward(g, x, WinogradWeights.transform(w, b, g.cOut(), g.cIn()), res, act, y);
        // each output sums 9·C_in products of unit-scale values; Bᵀ's and Aᵀ's coefficients reach 2.5 and 8 (up to
        // 1e-5·√(9·C_in) seen here)
        double tol = 2e-5 * Math.sqrt(9.0 * g.cIn()) * (act == ConvActivation.RELU6 ? 4 : 1);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(y[i] - expected[i]));
        assertTrue(worst <= tol, g + " " + act + ": max |Δ| = " + worst + " > " + tol);
        for (int i = expected.length; i < y.length; i++) assertTrue(Float.isNaN(y[i]), "wrote past the output at " + i);
    }

    @Test
    void theWeightTransformIsGgGt() {
        // g = [[1,2,3],[4,5,6],[7,8,9]] against U = G·g·Gᵀ, G's rows (1, p, p²) / Π_{l≠j}(p − p_l) at 0, 1, −1, ½, −2, then ∞
        float[] g = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] u = new double[36];
        WinogradWeights.transformKernel(g, 0, u);
        double[] p = {0, 1, -1, 0.5, -2};
        double[][] G = new double[6][3];
        for (int j = 0; j < 5; j++) {
            double f = 1;
            for (int l = 0; l < 5; l++) if (l != j) f *= p[j] - p[l];
            for (int k = 0; k < 3; k++) G[j][k] = Math.pow(p[j], k) / f;
        }
        G[5][2] = 1;
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++) {
                double s = 0;
                for (int a = 0; a < 3; a++) for (int c = 0; c < 3; c++) s += G[i][a] * g[3 * a + c] * G[j][c];
                assertEquals(s, u[6 * i + j], 1e-12, "U[" + i + "][" + j + "]");
            }
        assertEquals(1.0, u[0], 1e-15, "U[0][0] = g00");
        assertEquals(9.0, u[35], 1e-15, "U[5][5] = g22");
    }

    @Test
    void supportsOnlyItsGeometry() {
        assertTrue(WinogradConv.supports(ConvGeometry.conv2d(8, 64, 64, 56, 56, 3, 1, 1)));
        assertFalse(WinogradConv.supports(ConvGeometry.conv2d(8, 64, 64, 56, 56, 3, 2, 1)), "stride 2");
        assertFalse(WinogradConv.supports(ConvGeometry.conv2d(8, 64, 64, 56, 56, 3, 1, 0)), "padding 0");
        assertFalse(WinogradConv.supports(ConvGeometry.conv2d(8, 64, 64, 56, 56, 1, 1, 0)), "1×1");
        assertFalse(WinogradConv.supports(ConvGeometry.conv2d(8, 64, 64, 56, 56, 3, 1, 1).withGroups(64)), "depthwise");
        assertFalse(WinogradConv.supports(ConvGeometry.conv2d(8, 64, 64, 56, 56, 3, 1, 2).withDilation(2)), "dilated");
        assertFalse(WinogradConv.supports(ConvGeometry.conv2d(8, 2, 1, 56, 56, 3, 1, 1)), "two input channels");
        assertFalse(WinogradConv.supports(ConvGeometry.conv3d(2, 16, 16, 4, 8, 8, 3, 1, 1)), "3-d");
    }

    @Test
    void badInputIsRejectedWithTheShapes() {
        ConvGeometry g = ConvGeometry.conv2d(2, 16, 8, 5, 5, 3, 1, 1);
        WinogradWeights w = WinogradWeights.transform(new float[8 * 16 * 9], null, 8, 16);
        var e = assertThrows(IllegalArgumentException.class, () -> WinogradConv.forward(g, new float[10], w, null,
                ConvActivation.NONE, new float[g.outputLength()]));
        assertTrue(e.getMessage().contains("x has 10 elements"), e.getMessage());
        ConvGeometry other = ConvGeometry.conv2d(2, 16, 9, 5, 5, 3, 1, 1);
        e = assertThrows(IllegalArgumentException.class, () -> WinogradConv.forward(other, new float[other.inputLength()],
                w, null, ConvActivation.NONE, new float[other.outputLength()]));
        assertTrue(e.getMessage().contains("C_out=8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WinogradWeights.transform(new float[5], null, 8, 16));
        assertTrue(e.getMessage().contains("(C_out, C_in, 3, 3) = (8, 16, 3, 3)"), e.getMessage());
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }
}
