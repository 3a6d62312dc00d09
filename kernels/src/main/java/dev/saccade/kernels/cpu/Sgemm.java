package dev.saccade.kernels.cpu;

/**
 * Single-precision general matrix multiply on row-major arrays:
 * {@code C = alpha · op(A) · op(B) + beta · C}, with {@code op(X) = X} or {@code Xᵀ}.
 *
 * <p>Reference: BLAS {@code sgemm} (row-major convention, as in {@code cblas_sgemm(CblasRowMajor, …)}). As in BLAS,
 * {@code beta == 0} means C is write-only (NaN or garbage there is overwritten), and {@code alpha == 0} or
 * {@code k == 0} reads neither A nor B.
 *
 * <p>Large products run on {@link GemmBlocked} (packed panels, a register-blocked Vector API micro-kernel, split
 * across {@link CpuThreads}); {@code A · Bᵀ} with at most {@value GemmFewRows#MAX_ROWS} rows and a depth of at least
 * {@value GemmFewRows#MIN_DEPTH} (a linear layer on a few vectors) on {@link GemmFewRows}, B read in place; other tiny products and those with fewer than
 * {@value #SKINNY_ROWS} rows on {@link GemmSmall}, unpacked.
 *
 * <pre>{@code
 * // (2,3) · (3,2) -> (2,2)
 * Sgemm.gemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
 * }</pre>
 */
public final class Sgemm {
    /** Products with fewer rows than this skip packing (the register tile would be mostly padding). */
    static final int SKINNY_ROWS = 4;
    /** Products with fewer multiply-adds than this skip packing. */
    static final long SMALL_WORK = 24L * 24 * 24;

    private Sgemm() {}

    /**
     * @param transA use Aᵀ: A is stored (K, M) with leading dimension lda, else (M, K)
     * @param transB use Bᵀ: B is stored (N, K) with leading dimension ldb, else (K, N)
     * @param m rows of C, n columns of C, k the shared dimension
     * @param c (M, N) with leading dimension ldc
     * @throws IllegalArgumentException naming the argument when a size, leading dimension or offset does not fit
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int offA, int lda,
                            float[] b, int offB, int ldb,
                            float beta, float[] c, int offC, int ldc) {
        check(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            for (int i = 0; i < m; i++) scaleRow(beta, c, offC + i * ldc, n);
            return;
        }
        if (GemmFewRows.takes(transA, transB, m, k)) {                       // a linear layer on a few vectors
            GemmFewRows.gemm(m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            return;
        }
        long work = (long) m * n * k;
        if (m < SKINNY_ROWS || work < SMALL_WORK) {
            if (work < GemmBlocked.PARALLEL_WORK || n < 64) {
                GemmSmall.columns(transA, transB, m, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, 0, n);
            } else {
                int chunk = 64;  // columns per work item: whole vectors, enough to amortise the hand-off
                CpuThreads.parallelFor(0, (n + chunk - 1) / chunk, 1, (lo, hi) -> GemmSmall.columns(transA, transB,
                        m, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, lo * chunk,
                        Math.min(n, hi * chunk)));
            }
            return;
        }
        GemmBlocked.gemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
    }

    /** The scalar twin: the oracle for the optimized kernel. Accumulates in double. */
    public static void gemmScalar(boolean transA, boolean transB, int m, int n, int k,
                                  float alpha, float[] a, int offA, int lda,
                                  float[] b, int offB, int ldb,
                                  float beta, float[] c, int offC, int ldc) {
        check(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                if (alpha != 0f) {
                    for (int p = 0; p < k; p++) {
                        float av = transA ? a[offA + p * lda + i] : a[offA + i * lda + p];
                        float bv = transB ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                        acc += (double) av * bv;
                    }
                }
                int ci = offC + i * ldc + j;
                c[ci] = (float) (alpha * acc + (beta == 0f ? 0f : beta * c[ci]));
            }
        }
    }

    /** {@code x[off:off+len] *= beta}, with {@code beta == 0} writing zeros (never reading x). */
    static void scaleRow(float beta, float[] x, int off, int len) {
        if (beta == 1f) return;
        if (beta == 0f) { java.util.Arrays.fill(x, off, off + len, 0f); return; }
        for (int j = off; j < off + len; j++) x[j] *= beta;
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int offA, int lda, float[] b, int offB, int ldb,
                              float[] c, int offC, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("A", a, offA, lda, transA ? k : m, transA ? m : k, transA ? "(K, M)" : "(M, K)");
        checkMatrix("B", b, offB, ldb, transB ? n : k, transB ? k : n, transB ? "(N, K)" : "(K, N)");
        checkMatrix("C", c, offC, ldc, m, n, "(M, N)");
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols, String layout) {
        if (rows == 0 || cols == 0) return;
        if (x == null) throw new IllegalArgumentException("sgemm: " + name + " is null");
        if (ld < cols) {
            throw new IllegalArgumentException("sgemm: ld" + name.toLowerCase() + "=" + ld + " is smaller than the "
                    + cols + " columns of " + name + " stored " + layout + " = (" + rows + ", " + cols + ")");
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IllegalArgumentException("sgemm: " + name + " stored " + layout + " = (" + rows + ", " + cols
                    + ") with offset " + off + " and ld " + ld + " needs " + last + " elements, array has "
                    + x.length);
        }
    }
}
