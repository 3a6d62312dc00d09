package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The cache-blocked, packed, multi-threaded GEMM driver behind {@link Sgemm#gemm}: the five loops around the
 * micro-kernel (NC columns of B, KC of the shared dimension, MC rows of A, then NR and MR register tiles), with the
 * packed B block shared by all threads, row blocks of C handed out dynamically, and thread-local pack buffers
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
        float[] b2 = new float[0];    // (ceil(NC/NR), KC, NR), the second shared B buffer
        final float[] scratch = new float[MR * NR]; // (MR, NR)

        float[] a(int size) { if (a.length < size) a = new float[size]; return a; }
        float[] b(int size) { if (b.length < size) b = new float[size]; return b; }
        float[] b2(int size) { if (b2.length < size) b2 = new float[size]; return b2; }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private GemmBlocked() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb,
                     float beta, float[] c, int offC, int ldc) {
        int threads = CpuThreads.threads();
        if (threads == 1 || (long) m * n * k < PARALLEL_WORK) {
            block(transA, transB, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, 0, m, 0, n);
        } else if (m >= 2 * MR * threads) {
            sharedB(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, threads);
        } else {
            // Few rows: each thread takes a contiguous range of NR column panels and packs its own B.
            int panels = (n + NR - 1) / NR;
            CpuThreads.parallelFor(0, panels, 1, (lo, hi) -> block(transA, transB, k, alpha, a, offA, lda,
                    b, offB, ldb, beta, c, offC, ldc, 0, m, lo * NR, Math.min(n, hi * NR)));
        }
    }

    /**
     * The many-rows parallel path, in one hand-off to the pool per call. The (KC, NC) blocks of B are taken in
     * rounds; in each round all threads pack the round's B block together into one of two shared buffers (claiming
     * panels from a counter), wait until it is complete, then take MR-aligned row blocks of A from a second counter
     * (dynamic, so a thread slowed by another process on its core does not hold the others back), each packing its
     * own A block. Ordering: a buffer is refilled only once every row block of the round two back is done, and a
     * row block accumulates round r into C only once its round r-1 is done. The per-block round counter only moves
     * forward: a round starting a new column block may finish a row block before the previous column block's last
     * round does (they write disjoint columns), and letting that late round write its smaller number back would make
     * the next round wait forever.
     */
    private static void sharedB(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                float[] a, int offA, int lda, float[] b, int offB, int ldb,
                                float beta, float[] c, int offC, int ldc, int threads) {
        int kb = even(k, KC, 1), nb = even(n, NC, NR);
        // Row blocks: at most MC rows, and at least 4 per thread so the counter can even out the load.
        int mb = Math.min(even(m, MC, MR), Math.max(MR, (m / (4 * threads)) / MR * MR));
        int rowBlocks = (m + mb - 1) / mb;
        int kRounds = (k + kb - 1) / kb, rounds = kRounds * ((n + nb - 1) / nb);
        Buffers own = BUFFERS.get();
        int bSize = (nb + NR - 1) / NR * NR * kb;
        float[][] bufs = {own.b(bSize), own.b2(bSize)};                        // 2 × (panels, kc, NR), shared
        AtomicIntegerArray packClaimed = new AtomicIntegerArray(rounds), packDone = new AtomicIntegerArray(rounds);
        AtomicIntegerArray rowClaimed = new AtomicIntegerArray(rounds), rowDone = new AtomicIntegerArray(rounds);
        AtomicIntegerArray rowRound = new AtomicIntegerArray(rowBlocks);        // last round finished per row block
        for (int i = 0; i < rowBlocks; i++) rowRound.set(i, -1);

        CpuThreads.parallelFor(0, threads, 1, (lo, hi) -> {
            Buffers mine = BUFFERS.get();
            for (int r = 0; r < rounds; r++) {
                int jc = (r / kRounds) * nb, pc = (r % kRounds) * kb;
                int nc = Math.min(nb, n - jc), kc = Math.min(kb, k - pc), panels = (nc + NR - 1) / NR;
                float[] bp = bufs[r & 1];
                if (r >= 2) await(rowDone, r - 2, rowBlocks);
                for (int q; (q = packClaimed.getAndAdd(r, PACK_PANELS)) < panels; ) {
                    int qEnd = Math.min(panels, q + PACK_PANELS);
                    GemmPacking.packB(transB, b, offB, ldb, pc, kc, jc + q * NR, Math.min(nc, qEnd * NR) - q * NR,
                            bp, q * NR * kc);
                    packDone.addAndGet(r, qEnd - q);
                }
                await(packDone, r, panels);
                float betaEff = pc == 0 ? beta : 1f;
                for (int blk; (blk = rowClaimed.getAndIncrement(r)) < rowBlocks; ) {
                    if (pc > 0) await(rowRound, blk, r - 1);
                    int ic = blk * mb, mc = Math.min(mb, m - ic);
                    float[] ap = mine.a((mc + MR - 1) / MR * MR * kc);          // (ceil(mc/MR), kc, MR)
                    GemmPacking.packA(transA, a, offA, lda, ic, mc, pc, kc, ap);
                    macro(kc, mc, nc, ap, bp, alpha, betaEff, c, offC + ic * ldc + jc, ldc, mine.scratch);
                    rowRound.accumulateAndGet(blk, r, Math::max);                // never moves back (see below)
                    rowDone.incrementAndGet(r);
                }
            }
        });
    }

    /** B panels packed per claim in {@link #sharedB}. */
    private static final int PACK_PANELS = 4;

    /** Waits until {@code counters[i] ≥ target}; only ever waits on work another thread has already claimed. */
    private static void await(AtomicIntegerArray counters, int i, int target) {
        for (int spins = 0; counters.get(i) < target; spins++) {
            if (spins < 2000) Thread.onSpinWait(); else Thread.yield();
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
