package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;

/**
 * The cache-blocked, packed, multi-threaded GEMM driver behind {@link Sgemm#gemm}: the five loops around the
 * micro-kernel (NC columns of B, KC of the shared dimension, MC rows of A, then NR and MR register tiles), with C
 * split into one contiguous slice of rows (or of columns, when C is wide) per thread and thread-local pack buffers
 * reused from call to call.
 *
 * <p>Reference: Van Zee and van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality",
 * ACM TOMS 41(3), 2015, Fig. 2 (loop order and which block lives in which cache).
 *
 * <pre>{@code
 * GemmBlocked.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
 * }</pre>
 */
final class GemmBlocked {
    /** Shared-dimension block: a (KC, NR) B micro-panel stays in L1. */
    static final int KC = Integer.getInteger("saccade.gemm.kc", 256);
    /** Row block: a (MC, KC) packed A block stays in L2. */
    static final int MC = Integer.getInteger("saccade.gemm.mc", 192);
    /** Column block: a (KC, NC) packed B block stays in L2/L3. */
    static final int NC = Integer.getInteger("saccade.gemm.nc", 2048);
    /** Below this many multiply-adds a call runs on the calling thread only. */
    static final long PARALLEL_WORK = 1L << 21;

    /** Per-thread pack buffers, grown on demand and then reused. */
    private static final class Buffers {
        float[] a = new float[0];     // (ceil(MC/MR), KC, MR)
        float[] b = new float[0];     // (ceil(NC/NR), KC, NR)
        final float[] scratch = new float[MR * NR]; // (MR, NR)

        float[] a(int size) { if (a.length < size) a = new float[size]; return a; }
        float[] b(int size) { if (b.length < size) b = new float[size]; return b; }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private GemmBlocked() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb,
                     float beta, float[] c, int offC, int ldc) {
        int threads = CpuThreads.threads();
        int rowPanels = (m + MR - 1) / MR, colPanels = (n + NR - 1) / NR;
        if (threads == 1 || (long) m * n * k < PARALLEL_WORK) {
            block(transA, transB, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, 0, m, 0, n);
        } else if (m >= n ? rowPanels >= threads : colPanels < threads) {
            // Split the rows: each thread packs its own copy of B (its B block stays in its own L2; the copy
            // costs about 2·threads/m of the multiply-adds). Measured on 2 cores at 512³: ~390 GFLOP/s this way
            // against ~215 with one B block packed cooperatively and shared.
            CpuThreads.parallelFor(0, rowPanels, 1, (lo, hi) -> block(transA, transB, k, alpha, a, offA, lda,
                    b, offB, ldb, beta, c, offC, ldc, lo * MR, Math.min(m, hi * MR), 0, n));
        } else {
            // Split the columns: each thread packs its slice of B and its own copy of A (cost ~2·threads/n).
            CpuThreads.parallelFor(0, colPanels, 1, (lo, hi) -> block(transA, transB, k, alpha, a, offA, lda,
                    b, offB, ldb, beta, c, offC, ldc, 0, m, lo * NR, Math.min(n, hi * NR)));
        }
    }

    /** Block sizes split evenly: {@code total} in ceil(total/max) parts, the size of each. */
    private static int even(int total, int max, int align) {
        int parts = (total + max - 1) / max;
        int size = (total + parts - 1) / parts;
        return (size + align - 1) / align * align;
    }

    /** Computes the C window rows [i0, i1) × columns [j0, j1) on the calling thread. */
    static void block(boolean transA, boolean transB, int k, float alpha,
                      float[] a, int offA, int lda, float[] b, int offB, int ldb,
                      float beta, float[] c, int offC, int ldc, int i0, int i1, int j0, int j1) {
        Buffers buf = BUFFERS.get();
        int kb = even(k, KC, 1), mb = even(i1 - i0, MC, MR), nb = even(j1 - j0, NC, NR);
        for (int jc = j0; jc < j1; jc += nb) {
            int nc = Math.min(nb, j1 - jc);
            for (int pc = 0; pc < k; pc += kb) {
                int kc = Math.min(kb, k - pc);
                float[] bp = buf.b((nc + NR - 1) / NR * NR * kc);             // (ceil(nc/NR), kc, NR)
                GemmPacking.packB(transB, b, offB, ldb, pc, kc, jc, nc, bp, 0);
                float betaEff = pc == 0 ? beta : 1f;
                for (int ic = i0; ic < i1; ic += mb) {
                    int mc = Math.min(mb, i1 - ic);
                    float[] ap = buf.a((mc + MR - 1) / MR * MR * kc);         // (ceil(mc/MR), kc, MR)
                    GemmPacking.packA(transA, a, offA, lda, ic, mc, pc, kc, ap);
                    macro(kc, mc, nc, ap, bp, alpha, betaEff, c, offC + ic * ldc + jc, ldc, buf.scratch);
                }
            }
        }
    }

    /** All register tiles of one packed (mc, kc) × (kc, nc) block product into C at cOff. */
    private static void macro(int kc, int mc, int nc, float[] ap, float[] bp, float alpha, float beta,
                              float[] c, int cOff, int ldc, float[] scratch) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), bOff = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir), aOff = ir * kc, o = cOff + ir * ldc + jr;
                GemmMicroKernel.tile(kc, ap, aOff, bp, bOff, alpha, beta, c, o, ldc, mr, nr, scratch);
            }
        }
    }
}
