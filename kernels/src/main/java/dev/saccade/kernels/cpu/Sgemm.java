package dev.saccade.kernels.cpu;

/**
 * Single-precision general matrix multiply on row-major arrays:
 * {@code C = alpha · op(A) · op(B) + beta · C}, with {@code op(X) = X} or {@code Xᵀ}.
 *
 * <p>Reference: BLAS {@code sgemm} (row-major convention, as in {@code cblas_sgemm(CblasRowMajor, …)}).
 *
 * <pre>{@code
 * // (2,3) · (3,2) -> (2,2)
 * Sgemm.gemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
 * }</pre>
 */
public final class Sgemm {
    private Sgemm() {}

    /**
     * @param transA use Aᵀ: A is stored (K, M) with leading dimension lda, else (M, K)
     * @param transB use Bᵀ: B is stored (N, K) with leading dimension ldb, else (K, N)
     * @param m rows of C, n columns of C, k the shared dimension
     * @param c (M, N) with leading dimension ldc
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int offA, int lda,
                            float[] b, int offB, int ldb,
                            float beta, float[] c, int offC, int ldc) {
        gemmScalar(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
    }

    /** The scalar twin: the oracle for the optimized kernel. Accumulates in double. */
    public static void gemmScalar(boolean transA, boolean transB, int m, int n, int k,
                                  float alpha, float[] a, int offA, int lda,
                                  float[] b, int offB, int ldb,
                                  float beta, float[] c, int offC, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[offA + p * lda + i] : a[offA + i * lda + p];
                    float bv = transB ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                    acc += (double) av * bv;
                }
                int ci = offC + i * ldc + j;
                c[ci] = (float) (alpha * acc + (beta == 0f ? 0f : beta * c[ci]));
            }
        }
    }
}
