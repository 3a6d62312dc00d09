package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernel of {@link Sgemm}: one {@code MR × NR} tile of C from a packed A micro-panel
 * {@code (kc, MR)} and a packed B micro-panel {@code (kc, NR)}, with the 16 accumulators ({@code MR} rows × 2 vectors)
 * held in registers and updated with {@code fma}.
 *
 * <p>Reference: Goto and van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 34(3), 2008;
 * Van Zee and van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", ACM TOMS 41(3), 2015
 * (the micro-kernel as an outer-product update {@code C_tile += a_p · b_pᵀ} for p = 0..kc-1).
 *
 * <pre>{@code
 * // ap: (kc, MR) packed, bp: (kc, NR) packed, c: row-major with leading dimension ldc
 * GemmMicroKernel.tile(kc, ap, 0, bp, 0, 1f, 0f, c, 0, ldc);
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
     * {@code C[0:MR, 0:NR] = alpha · Ap·Bp + beta · C} for a full tile; {@code beta == 0} never reads C.
     *
     * @param ap packed A micro-panel (kc, MR) starting at aOff
     * @param bp packed B micro-panel (kc, NR) starting at bOff
     * @param c  (MR, NR) window of C at cOff with leading dimension ldc
     */
    static void tile(int kc, float[] ap, int aOff, float[] bp, int bOff,
                     float alpha, float beta, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int ia = aOff, ib = bOff;
        for (int p = 0; p < kc; p++, ia += MR, ib += NR) {
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
        store(c00, c01, alpha, beta, c, cOff, ldc, 0);
        store(c10, c11, alpha, beta, c, cOff, ldc, 1);
        store(c20, c21, alpha, beta, c, cOff, ldc, 2);
        store(c30, c31, alpha, beta, c, cOff, ldc, 3);
        store(c40, c41, alpha, beta, c, cOff, ldc, 4);
        store(c50, c51, alpha, beta, c, cOff, ldc, 5);
        store(c60, c61, alpha, beta, c, cOff, ldc, 6);
        store(c70, c71, alpha, beta, c, cOff, ldc, 7);
    }

    /** Writes one accumulator row: {@code C[r, 0:NR] = alpha · acc + beta · C[r, 0:NR]}. */
    private static void store(FloatVector v0, FloatVector v1, float alpha, float beta,
                              float[] c, int cOff, int ldc, int r) {
        int o = cOff + r * ldc;
        if (beta == 0f) {
            v0.mul(alpha).intoArray(c, o);
            v1.mul(alpha).intoArray(c, o + L);
        } else {
            FloatVector.fromArray(S, c, o).mul(beta).add(v0.mul(alpha)).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).mul(beta).add(v1.mul(alpha)).intoArray(c, o + L);
        }
    }

    /**
     * An edge tile of {@code mr ≤ MR} rows and {@code nr ≤ NR} columns: the full tile is computed into
     * {@code scratch} (MR, NR) and only the valid part is merged into C.
     */
    static void edge(int kc, float[] ap, int aOff, float[] bp, int bOff, float alpha, float beta,
                     float[] c, int cOff, int ldc, int mr, int nr, float[] scratch) {
        tile(kc, ap, aOff, bp, bOff, 1f, 0f, scratch, 0, NR);
        for (int r = 0; r < mr; r++) {
            int o = cOff + r * ldc, s = r * NR;
            if (beta == 0f) {
                for (int j = 0; j < nr; j++) c[o + j] = alpha * scratch[s + j];
            } else {
                for (int j = 0; j < nr; j++) c[o + j] = alpha * scratch[s + j] + beta * c[o + j];
            }
        }
    }

    /** The scalar twin of {@link #tile}: same packed inputs, same arithmetic order per element. */
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
