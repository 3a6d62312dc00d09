package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernel of {@link Sgemm}: one {@code MR × NR} tile of C from a packed A micro-panel
 * {@code (kc, MR)} and a packed B micro-panel {@code (kc, NR)}, with the 16 accumulators ({@code MR} rows × 2 vectors)
 * held in registers and updated with {@code fma} (in two passes of four rows where there are only 16 vector
 * registers: {@link #accumulate(int, float[], int, float[], int, float[], int)}).
 *
 * <p>Reference: Goto and van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 34(3), 2008;
 * Van Zee and van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", ACM TOMS 41(3), 2015
 * (the micro-kernel as an outer-product update {@code C_tile += a_p · b_pᵀ} for p = 0..kc-1).
 *
 * <pre>{@code
 * // ap: (kc, MR) packed, bp: (kc, NR) packed, c: row-major with leading dimension ldc
 * GemmMicroKernel.tile(kc, ap, 0, bp, 0, 1f, 0f, c, 0, ldc, MR, NR, new float[MR * NR]);
 * }</pre>
 */
final class GemmMicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector (16 with AVX-512). */
    static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;

    private GemmMicroKernel() {}

    /**
     * {@code C[0:mr, 0:nr] = alpha · Ap·Bp + beta · C}; {@code beta == 0} never reads C.
     *
     * @param ap  packed A micro-panel (kc, MR) starting at aOff
     * @param bp  packed B micro-panel (kc, NR) starting at bOff
     * @param acc (MR, NR) scratch tile the accumulators are spilled to before the merge into C
     * @param c   (mr, nr) window of C at cOff with leading dimension ldc
     */
    static void tile(int kc, float[] ap, int aOff, float[] bp, int bOff, float alpha, float beta,
                     float[] c, int cOff, int ldc, int mr, int nr, float[] acc) {
        accumulate(kc, ap, aOff, bp, bOff, acc);
        if (mr == MR && nr == NR) {
            FloatVector va = FloatVector.broadcast(S, alpha);
            for (int r = 0; r < MR; r++) {
                int o = cOff + r * ldc, s = r * NR;
                FloatVector v0 = FloatVector.fromArray(S, acc, s).mul(va);
                FloatVector v1 = FloatVector.fromArray(S, acc, s + L).mul(va);
                if (beta != 0f) {
                    v0 = FloatVector.fromArray(S, c, o).fma(FloatVector.broadcast(S, beta), v0);
                    v1 = FloatVector.fromArray(S, c, o + L).fma(FloatVector.broadcast(S, beta), v1);
                }
                v0.intoArray(c, o);
                v1.intoArray(c, o + L);
            }
        } else {
            for (int r = 0; r < mr; r++) {
                int o = cOff + r * ldc, s = r * NR;
                if (beta == 0f) {
                    for (int j = 0; j < nr; j++) c[o + j] = alpha * acc[s + j];
                } else {
                    for (int j = 0; j < nr; j++) c[o + j] = Math.fma(beta, c[o + j], alpha * acc[s + j]);
                }
            }
        }
    }

    /** {@code acc (MR, NR) = Σ_p ap[p, :]ᵀ · bp[p, :]}: the register-resident outer-product loop. */
    static void accumulate(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc) {
        accumulate(kc, ap, aOff, bp, bOff, acc, 0);
    }

    /**
     * {@link #accumulate(int, float[], int, float[], int, float[])} into {@code acc[accOff, accOff + MR·NR)}.
     *
     * <p>With 16 lanes (AVX-512: 32 vector registers) all MR rows are one pass, 16 accumulators. With fewer lanes
     * (AVX2: 16 ymm registers) the 16 accumulators, two B vectors and the broadcast do not fit, and C2 spills
     * accumulators in the loop: two passes of four rows over the same B micro-panel (8 accumulators, re-read from
     * L1 or L2) ran the loop at 38–39 GFLOP/s on one Zen 1 core against 29 for one pass of eight (an FMA-only loop
     * reached 39–42; docs/PERF.md). Each element's sum is the same sequence of {@code fma}s either way.
     */
    static void accumulate(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc, int accOff) {
        if (L >= 16) {
            accumulateEightRows(kc, ap, aOff, bp, bOff, acc, accOff);
        } else {
            accumulateFourRows(kc, ap, aOff, bp, bOff, acc, accOff);
            accumulateFourRows(kc, ap, aOff + 4, bp, bOff, acc, accOff + 4 * NR);
        }
    }

    /**
     * Rows {@code [0, 4)} of the MR-row panel at aOff (rows r of a panel are {@code ap[aOff + p·MR + r]}) into the
     * four rows of acc at accOff: 8 accumulators, for machines with 16 vector registers.
     */
    static void accumulateFourRows(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc, int accOff) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = aOff + p * MR, ib = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, ib);
            FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ia]);     c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ia + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ia + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ia + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
        }
        c00.intoArray(acc, accOff);          c01.intoArray(acc, accOff + L);
        c10.intoArray(acc, accOff + NR);     c11.intoArray(acc, accOff + NR + L);
        c20.intoArray(acc, accOff + 2 * NR); c21.intoArray(acc, accOff + 2 * NR + L);
        c30.intoArray(acc, accOff + 3 * NR); c31.intoArray(acc, accOff + 3 * NR + L);
    }

    /**
     * {@code acc (MR, NR) = Σ_p ap[p, :]ᵀ · src[base + offset[p] …]}: {@link #accumulate} with row p of the B
     * micro-panel read in place, NR consecutive floats at {@code base + offset[p]}, instead of from a packed panel
     * (a direct convolution whose taps read consecutive positions: {@link PolyphaseDirectConv}). Each element's sum
     * is the same sequence of {@code fma}s as {@link #accumulate} over the packed rows. The loops are copies of the
     * packed ones with B's row found through the table: one loop for both would load that index in the GEMM's own
     * hot loop too.
     */
    static void accumulateIndirect(int kc, float[] ap, int aOff, float[] src, int base, int[] offset, float[] acc) {
        if (L >= 16) {
            eightRowsIndirect(kc, ap, aOff, src, base, offset, acc);
        } else {
            fourRowsIndirect(kc, ap, aOff, src, base, offset, acc, 0);
            fourRowsIndirect(kc, ap, aOff + 4, src, base, offset, acc, 4 * NR);
        }
    }

    /** {@link #accumulateFourRows} with B's rows read at {@code src[base + offset[p]]}. */
    private static void fourRowsIndirect(int kc, float[] ap, int aOff, float[] src, int base, int[] offset, float[] acc,
                                         int accOff) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = aOff + p * MR, ib = base + offset[p];
            FloatVector b0 = FloatVector.fromArray(S, src, ib);
            FloatVector b1 = FloatVector.fromArray(S, src, ib + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ia]);     c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ia + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ia + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ia + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
        }
        c00.intoArray(acc, accOff);          c01.intoArray(acc, accOff + L);
        c10.intoArray(acc, accOff + NR);     c11.intoArray(acc, accOff + NR + L);
        c20.intoArray(acc, accOff + 2 * NR); c21.intoArray(acc, accOff + 2 * NR + L);
        c30.intoArray(acc, accOff + 3 * NR); c31.intoArray(acc, accOff + 3 * NR + L);
    }

    /** {@link #accumulateEightRows} with B's rows read at {@code src[base + offset[p]]}. */
    private static void eightRowsIndirect(int kc, float[] ap, int aOff, float[] src, int base, int[] offset, float[] acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = aOff + p * MR, ib = base + offset[p];
            FloatVector b0 = FloatVector.fromArray(S, src, ib);
            FloatVector b1 = FloatVector.fromArray(S, src, ib + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ia]);     c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ia + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ia + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ia + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ia + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ia + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ia + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ia + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        c00.intoArray(acc, 0);          c01.intoArray(acc, L);
        c10.intoArray(acc, NR);         c11.intoArray(acc, NR + L);
        c20.intoArray(acc, 2 * NR);     c21.intoArray(acc, 2 * NR + L);
        c30.intoArray(acc, 3 * NR);     c31.intoArray(acc, 3 * NR + L);
        c40.intoArray(acc, 4 * NR);     c41.intoArray(acc, 4 * NR + L);
        c50.intoArray(acc, 5 * NR);     c51.intoArray(acc, 5 * NR + L);
        c60.intoArray(acc, 6 * NR);     c61.intoArray(acc, 6 * NR + L);
        c70.intoArray(acc, 7 * NR);     c71.intoArray(acc, 7 * NR + L);
    }

    /** All MR rows in one pass: 16 accumulators, for machines with 32 vector registers. */
    static void accumulateEightRows(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc, int accOff) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = aOff + p * MR, ib = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, ib);
            FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ia]);     c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ia + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ia + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ia + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ia + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ia + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ia + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ia + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        c00.intoArray(acc, accOff);          c01.intoArray(acc, accOff + L);
        c10.intoArray(acc, accOff + NR);     c11.intoArray(acc, accOff + NR + L);
        c20.intoArray(acc, accOff + 2 * NR); c21.intoArray(acc, accOff + 2 * NR + L);
        c30.intoArray(acc, accOff + 3 * NR); c31.intoArray(acc, accOff + 3 * NR + L);
        c40.intoArray(acc, accOff + 4 * NR); c41.intoArray(acc, accOff + 4 * NR + L);
        c50.intoArray(acc, accOff + 5 * NR); c51.intoArray(acc, accOff + 5 * NR + L);
        c60.intoArray(acc, accOff + 6 * NR); c61.intoArray(acc, accOff + 6 * NR + L);
        c70.intoArray(acc, accOff + 7 * NR); c71.intoArray(acc, accOff + 7 * NR + L);
    }

    /** The scalar twin of {@link #tile}: same packed inputs, same accumulation order per element. */
    static void tileScalar(int kc, float[] ap, int aOff, float[] bp, int bOff,
                           float alpha, float beta, float[] c, int cOff, int ldc, int mr, int nr) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                float acc = 0f;
                for (int p = 0; p < kc; p++) acc = Math.fma(ap[aOff + p * MR + r], bp[bOff + p * NR + j], acc);
                int o = cOff + r * ldc + j;
                c[o] = beta == 0f ? alpha * acc : alpha * acc + beta * c[o];
            }
        }
    }
}
