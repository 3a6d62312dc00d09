package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Conformance of {@link Sgemm#gemm} against its scalar twin {@link Sgemm#gemmScalar}. */
class SgemmTest {
    /** Unit roundoff of float. */
    private static final double U = Math.ulp(1f) / 2;

    static Stream<Arguments> cases() {
        int[][] sizes = {
            {1, 1, 1}, {3, 5, 7}, {1, 300, 513}, {2, 65, 40}, {17, 17, 17}, {8, 32, 256}, {63, 65, 33},
            {129, 130, 257}, {200, 70, 600}, {400, 35, 20}, {8, 2100, 16},   // > MC rows, > NC columns, > KC depth
            {256, 200, 100}, {800, 40, 70}, {40, 600, 100}, {16, 2000, 80},    // threaded: rows split, columns split
            {40, 2100, 300}, {100, 300, 600}                                  // threaded, several KC blocks
        };
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 1.5f}, {2f, 1f}};
        List<Arguments> out = new ArrayList<>();
        int s = 0;
        for (int[] mnk : sizes) {
            for (int t = 0; t < 4; t++) {
                float[] ab = alphaBeta[(s + t) % alphaBeta.length];
                boolean padded = (s + t) % 2 == 0;
                out.add(Arguments.of(mnk[0], mnk[1], mnk[2], (t & 1) != 0, (t & 2) != 0, ab[0], ab[1], padded));
            }
            s++;
        }
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} tA={3} tB={4} alpha={5} beta={6} padded={7}")
    @MethodSource("cases")
    void matchesScalarTwin(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta,
                           boolean padded) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k + (transA ? 1 : 0) + (transB ? 2 : 0));
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int pad = padded ? 3 : 0;
        int lda = aCols + pad, ldb = bCols + 2 * pad, ldc = n + pad;
        int offA = padded ? 5 : 0, offB = padded ? 7 : 0, offC = padded ? 11 : 0;
        float[] a = random(rnd, offA + aRows * lda + 4);            // (aRows, lda) window at offA
        float[] b = random(rnd, offB + bRows * ldb + 4);            // (bRows, ldb) window at offB
        float[] c0 = random(rnd, offC + m * ldc + 4);               // (M, ldc) window at offC
        if (beta == 0f) {
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c0[offC + i * ldc + j] = Float.NaN;
        }
        float[] got = c0.clone(), want = c0.clone();
        Sgemm.gemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, got, offC, ldc);
        Sgemm.gemmScalar(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, want, offC, ldc);

        double maxDiff = 0;
        for (int idx = 0; idx < c0.length; idx++) {
            int rel = idx - offC, i = Math.floorDiv(rel, ldc), j = Math.floorMod(rel, ldc);
            boolean inside = rel >= 0 && i < m && j < n;
            if (!inside) {
                assertEquals(Float.floatToRawIntBits(c0[idx]), Float.floatToRawIntBits(got[idx]),
                        "element " + idx + " outside the C window was written");
                continue;
            }
            // Error bound of a length-k float dot product: gamma_k · Σ|a·b|, plus the beta term's rounding.
            double mag = 0;
            for (int p = 0; p < k; p++) {
                float av = transA ? a[offA + p * lda + i] : a[offA + i * lda + p];
                float bv = transB ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                mag += Math.abs((double) av * bv);
            }
            mag = Math.abs(alpha) * mag + (beta == 0f ? 0 : Math.abs(beta * c0[idx]));
            double tol = 2 * (k + 4) * U * mag + 1e-30;
            double diff = Math.abs((double) got[idx] - want[idx]);
            assertTrue(Float.isFinite(got[idx]), "C[" + i + "," + j + "] is " + got[idx]);
            assertTrue(diff <= tol, "C[" + i + "," + j + "] = " + got[idx] + " want " + want[idx]
                    + " diff " + diff + " tol " + tol);
            maxDiff = Math.max(maxDiff, diff);
        }
        System.out.printf("sgemm m=%d n=%d k=%d tA=%b tB=%b max |diff| = %.3g%n", m, n, k, transA, transB, maxDiff);
    }

    /**
     * {@code A · Bᵀ} with few rows and a deep K (a linear layer on pooled vectors) runs {@link GemmFewRows}: every element is the
     * dot product of {@link GemmSmall#dotScalar} to the bit, in the 4 × 4 register blocks, the rows and columns left
     * over, with strided windows, alpha and beta, one thread and split columns (n·m·k past the parallel threshold).
     */
    @Test
    void fewRowsWithTransposedBAreBitIdenticalToTheDotProductTwin() {
        int[][] sizes = {{4, 4, 256}, {8, 128, 2048}, {16, 200, 2048}, {7, 130, 259}, {13, 5, 2051}, {1, 174, 2048},
            {16, 61, 2048}, {8, 3000, 300}};
        for (int[] mnk : sizes) {
            int m = mnk[0], n = mnk[1], k = mnk[2], lda = k + 3, ldb = k + 5, ldc = n + 2, offA = 1, offB = 2, offC = 3;
            SplittableRandom rnd = new SplittableRandom(m * 1000003L + n * 1009L + k);
            float[] a = random(rnd, offA + m * lda), b = random(rnd, offB + n * ldb), c0 = random(rnd, offC + m * ldc);
            for (float[] ab : new float[][] {{1f, 0f}, {-0.5f, 1.5f}}) {
                float[] got = c0.clone();
                assertTrue(GemmFewRows.takes(false, true, m, k), m + "×" + k + " is not a few-rows product");
                Sgemm.gemm(false, true, m, n, k, ab[0], a, offA, lda, b, offB, ldb, ab[1], got, offC, ldc);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        int o = offC + i * ldc + j;
                        float dot = GemmSmall.dotScalar(a, offA + i * lda, b, offB + j * ldb, k);
                        float want = ab[1] == 0f ? ab[0] * dot : ab[0] * dot + ab[1] * c0[o];
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[o]),
                                "m=" + m + " n=" + n + " k=" + k + " alpha=" + ab[0] + ": C[" + i + "," + j + "] " + got[o] + " vs " + want);
                    }
                }
                for (int o = 0; o < got.length; o++) {
                    int rel = o - offC;
                    if (rel < 0 || rel / ldc >= m || rel % ldc >= n) assertEquals(c0[o], got[o], "outside C written at " + o);
                }
            }
        }
    }

    @Test
    void alphaZeroScalesCWithoutReadingAOrB() {
        float[] a = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};   // (2, 2)
        float[] b = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};   // (2, 2)
        float[] c = {1f, 2f, 3f, 4f};                               // (2, 2)
        Sgemm.gemm(false, false, 2, 2, 2, 0f, a, 0, 2, b, 0, 2, 0.5f, c, 0, 2);
        assertEquals(List.of(0.5f, 1f, 1.5f, 2f), List.of(c[0], c[1], c[2], c[3]));
    }

    @Test
    void zeroDepthWithBetaZeroClearsNaN() {
        float[] c = {Float.NaN, Float.NaN, Float.NaN};              // (1, 3)
        Sgemm.gemm(false, false, 1, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 0f, c, 0, 3);
        assertEquals(List.of(0f, 0f, 0f), List.of(c[0], c[1], c[2]));
    }

    @Test
    void microKernelMatchesItsScalarTwin() {
        int kc = 37, mr = GemmMicroKernel.MR, nr = GemmMicroKernel.NR, ldc = nr + 5;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] ap = random(rnd, kc * mr), bp = random(rnd, kc * nr), c0 = random(rnd, mr * ldc);
        float[] got = c0.clone(), want = c0.clone();
        GemmMicroKernel.tile(kc, ap, 0, bp, 0, 0.75f, -1.25f, got, 0, ldc, mr, nr, new float[mr * nr]);
        GemmMicroKernel.tileScalar(kc, ap, 0, bp, 0, 0.75f, -1.25f, want, 0, ldc, mr, nr);
        for (int i = 0; i < got.length; i++) {
            assertEquals(want[i], got[i], 1e-4f * kc, "tile element " + i);
        }
    }

    /**
     * Both register blockings of the accumulation loop (one pass of eight rows for 32 vector registers, two of four
     * for 16), whichever this machine runs, give each element the scalar twin's sequence of fmas: the same bits.
     */
    @Test
    void bothAccumulationLoopsMatchTheScalarSequenceBitForBit() {
        int mr = GemmMicroKernel.MR, nr = GemmMicroKernel.NR;
        SplittableRandom rnd = new SplittableRandom(5);
        for (int kc : new int[] {1, 2, 37, 300}) {
            int aOff = 3 * mr, bOff = 2 * nr, accOff = 7;
            float[] ap = random(rnd, aOff + kc * mr), bp = random(rnd, bOff + kc * nr);
            float[] want = new float[mr * nr];
            for (int r = 0; r < mr; r++)
                for (int j = 0; j < nr; j++) {
                    float acc = 0f;
                    for (int p = 0; p < kc; p++) acc = Math.fma(ap[aOff + p * mr + r], bp[bOff + p * nr + j], acc);
                    want[r * nr + j] = acc;
                }
            float[] eight = new float[accOff + mr * nr], four = new float[accOff + mr * nr];
            GemmMicroKernel.accumulateEightRows(kc, ap, aOff, bp, bOff, eight, accOff);
            GemmMicroKernel.accumulateFourRows(kc, ap, aOff, bp, bOff, four, accOff);
            GemmMicroKernel.accumulateFourRows(kc, ap, aOff + 4, bp, bOff, four, accOff + 4 * nr);
            float[] chosen = new float[mr * nr];
            GemmMicroKernel.accumulate(kc, ap, aOff, bp, bOff, chosen);
            for (int i = 0; i < mr * nr; i++) {
                assertEquals(want[i], eight[accOff + i], 0f, "eight rows, kc=" + kc + ", element " + i);
                assertEquals(want[i], four[accOff + i], 0f, "two passes of four rows, kc=" + kc + ", element " + i);
                assertEquals(want[i], chosen[i], 0f, "this machine's loop, kc=" + kc + ", element " + i);
            }
        }
    }

    @Test
    void badShapesNameTheArgument() {
        float[] x = new float[12], y = new float[16];
        var e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.gemm(false, false, 3, 4, 4, 1f, x, 0, 3, x, 0, 4, 0f, x, 0, 4));
        assertTrue(e.getMessage().contains("lda=3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.gemm(false, true, 3, 4, 4, 1f, x, 0, 4, y, 0, 4, 0f, x, 2, 4));
        assertTrue(e.getMessage().contains("C stored (M, N) = (3, 4)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.gemm(false, false, -1, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, x, 0, 4));
        assertTrue(e.getMessage().contains("m=-1"), e.getMessage());
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
