package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SingleOutputConv} against the scalar definition ({@link ConvKernels#forwardScalar}, double accumulation):
 * CBAM's and W3's 7×7 spatial conv (2 → 1, padding 3) and W3's / ACTION's 3×3×3 (1 → 1) at model sizes, rows
 * shorter than a vector and not a multiple of it, padding 0 (a valid convolution), uneven kernels, 1-d, with and
 * without bias, and {@link ConvKernels#forward} on each (which routes by {@link SingleOutputConv#supports}); and that
 * {@code supports} refuses more outputs, groups, stride and dilation.
 */
class SingleOutputConvTest {

    @ParameterizedTest(name = "N={0} C_in={1} D={2} H={3} W={4} k=({5},{6},{7}) pad=({8},{9},{10}) bias={11}")
    @CsvSource({
            "8, 2, 1, 56, 56, 1, 7, 7, 0, 3, 3, true",      // CBAM / W3 at stage 1
            "8, 2, 1, 7, 7, 1, 7, 7, 0, 3, 3, false",       // stage 4: a row shorter than a vector
            "3, 2, 1, 5, 19, 1, 7, 7, 0, 3, 3, true",
            "1, 1, 8, 14, 14, 3, 3, 3, 1, 1, 1, false",     // W3's spatio-temporal 3×3×3, ACTION's STE
            "2, 3, 4, 6, 17, 3, 2, 5, 0, 1, 2, true",
            "2, 4, 1, 9, 33, 1, 3, 3, 0, 0, 0, true",       // valid: no padding
            "2, 5, 1, 1, 40, 1, 1, 3, 0, 0, 1, false"})     // 1-d shaped
    void matchesTheScalarDefinition(int n, int cIn, int d, int h, int w, int kd, int kh, int kw, int pd, int ph, int pw,
                                    boolean bias) {
        ConvGeometry g = ConvGeometry.of(n, cIn, 1, 1, new int[] {d, h, w}, new int[] {kd, kh, kw}, new int[] {1, 1, 1},
                new int[] {pd, ph, pw}, new int[] {1, 1, 1});
        assertTrue(SingleOutputConv.supports(g), g.toString());
        Random rnd = new Random(n * 131L + cIn * 17L + h + w);
        float[] x = KernelArrays.gaussian(rnd, n * cIn * d * h * w), wt = KernelArrays.gaussian(rnd, cIn * kd * kh * kw);
        float[] b = bias ? new float[] {0.37f} : null;
        float[] expected = new float[g.outputLength()], got = new float[g.outputLength()];
        ConvKernels.forwardScalar(g, x, wt, b, expected);
        java.util.Arrays.fill(got, Float.NaN);                          // every output must be written
        SingleOutputConv.forward(g, x, wt, b, got);
        KernelArrays.assertClose(g.toString(), expected, got);
        float[] dispatched = new float[g.outputLength()];
        ConvKernels.forward(g, x, wt, b, dispatched);
        KernelArrays.assertClose(g + " via ConvKernels.forward", expected, dispatched);
    }

    @ParameterizedTest(name = "C_out={0} groups={1} stride={2} dilation={3}")
    @CsvSource({"2, 1, 1, 1", "1, 1, 2, 1", "1, 1, 1, 2", "2, 2, 1, 1"})
    void otherGeometriesAreNotTaken(int cOut, int groups, int stride, int dilation) {
        ConvGeometry g = ConvGeometry.of(2, 2, cOut, groups, new int[] {9, 9}, new int[] {3, 3},
                new int[] {stride, stride}, new int[] {1, 1}, new int[] {dilation, dilation});
        assertFalse(SingleOutputConv.supports(g), g.toString());
    }
}
