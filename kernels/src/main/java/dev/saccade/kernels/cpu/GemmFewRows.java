package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = alpha · A · Bᵀ + beta · C} for a few rows of A (M ≤ {@value #MAX_ROWS}) with B stored (N, K) and a
 * deep K ({@link #takes}): a linear layer {@code y = x · Wᵀ} on a handful of vectors — the first layer of the
 * shared MLP of CBAM and W3 on pooled descriptors, ACTION's squeezes, a classifier over the frames of one clip. The packed path ({@link GemmBlocked}) would copy all
 * of W into panels on every call to use each panel for one or two register tiles; here W is read once, in place.
 * Blocks of 4 rows of A × 4 rows of W keep 16 dot products in registers (8 loads per 16 fused multiply-adds) and
 * reduce each with {@link Simd#sumLanes}; rows or columns left over take {@link GemmSmall}'s dot product. Every
 * element is {@link GemmSmall}'s dot product in the same order (lanes over K, then the pairwise lane sum, then the
 * tail), so the result is bit-identical to it and to its scalar twin {@link GemmSmall#dotScalar}. The columns are
 * split across {@link CpuThreads} when the product is large enough.
 *
 * <p>Reference: BLAS {@code sgemm} row-major with {@code transB}; ONNX Runtime's MLAS runs the same shapes as
 * {@code MlasGemm} with its "few rows" packing skipped for {@code M = 1} (GEMV) — this extends the unpacked read
 * to a few rows.
 *
 * <pre>{@code
 * // y (8, 128) = x (8, 2048) · w (128, 2048)ᵀ
 * GemmFewRows.gemm(8, 128, 2048, 1f, x, 0, 2048, w, 0, 2048, 0f, y, 0, 128);
 * }</pre>
 */
final class GemmFewRows {
    /** The most rows of A this path takes; more amortise the packing of B over enough register tiles. */
    static final int MAX_ROWS = 16;
    /**
     * The least depth K this path takes: each dot product ends in a lane sum, which shorter products do not amortise
     * (an expand from C/16 to C is faster packed).
     */
    static final int MIN_DEPTH = 256;
    /** Past 8 rows the packed path is as fast until K reaches this depth ({@code LinearFewRowsTiming}). */
    static final int DEEP = 2048;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Columns per work item when the columns are split across threads (a multiple of the 4-column block). */
    private static final int CHUNK = 32;

    private GemmFewRows() {}

    /**
     * True for the products this path takes: {@code A · Bᵀ} with m ≤ 8 and k ≥ {@value #MIN_DEPTH}, or m ≤
     * {@value #MAX_ROWS} and k ≥ {@value #DEEP}.
     */
    static boolean takes(boolean transA, boolean transB, int m, int k) {
        return !transA && transB && (m <= 8 && k >= MIN_DEPTH || m <= MAX_ROWS && k >= DEEP);
    }

    /** Arguments as {@link Sgemm#gemm} with {@code transA = false, transB = true}; m ≤ {@value #MAX_ROWS}. */
    static void gemm(int m, int n, int k, float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb,
                     float beta, float[] c, int offC, int ldc) {
        if ((long) m * n * k < GemmBlocked.PARALLEL_WORK || n < 2 * CHUNK || CpuThreads.threads() == 1) {
            columns(m, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, 0, n);
            return;
        }
        CpuThreads.parallelFor(0, (n + CHUNK - 1) / CHUNK, 1, (lo, hi) ->
                columns(m, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, lo * CHUNK, Math.min(n, hi * CHUNK)));
    }

    /** Columns [j0, j1) of all m rows of C. */
    static void columns(int m, int k, float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb,
                        float beta, float[] c, int offC, int ldc, int j0, int j1) {
        int jFull = j0 + (j1 - j0) / 4 * 4, iFull = m / 4 * 4;
        for (int j = j0; j < jFull; j += 4) {
            for (int i = 0; i < iFull; i += 4) block(k, alpha, a, offA + i * lda, lda, b, offB + j * ldb, ldb, beta, c, offC + i * ldc + j, ldc);
        }
        if (iFull < m) {                                                      // rows left over, all columns
            GemmSmall.columns(false, true, m - iFull, k, alpha, a, offA + iFull * lda, lda, b, offB, ldb,
                    beta, c, offC + iFull * ldc, ldc, j0, jFull);
        }
        if (jFull < j1) {                                                     // columns left over, all rows
            GemmSmall.columns(false, true, m, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, jFull, j1);
        }
    }

    /** C[0:4, 0:4] from rows a0..a3 of A (stride lda) and rows b0..b3 of B (stride ldb). */
    private static void block(int k, float alpha, float[] a, int as, int lda, float[] b, int bs, int ldb,
                              float beta, float[] c, int cs, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        int end = S.loopBound(k);
        for (int p = 0; p < end; p += L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bs + p), b1 = FloatVector.fromArray(S, b, bs + ldb + p);
            FloatVector b2 = FloatVector.fromArray(S, b, bs + 2 * ldb + p), b3 = FloatVector.fromArray(S, b, bs + 3 * ldb + p);
            FloatVector x = FloatVector.fromArray(S, a, as + p);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.fromArray(S, a, as + lda + p);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.fromArray(S, a, as + 2 * lda + p);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.fromArray(S, a, as + 3 * lda + p);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
        }
        store(c00, k, end, alpha, a, as, b, bs, beta, c, cs);
        store(c01, k, end, alpha, a, as, b, bs + ldb, beta, c, cs + 1);
        store(c02, k, end, alpha, a, as, b, bs + 2 * ldb, beta, c, cs + 2);
        store(c03, k, end, alpha, a, as, b, bs + 3 * ldb, beta, c, cs + 3);
        store(c10, k, end, alpha, a, as + lda, b, bs, beta, c, cs + ldc);
        store(c11, k, end, alpha, a, as + lda, b, bs + ldb, beta, c, cs + ldc + 1);
        store(c12, k, end, alpha, a, as + lda, b, bs + 2 * ldb, beta, c, cs + ldc + 2);
        store(c13, k, end, alpha, a, as + lda, b, bs + 3 * ldb, beta, c, cs + ldc + 3);
        store(c20, k, end, alpha, a, as + 2 * lda, b, bs, beta, c, cs + 2 * ldc);
        store(c21, k, end, alpha, a, as + 2 * lda, b, bs + ldb, beta, c, cs + 2 * ldc + 1);
        store(c22, k, end, alpha, a, as + 2 * lda, b, bs + 2 * ldb, beta, c, cs + 2 * ldc + 2);
        store(c23, k, end, alpha, a, as + 2 * lda, b, bs + 3 * ldb, beta, c, cs + 2 * ldc + 3);
        store(c30, k, end, alpha, a, as + 3 * lda, b, bs, beta, c, cs + 3 * ldc);
        store(c31, k, end, alpha, a, as + 3 * lda, b, bs + ldb, beta, c, cs + 3 * ldc + 1);
        store(c32, k, end, alpha, a, as + 3 * lda, b, bs + 2 * ldb, beta, c, cs + 3 * ldc + 2);
        store(c33, k, end, alpha, a, as + 3 * lda, b, bs + 3 * ldb, beta, c, cs + 3 * ldc + 3);
    }

    /** One element: the lanes summed, the tail [end, k) of the row pair added with fma, then alpha and beta. */
    private static void store(FloatVector lanes, int k, int end, float alpha, float[] a, int as, float[] b, int bs,
                              float beta, float[] c, int o) {
        float dot = Simd.sumLanes(lanes);
        for (int p = end; p < k; p++) dot = Math.fma(a[as + p], b[bs + p], dot);
        c[o] = beta == 0f ? alpha * dot : alpha * dot + beta * c[o];
    }
}
