package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of op(A) and op(B) into the contiguous micro-panel order the {@link GemmMicroKernel} streams
 * through; transposes are resolved here, so the kernel only ever sees one layout. Edges are zero-padded.
 *
 * <p>Reference: Goto and van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 34(3), 2008, §5
 * (packing into contiguous panels).
 *
 * <pre>{@code
 * // op(A)[i0:i0+mc, p0:p0+kc] -> ceil(mc/MR) panels of (kc, MR)
 * GemmPacking.packA(false, a, offA, lda, i0, mc, p0, kc, dst);
 * // op(B)[p0:p0+kc, j0:j0+nc] -> ceil(nc/NR) panels of (kc, NR)
 * GemmPacking.packB(false, b, offB, ldb, p0, kc, j0, nc, dst, 0);
 * }</pre>
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs op(A)[i0:i0+mc, p0:p0+kc] as panels of MR rows: {@code dst[q·MR·kc + p·MR + r] = op(A)[i0+q·MR+r, p0+p]},
     * zero where {@code q·MR+r ≥ mc}.
     */
    static void packA(boolean transA, float[] a, int offA, int lda, int i0, int mc, int p0, int kc, float[] dst) {
        int d = 0;
        for (int q = 0; q < mc; q += MR) {
            int mr = Math.min(MR, mc - q);
            if (transA) {
                // A stored (K, M): the MR values of one p are contiguous.
                int src = offA + p0 * lda + i0 + q;
                for (int p = 0; p < kc; p++, src += lda, d += MR) {
                    System.arraycopy(a, src, dst, d, mr);
                    for (int r = mr; r < MR; r++) dst[d + r] = 0f;
                }
            } else {
                // A stored (M, K): gather one value from each of the MR rows.
                int row = offA + (i0 + q) * lda + p0;
                if (mr == MR) {
                    for (int p = 0; p < kc; p++, d += MR) {
                        int s = row + p;
                        dst[d] = a[s];
                        dst[d + 1] = a[s + lda];
                        dst[d + 2] = a[s + 2 * lda];
                        dst[d + 3] = a[s + 3 * lda];
                        dst[d + 4] = a[s + 4 * lda];
                        dst[d + 5] = a[s + 5 * lda];
                        dst[d + 6] = a[s + 6 * lda];
                        dst[d + 7] = a[s + 7 * lda];
                    }
                } else {
                    for (int p = 0; p < kc; p++, d += MR) {
                        for (int r = 0; r < mr; r++) dst[d + r] = a[row + r * lda + p];
                        for (int r = mr; r < MR; r++) dst[d + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs op(B)[p0:p0+kc, j0:j0+nc] as panels of NR columns: {@code dst[q·NR·kc + p·NR + j] = op(B)[p0+p, j0+q·NR+j]},
     * zero where {@code q·NR+j ≥ nc}, written from {@code dst[dOff]} on.
     */
    static void packB(boolean transB, float[] b, int offB, int ldb, int p0, int kc, int j0, int nc,
                      float[] dst, int dOff) {
        int d = dOff;
        for (int q = 0; q < nc; q += NR) {
            int nr = Math.min(NR, nc - q);
            if (!transB) {
                // B stored (K, N): one p gives NR contiguous values.
                int src = offB + p0 * ldb + j0 + q;
                if (nr == NR) {
                    for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                        FloatVector.fromArray(S, b, src).intoArray(dst, d);
                        FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                        System.arraycopy(b, src, dst, d, nr);
                        for (int j = nr; j < NR; j++) dst[d + j] = 0f;
                    }
                }
            } else {
                // B stored (N, K): column j of op(B) is row j of storage, contiguous in p.
                int base = offB + (j0 + q) * ldb + p0;
                for (int j = 0; j < nr; j++) {
                    int s = base + j * ldb;
                    for (int p = 0, o = d + j; p < kc; p++, o += NR) dst[o] = b[s + p];
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0, o = d + j; p < kc; p++, o += NR) dst[o] = 0f;
                }
                d += kc * NR;
            }
        }
    }
}
