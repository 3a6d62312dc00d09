package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;

/**
 * Batched matrix product (B, M, K) · (B, K, N) → (B, M, N). Each batch entry's matrices are passed to
 * {@link Sgemm} as stored (row-major or transposed, by their strides) without copying; F64 and F32 with SIMD off
 * use the scalar reference.
 */
final class CpuMatmul {
    private CpuMatmul() {}

    static void matmul(Tensor a, Tensor b, Tensor out) {
        int batch = a.dim(0), m = a.dim(1), k = a.dim(2), n = b.dim(2);
        int[] as = a.layout().strides(), bs = b.layout().strides();
        HostStorage ah = CpuElementwise.host(a), bh = CpuElementwise.host(b), oh = CpuElementwise.host(out);
        if (a.dtype() == DType.F32) {
            int[] la = leading(as, m, k), lb = leading(bs, k, n);
            if (la == null || lb == null) throw new IllegalStateException("matmul: operands must be row- or column-major per batch: " + a.layout() + " / " + b.layout());
            boolean transA = la[0] == 1, transB = lb[0] == 1;
            int lda = la[1], ldb = lb[1];
            float[] af = ah.floats(), bf = bh.floats(), of = oh.floats();
            boolean simd = Simd.enabled();
            int grain = (long) m * n * k > (1 << 20) ? 1 : Math.max(1, batch / CpuThreads.threads());
            CpuThreads.parallelFor(0, batch, grain, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    int ao = a.layout().offset() + i * as[0], bo = b.layout().offset() + i * bs[0], oo = i * m * n;
                    if (simd) Sgemm.gemm(transA, transB, m, n, k, 1f, af, ao, lda, bf, bo, ldb, 0f, of, oo, n);
                    else Sgemm.gemmScalar(transA, transB, m, n, k, 1f, af, ao, lda, bf, bo, ldb, 0f, of, oo, n);
                }
            });
            return;
        }
        // Scalar reference in double (F64 and the integer types).
        for (int i = 0; i < batch; i++) {
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < n; c++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        acc += ah.getDouble(a.layout().offset() + i * as[0] + r * as[1] + p * as[2])
                                * bh.getDouble(b.layout().offset() + i * bs[0] + p * bs[1] + c * bs[2]);
                    }
                    oh.setDouble((i * m + r) * n + c, acc);
                }
            }
        }
    }

    /**
     * How a (rows, cols) matrix with batch strides {@code st} is stored: {transposed?1:0, leading dimension}, or
     * null when it is neither row- nor column-major (the caller copies it first).
     */
    static int[] leading(int[] st, int rows, int cols) {
        if ((st[2] == 1 || cols == 1) && (rows == 1 || st[1] >= cols)) return new int[] {0, rows == 1 ? cols : st[1]};
        if ((st[1] == 1 || rows == 1) && (cols == 1 || st[2] >= rows)) return new int[] {1, cols == 1 ? rows : st[2]};
        return null;
    }
}
