package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ImplicitPanels}' two packers against the reference they replace, {@link Im2col#im2col} followed by
 * {@link GemmPacking#packB}: bit for bit, on windows of rows that start inside a channel and columns that start
 * inside an image, so panels straddle images and end short.
 */
class ImplicitPanelsTest {

    static List<ConvGeometry> geometries() {
        return List.of(
                ConvGeometry.conv2d(5, 3, 4, 7, 7, 3, 1, 1),                 // ResNet's last stage: 49-column images
                ConvGeometry.conv2d(4, 2, 3, 5, 9, 3, 1, 1),                 // non-square, 45 columns per image
                ConvGeometry.conv2d(9, 2, 3, 3, 3, 3, 1, 1),                 // 9-column images: many per panel
                ConvGeometry.conv2d(3, 2, 2, 1, 1, 3, 1, 1),                 // 1×1 plane: every tap but one in padding
                ConvGeometry.conv2d(3, 3, 2, 14, 14, 3, 1, 1),               // 196 columns: some panels straddle
                ConvGeometry.conv2d(2, 2, 3, 9, 11, 5, 1, 2),                // 5×5 "same"
                ConvGeometry.conv2d(3, 2, 3, 9, 10, 3, 1, 2).withDilation(2), // dilated "same"
                ConvGeometry.conv2d(3, 4, 4, 6, 7, 3, 1, 1).withGroups(2),   // grouped: the second group's channels
                ConvGeometry.conv2d(2, 3, 2, 8, 9, 3, 1, 0),                 // valid padding: rows not contiguous
                ConvGeometry.conv2d(2, 3, 2, 11, 13, 7, 2, 3),               // stem 7×7/2
                ConvGeometry.of(2, 2, 3, 1, new int[]{6, 8}, new int[]{3, 1}, new int[]{1, 1}, new int[]{1, 0},
                        new int[]{1, 1}));                                   // 3×1: contiguous, padding in H only
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void packersMatchIm2colThenPackB(ConvGeometry g) {
        float[] x = randomInput(g);
        packersMatchIm2colThenPackB(g, x, 0);         // from image 0: reads in the padding fall before x's start
        packersMatchIm2colThenPackB(g, x, 1);
    }

    /** Images {@code n0 …} to the last one, which ends x: reads in the padding fall past its end. */
    private static void packersMatchIm2colThenPackB(ConvGeometry g, float[] x, int n0) {
        int cinG = g.cInPerGroup(), k = cinG * g.kernelVolume(), nb = g.n() - n0, cols = nb * g.outPlane();
        for (int gr = 0; gr < g.groups(); gr++) {
            float[] col = im2col(g, x, n0, nb, gr);                                   // (K, nb·P)
            for (int[] w : windows(k, cols)) {
                int p0 = w[0], kc = w[1], j0 = w[2], nc = w[3];
                int size = (nc + NR - 1) / NR * NR * kc;
                float[] expected = new float[size], contiguous = new float[size];
                float[] gathered = new float[size];
                java.util.Arrays.fill(gathered, Float.NaN);                           // every lane must be written
                java.util.Arrays.fill(contiguous, Float.NaN);
                GemmPacking.packB(false, col, 0, cols, p0, kc, j0, nc, expected, 0);
                ImplicitPanels.packGathered(g, x, n0, gr, p0, kc, j0, nc, gathered);
                assertArrayEquals(expected, gathered, g + " gathered, window " + java.util.Arrays.toString(w));
                if (ImplicitPanels.rowsContiguous(g)) {
                    ImplicitPanels.packContiguous(g, x, n0, gr, p0, kc, j0, nc, contiguous);
                    assertArrayEquals(expected, contiguous, g + " contiguous, window " + java.util.Arrays.toString(w));
                }
            }
        }
    }

    static List<ConvGeometry> stridedGeometries() {
        return List.of(
                ConvGeometry.conv2d(3, 3, 4, 11, 13, 7, 2, 3),               // stem 7×7/2, odd sizes
                ConvGeometry.conv2d(2, 3, 4, 16, 40, 7, 2, 3),               // stem, phase rows of 20 > L
                ConvGeometry.conv2d(4, 2, 3, 8, 8, 3, 2, 1),                 // 3×3/2: 16-column images
                ConvGeometry.conv2d(3, 2, 3, 7, 9, 3, 2, 1),                 // 3×3/2, odd height and width
                ConvGeometry.conv2d(3, 4, 3, 5, 7, 1, 2, 0),                 // 1×1/2: one phase
                ConvGeometry.conv2d(3, 4, 4, 6, 10, 3, 2, 1).withGroups(2),  // grouped
                ConvGeometry.conv2d(3, 2, 3, 9, 11, 3, 2, 2).withDilation(2), // dilated
                ConvGeometry.conv2d(3, 2, 2, 1, 1, 3, 2, 1));                // 1×1 plane: one tap inside
    }

    /**
     * A stride-2 geometry's {@link PhaseSplit} copy packed by {@link ImplicitPanels#packContiguous} against
     * {@link Im2col#im2col} then {@link GemmPacking#packB}, bit for bit, windows as above; the split's slack
     * past what it writes is left alone.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stridedGeometries")
    void phaseSplitPackedContiguouslyMatchesIm2colThenPackB(ConvGeometry g) {
        float[] x = randomInput(g);
        int cinG = g.cInPerGroup(), k = cinG * g.kernelVolume();
        int n0 = 1, nb = g.n() - 1, cols = nb * g.outPlane();
        PhaseSplit split = PhaseSplit.of(g);
        for (int gr = 0; gr < g.groups(); gr++) {
            float[] col = im2col(g, x, n0, nb, gr);                                   // (K, nb·P)
            float[] phases = new float[split.length(nb, cinG) + 3];
            java.util.Arrays.fill(phases, Float.NaN);                                 // every read float must be written
            split.split(x, n0, nb, gr * cinG, cinG, phases);
            for (int i = split.length(nb, cinG) - GemmMicroKernel.L; i < phases.length; i++) {
                assertEquals(Float.NaN, phases[i], g + ": the split wrote past its images at " + i);
            }
            for (int[] w : windows(k, cols)) {
                int p0 = w[0], kc = w[1], j0 = w[2], nc = w[3];
                int size = (nc + NR - 1) / NR * NR * kc;
                float[] expected = new float[size], packed = new float[size];
                java.util.Arrays.fill(packed, Float.NaN);
                GemmPacking.packB(false, col, 0, cols, p0, kc, j0, nc, expected, 0);
                ImplicitPanels.packContiguous(g, split.taps(cinG), phases, 0, 0, p0, kc, j0, nc, packed);
                assertArrayEquals(expected, packed, g + " group " + gr + ", window " + java.util.Arrays.toString(w));
            }
        }
    }

    /**
     * {@link PhaseSplit#split} into the middle of a buffer with no slack (as the filter gradient splits one channel of
     * one image at a time between zero padding it wrote before): every float of its range equals the same split made
     * into a buffer of its own, and nothing before or after the range changes — its whole-vector stores spill only
     * onto rows it writes later.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stridedGeometries")
    void phaseSplitWritesOnlyItsRange(ConvGeometry g) {
        float[] x = randomInput(g);
        PhaseSplit split = PhaseSplit.of(g);
        int cinG = g.cInPerGroup(), n0 = 1, nb = g.n() - 1;
        float[] alone = new float[split.length(nb, cinG)];                          // (nb, C, phases, Hp, Wp) + slack
        split.split(x, n0, nb, 0, cinG, alone);
        int whole = split.length(nb, cinG) - GemmMicroKernel.L, one = whole / (nb * cinG);
        splitInsideSentinels(g, split, x, n0, nb, 0, cinG, alone, 0, whole);          // all images and channels
        for (int c = 0; c < cinG; c++) splitInsideSentinels(g, split, x, n0, 1, c, 1, alone, c * one, one);
    }

    /** The split of images [n0, n0 + nb), channels [c0, c0 + channels) at offset 5 of a NaN buffer with no slack. */
    private static void splitInsideSentinels(ConvGeometry g, PhaseSplit split, float[] x, int n0, int nb, int c0,
                                             int channels, float[] expected, int from, int length) {
        int dstOff = 5;
        float[] buffer = new float[dstOff + length + 2 * GemmMicroKernel.L];
        java.util.Arrays.fill(buffer, Float.NaN);
        split.split(x, n0, nb, c0, channels, buffer, dstOff);
        String what = g + ", channels [" + c0 + ", " + (c0 + channels) + ")";
        for (int i = 0; i < length; i++) assertEquals(expected[from + i], buffer[dstOff + i], what + ": float " + i);
        for (int i = 0; i < dstOff; i++) assertEquals(Float.NaN, buffer[i], what + ": written before its range at " + i);
        for (int i = dstOff + length; i < buffer.length; i++) assertEquals(Float.NaN, buffer[i], what + ": written past its range at " + i);
    }

    /** x (N, C_in, H, W) of uniform values in [−1, 1), seeded by the geometry. */
    private static float[] randomInput(ConvGeometry g) {
        SplittableRandom rng = new SplittableRandom(g.hashCode());
        float[] x = new float[g.inputLength()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
        return x;
    }

    /** The reference B operand: group gr of images [n0, n0 + nb) unfolded by {@link Im2col#im2col}, (K, nb·P). */
    private static float[] im2col(ConvGeometry g, float[] x, int n0, int nb, int gr) {
        int cinG = g.cInPerGroup(), cols = nb * g.outPlane();
        float[] col = new float[cinG * g.kernelVolume() * cols];
        for (int i = 0; i < nb; i++)
            Im2col.im2col(g, x, ((n0 + i) * g.cIn() + gr * cinG) * g.inPlane(), cinG, col, i * g.outPlane(), cols);
        return col;
    }

    /**
     * Windows {p0, kc, j0, nc} of a (K, cols) operand: the whole; rows and columns that start inside a channel and
     * an image; a few rows over two panels and a short one.
     */
    private static int[][] windows(int k, int cols) {
        return new int[][] {{0, k, 0, cols}, {Math.min(4, k - 1), Math.max(1, k - 5), 3, cols - 3},
                            {1, Math.min(2, k - 1), Math.min(5, cols - 1), Math.min(2 * NR + 7, cols - 5)}};
    }

    @org.junit.jupiter.api.Test
    void phaseSplitTakesStrideTwoWithAHalfWidthOutputOnly() {
        assertEquals(true, PhaseSplit.supports(ConvGeometry.conv2d(1, 3, 64, 224, 224, 7, 2, 3)));
        assertEquals(true, PhaseSplit.supports(ConvGeometry.conv2d(1, 8, 8, 7, 7, 1, 2, 0)));
        assertEquals(false, PhaseSplit.supports(ConvGeometry.conv2d(1, 8, 8, 9, 9, 3, 2, 0)));   // 4 wide, not 5
        assertEquals(false, PhaseSplit.supports(ConvGeometry.conv2d(1, 8, 8, 9, 9, 3, 1, 1)));
        assertEquals(false, PhaseSplit.supports(ConvGeometry.conv2d(1, 8, 8, 9, 9, 3, 3, 1)));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PhaseSplit.of(ConvGeometry.conv2d(1, 8, 8, 9, 9, 3, 2, 0)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("stride-2"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void sameConvolutionsAreContiguousOthersAreNot() {
        assertEquals(true, ImplicitPanels.rowsContiguous(ConvGeometry.conv2d(1, 1, 1, 7, 7, 3, 1, 1)));
        assertEquals(false, ImplicitPanels.rowsContiguous(ConvGeometry.conv2d(1, 1, 1, 8, 9, 3, 1, 0)));
        assertEquals(false, ImplicitPanels.rowsContiguous(ConvGeometry.conv2d(1, 1, 1, 8, 8, 3, 2, 1)));
    }
}
