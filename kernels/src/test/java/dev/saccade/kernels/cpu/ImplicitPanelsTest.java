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
        SplittableRandom rng = new SplittableRandom(g.hashCode());
        float[] x = new float[g.inputLength()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
        int cinG = g.cInPerGroup(), k = cinG * g.kernelVolume(), plane = g.inPlane();
        int n0 = 1, nb = g.n() - 1, cols = nb * g.outPlane();
        for (int gr = 0; gr < g.groups(); gr++) {
            float[] col = new float[k * cols];                                        // (K, nb·P)
            for (int i = 0; i < nb; i++)
                Im2col.im2col(g, x, ((n0 + i) * g.cIn() + gr * cinG) * plane, cinG, col, i * g.outPlane(), cols);
            int[][] windows = {{0, k, 0, cols}, {Math.min(4, k - 1), Math.max(1, k - 5), 3, cols - 3},
                               {1, Math.min(2, k - 1), Math.min(5, cols - 1), Math.min(2 * NR + 7, cols - 5)}};
            for (int[] w : windows) {
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

    @org.junit.jupiter.api.Test
    void sameConvolutionsAreContiguousOthersAreNot() {
        assertEquals(true, ImplicitPanels.rowsContiguous(ConvGeometry.conv2d(1, 1, 1, 7, 7, 3, 1, 1)));
        assertEquals(false, ImplicitPanels.rowsContiguous(ConvGeometry.conv2d(1, 1, 1, 8, 9, 3, 1, 0)));
        assertEquals(false, ImplicitPanels.rowsContiguous(ConvGeometry.conv2d(1, 1, 1, 8, 8, 3, 2, 1)));
    }
}
