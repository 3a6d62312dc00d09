package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The unpacked GEMM path of {@link Sgemm} for tiny products and for few rows (matrix-vector-like shapes such as a
 * classifier on a batch of one), where packing would cost more than it saves. Works on a column range of C so it
 * can be split across threads.
 *
 * <p>Reference: BLAS {@code sgemm}, row-major: {@code C[i,j] = alpha · Σ_p op(A)[i,p] · op(B)[p,j] + beta · C[i,j]}.
 *
 * <pre>{@code
 * // C (m, n) window: all rows, columns [j0, j1)
 * GemmSmall.columns(false, false, m, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, 0, n);
 * }</pre>
 */
final class GemmSmall {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private GemmSmall() {}

    /** Computes columns [j0, j1) of all m rows of C. */
    static void columns(boolean transA, boolean transB, int m, int k, float alpha,
                        float[] a, int offA, int lda, float[] b, int offB, int ldb,
                        float beta, float[] c, int offC, int ldc, int j0, int j1) {
        for (int i = 0; i < m; i++) {
            int crow = offC + i * ldc;
            if (!transB) {
                // C[i, j0:j1] = beta·C + Σ_p (alpha·A[i,p]) · B[p, j0:j1]   (axpy over contiguous rows of B)
                Sgemm.scaleRow(beta, c, crow + j0, j1 - j0);
                for (int p = 0; p < k; p++) {
                    float av = alpha * (transA ? a[offA + p * lda + i] : a[offA + i * lda + p]);
                    int brow = offB + p * ldb;
                    int j = j0;
                    FloatVector va = FloatVector.broadcast(S, av);
                    for (int end = j0 + S.loopBound(j1 - j0); j < end; j += L) {
                        va.fma(FloatVector.fromArray(S, b, brow + j), FloatVector.fromArray(S, c, crow + j))
                                .intoArray(c, crow + j);
                    }
                    for (; j < j1; j++) c[crow + j] = Math.fma(av, b[brow + j], c[crow + j]);
                }
            } else {
                // C[i, j] = alpha · <op(A)[i, :], B_storage[j, :]> + beta·C   (B stored (N, K): rows are contiguous)
                for (int j = j0; j < j1; j++) {
                    int bs = offB + j * ldb;
                    float dot;
                    if (!transA) {
                        int as = offA + i * lda;
                        FloatVector acc = FloatVector.zero(S);
                        int p = 0;
                        for (int end = S.loopBound(k); p < end; p += L) {
                            acc = FloatVector.fromArray(S, a, as + p).fma(FloatVector.fromArray(S, b, bs + p), acc);
                        }
                        dot = VectorMath.sumLanes(acc);   // a fixed lane order: same bits before and after JIT
                        for (; p < k; p++) dot = Math.fma(a[as + p], b[bs + p], dot);
                    } else {
                        dot = 0f;
                        for (int p = 0, ai = offA + i; p < k; p++, ai += lda) dot = Math.fma(a[ai], b[bs + p], dot);
                    }
                    int o = crow + j;
                    c[o] = beta == 0f ? alpha * dot : alpha * dot + beta * c[o];
                }
            }
        }
    }
}
