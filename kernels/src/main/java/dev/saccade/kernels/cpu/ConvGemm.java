package dev.saccade.kernels.cpu;

import java.util.Arrays;

/**
 * Convolution as matrix products over chunks of images, per group (Chellapilla et al. 2006, "High Performance
 * Convolutional Neural Networks for Document Processing"; Caffe's {@code BaseConvolutionLayer}). With
 * {@code K = C_in/groups·kD·kH·kW}, {@code P = oD·oH·oW} and a chunk of {@code B} images unfolded side by side into
 * one column matrix of {@code B·P} columns (image i in columns {@code [i·P, (i+1)·P)}), for group g:
 * <pre>
 *   forward:         Y_g (C_out/g, B·P) = W_g (C_out/g, K) · col(X_g) (K, B·P)        [+ b], scattered to (B, C_out, P)
 *   backward data:   col (K, B·P)       = W_gᵀ · gY_g (C_out/g, B·P),  gX_g = col2im(col) per image
 *   backward filter: gW_g (C_out/g, K) += gY_g (C_out/g, B·P) · col(X_g)ᵀ             summed over the chunks
 * </pre>
 * Small output planes (the deep layers of a network on small frames: P = 64, 16, 4, 1) thus run one GEMM of
 * {@code B·P ≈} {@value #COLUMN_TARGET} columns instead of B GEMMs of P columns, each of which would pack the whole
 * weight matrix for a handful of columns. With {@code B = 1} (large planes) the output GEMM writes straight into y,
 * and a 1×1 stride-1 unpadded convolution needs no unfolding: {@code col(X_g) = X_g}. Kernel taps that only ever
 * read padding ({@link Im2col#liveTaps}: 8 of 9 for a 3×3 "same" convolution on a 1×1 plane) are left out of K,
 * with the weights compacted to match and their filter gradient exactly zero.
 *
 * <p>Work is split over the chunks when every thread gets one; otherwise chunks run in turn and {@link Sgemm} may
 * split each product. Every output element is computed by one thread in a fixed order, and the per-thread filter
 * gradients are summed in thread order, so results do not depend on timing. Buffers are per thread and reused.
 */
final class ConvGemm {
    /** Columns per GEMM to aim for: enough to amortise packing the weights. */
    static final int COLUMN_TARGET = 512;
    /** Largest column matrix (floats) a chunk may unfold to: 1 MiB, the L2 of one core here. */
    static final int COLUMN_BUDGET = 1 << 18;

    /** Per-thread scratch, grown on demand and then reused. */
    private static final class Buffers {
        float[] col = new float[0];   // (K, B·P)
        float[] rows = new float[0];  // (C_out, B·P): the chunk's output or output gradient

        float[] col(int size) { if (col.length < size) col = new float[size]; return col; }
        float[] rows(int size) { if (rows.length < size) rows = new float[size]; return rows; }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private ConvGemm() {}

    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        forward(g, x, w, bias, y, imagesPerGemm(g));
    }

    static void backwardData(ConvGeometry g, float[] gy, float[] w, float[] gx) {
        backwardData(g, gy, w, gx, imagesPerGemm(g));
    }

    static void backwardFilter(ConvGeometry g, float[] x, float[] gy, float[] gw) {
        backwardFilter(g, x, gy, gw, imagesPerGemm(g));
    }

    /**
     * Images unfolded into one column matrix: about {@value #COLUMN_TARGET} columns, within
     * {@value #COLUMN_BUDGET} floats, and at most {@code ceil(N / threads)} so that every thread gets a chunk.
     */
    static int imagesPerGemm(ConvGeometry g) {
        int p = g.outPlane();
        long k = (long) g.cInPerGroup() * Im2col.liveTaps(g).length;
        if (p >= COLUMN_TARGET) return 1;
        int b = (int) Math.max(1, Math.min(COLUMN_TARGET / p, COLUMN_BUDGET / (k * p)));
        int threads = CpuThreads.threads();
        if (threads > 1 && g.n() >= threads) b = Math.min(b, (g.n() + threads - 1) / threads);
        return Math.min(b, g.n());
    }

    // ---------------------------------------------------------------- forward

    /** Forward with {@code images} images per GEMM (package-private so tests can force any chunking). */
    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, int images) {
        int[] taps = Im2col.liveTaps(g);
        float[] wk = compactWeights(g, w, taps);                               // (C_out, C_in/g·taps)
        forEachChunk(g, images, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int n0 = c * images;
                forwardChunk(g, taps, images, x, wk, bias, y, n0, Math.min(images, g.n() - n0));
            }
        });
    }

    private static void forwardChunk(ConvGeometry g, int[] taps, int images, float[] x, float[] w, float[] bias,
                                     float[] y, int n0, int nb) {
        int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup(), K = cinG * taps.length, P = g.outPlane();
        int cols = nb * P;
        Buffers buf = BUFFERS.get();
        if (nb == 1) {
            float[] col = g.isPointwise() ? null : buf.col(K * P);
            for (int gr = 0; gr < g.groups(); gr++) {
                int xOff = (n0 * g.cIn() + gr * cinG) * g.inPlane();          // X_g (cinG, D, H, W)
                int yOff = (n0 * g.cOut() + gr * coutG) * P;                   // Y_g (coutG, P)
                float beta = 0f;
                if (bias != null) {
                    for (int co = 0; co < coutG; co++)
                        Arrays.fill(y, yOff + co * P, yOff + (co + 1) * P, bias[gr * coutG + co]);
                    beta = 1f;
                }
                float[] b = x;
                int bOff = xOff;
                if (col != null) {
                    unfoldChunk(g, taps, images, x, n0, 1, gr, col);           // (K, P)
                    b = col;
                    bOff = 0;
                }
                Sgemm.gemm(false, false, coutG, P, K, 1f, w, gr * coutG * K, K, b, bOff, P, beta, y, yOff, P);
            }
            return;
        }
        float[] col = buf.col(K * cols);                                        // (K, B·P)
        float[] out = buf.rows(g.cOut() * cols);                                // (C_out, B·P)
        for (int gr = 0; gr < g.groups(); gr++) {
            unfoldChunk(g, taps, images, x, n0, nb, gr, col);
            Sgemm.gemm(false, false, coutG, cols, K, 1f, w, gr * coutG * K, K, col, 0, cols,
                    0f, out, gr * coutG * cols, cols);
        }
        scatterRows(out, nb, g.cOut(), P, bias, y, n0 * g.cOut() * P);
    }

    /** {@code y[(i, co, p)] = rows[co, i·P + p] + bias[co]}: (C_out, B·P) → (B, C_out, P) from {@code yOff}. */
    private static void scatterRows(float[] rows, int nb, int cOut, int P, float[] bias, float[] y, int yOff) {
        int cols = nb * P;
        for (int i = 0; i < nb; i++)
            for (int co = 0; co < cOut; co++) {
                int s = co * cols + i * P, d = yOff + (i * cOut + co) * P;
                float bv = bias == null ? 0f : bias[co];
                for (int p = 0; p < P; p++) y[d + p] = rows[s + p] + bv;
            }
    }

    /** {@code rows[co, i·P + p] = gy[(n0 + i, co, p)]}: (B, C_out, P) → (C_out, B·P). */
    private static void gatherRows(float[] gy, int n0, int nb, int cOut, int P, float[] rows) {
        int cols = nb * P;
        for (int i = 0; i < nb; i++)
            for (int co = 0; co < cOut; co++) {
                int s = ((n0 + i) * cOut + co) * P, d = co * cols + i * P;
                for (int p = 0; p < P; p++) rows[d + p] = gy[s + p];
            }
    }

    // ---------------------------------------------------------------- backward data

    /** Backward data with {@code images} images per GEMM. */
    static void backwardData(ConvGeometry g, float[] gy, float[] w, float[] gx, int images) {
        int[] taps = Im2col.liveTaps(g);
        float[] wk = compactWeights(g, w, taps);                               // (C_out, C_in/g·taps)
        forEachChunk(g, images, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int n0 = c * images;
                backwardDataChunk(g, taps, images, gy, wk, gx, n0, Math.min(images, g.n() - n0));
            }
        });
    }

    private static void backwardDataChunk(ConvGeometry g, int[] taps, int images, float[] gy, float[] w, float[] gx,
                                          int n0, int nb) {
        int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup(), K = cinG * taps.length, P = g.outPlane();
        int cols = nb * P, imageLen = g.cIn() * g.inPlane();
        boolean direct = nb == 1 && g.isPointwise();                          // gX_g = W_gᵀ · gY_g, no folding
        if (!direct) Arrays.fill(gx, n0 * imageLen, (n0 + nb) * imageLen, 0f);
        Buffers buf = BUFFERS.get();
        float[] rows = gy;                                                      // gY (C_out, B·P)
        int rowsOff = n0 * g.cOut() * P;
        if (nb > 1) {
            rows = buf.rows(g.cOut() * cols);
            gatherRows(gy, n0, nb, g.cOut(), P, rows);
            rowsOff = 0;
        }
        float[] col = direct ? null : buf.col(K * cols);                      // (K, B·P)
        for (int gr = 0; gr < g.groups(); gr++) {
            int gyOff = rowsOff + gr * coutG * cols;                            // gY_g (coutG, B·P)
            if (direct) {
                int gxOff = (n0 * g.cIn() + gr * cinG) * g.inPlane();
                Sgemm.gemm(true, false, K, P, coutG, 1f, w, gr * coutG * K, K, rows, gyOff, P, 0f, gx, gxOff, P);
                continue;
            }
            Sgemm.gemm(true, false, K, cols, coutG, 1f, w, gr * coutG * K, K, rows, gyOff, cols, 0f, col, 0, cols);
            foldChunk(g, taps, images, col, n0, nb, gr, gx);
        }
    }

    // ---------------------------------------------------------------- backward filter

    /** Backward filter with {@code images} images per GEMM. */
    static void backwardFilter(ConvGeometry g, float[] x, float[] gy, float[] gw, int images) {
        int[] taps = Im2col.liveTaps(g);
        boolean pruned = taps.length < g.kernelVolume();
        int chunks = (g.n() + images - 1) / images;
        int parts = splitOverChunks(chunks) ? CpuThreads.threads() : 1;
        float[] total = pruned ? new float[g.cOut() * g.cInPerGroup() * taps.length] : gw;   // (C_out, C_in/g·taps)
        float[][] partial = new float[parts][];                                // (C_out, K) per part
        Arrays.fill(total, 0f);
        CpuThreads.parallelFor(0, parts, 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                float[] acc = t == 0 ? total : new float[total.length];
                int c0 = (int) ((long) chunks * t / parts), c1 = (int) ((long) chunks * (t + 1) / parts);
                for (int c = c0; c < c1; c++) {
                    int n0 = c * images;
                    backwardFilterChunk(g, taps, images, x, gy, acc, n0, Math.min(images, g.n() - n0));
                }
                partial[t] = acc;
            }
        });
        for (int t = 1; t < parts; t++) VectorMath.axpy(1f, partial[t], 0, total, 0, total.length);  // in part order
        if (pruned) expandWeights(g, total, taps, gw);
    }

    private static void backwardFilterChunk(ConvGeometry g, int[] taps, int images, float[] x, float[] gy, float[] acc,
                                            int n0, int nb) {
        int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup(), K = cinG * taps.length, P = g.outPlane();
        int cols = nb * P;
        Buffers buf = BUFFERS.get();
        float[] rows = gy;                                                      // gY (C_out, B·P)
        int rowsOff = n0 * g.cOut() * P;
        if (nb > 1) {
            rows = buf.rows(g.cOut() * cols);
            gatherRows(gy, n0, nb, g.cOut(), P, rows);
            rowsOff = 0;
        }
        boolean direct = nb == 1 && g.isPointwise();
        float[] col = direct ? null : buf.col(K * cols);                      // (K, B·P)
        for (int gr = 0; gr < g.groups(); gr++) {
            float[] b = x;
            int bOff = (n0 * g.cIn() + gr * cinG) * g.inPlane();
            if (!direct) {
                unfoldChunk(g, taps, images, x, n0, nb, gr, col);
                b = col;
                bOff = 0;
            }
            Sgemm.gemm(false, true, coutG, K, cols, 1f, rows, rowsOff + gr * coutG * cols, cols, b, bOff, cols,
                    1f, acc, gr * coutG * K, K);
        }
    }

    // ---------------------------------------------------------------- unfolding with live taps

    /** True when chunks are unfolded by {@link Im2col}'s row copies: every tap live and wide stride-1 rows. */
    private static boolean rowCopies(ConvGeometry g, int[] taps) {
        return taps.length == g.kernelVolume() && !Im2col.byTaps(g);
    }

    /** Group gr of images {@code [n0, n0 + nb)} into col (C_in/g·taps, nb·P), live taps only. */
    private static void unfoldChunk(ConvGeometry g, int[] taps, int images, float[] x, int n0, int nb, int gr, float[] col) {
        int cinG = g.cInPerGroup(), P = g.outPlane();
        if (rowCopies(g, taps)) {
            for (int i = 0; i < nb; i++)
                Im2col.im2col(g, x, ((n0 + i) * g.cIn() + gr * cinG) * g.inPlane(), cinG, col, i * P, nb * P);
        } else {
            ChunkUnfold.of(g, taps, images).unfold(x, (n0 * g.cIn() + gr * cinG) * g.inPlane(), nb, col);
        }
    }

    /** The adjoint of {@link #unfoldChunk}: adds col (C_in/g·taps, nb·P) back onto group gr of the nb images. */
    private static void foldChunk(ConvGeometry g, int[] taps, int images, float[] col, int n0, int nb, int gr, float[] gx) {
        int cinG = g.cInPerGroup(), P = g.outPlane();
        if (rowCopies(g, taps)) {
            for (int i = 0; i < nb; i++)
                Im2col.col2imAdd(g, col, i * P, nb * P, gx, ((n0 + i) * g.cIn() + gr * cinG) * g.inPlane(), cinG);
        } else {
            ChunkUnfold.of(g, taps, images).foldAdd(col, nb, gx, (n0 * g.cIn() + gr * cinG) * g.inPlane());
        }
    }

    /** w (C_out, C_in/g, kVol) restricted to the live taps: (C_out, C_in/g, taps); w itself when every tap is live. */
    private static float[] compactWeights(ConvGeometry g, float[] w, int[] taps) {
        int kVol = g.kernelVolume(), rows = g.cOut() * g.cInPerGroup();
        if (taps.length == kVol) return w;
        float[] wk = new float[rows * taps.length];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < taps.length; i++) wk[r * taps.length + i] = w[r * kVol + taps[i]];
        return wk;
    }

    /** The inverse of {@link #compactWeights} for a gradient: dead taps get exactly zero. */
    private static void expandWeights(ConvGeometry g, float[] gk, int[] taps, float[] gw) {
        int kVol = g.kernelVolume(), rows = g.cOut() * g.cInPerGroup();
        Arrays.fill(gw, 0f);
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < taps.length; i++) gw[r * kVol + taps[i]] = gk[r * taps.length + i];
    }

    // ---------------------------------------------------------------- scheduling

    /** Splits over chunks when every thread gets one; otherwise runs them in turn (the GEMM may split). */
    private static boolean splitOverChunks(int chunks) {
        return CpuThreads.threads() > 1 && chunks >= CpuThreads.threads();
    }

    private static void forEachChunk(ConvGeometry g, int images, CpuThreads.RangeTask task) {
        int chunks = (g.n() + images - 1) / images;
        if (splitOverChunks(chunks)) CpuThreads.parallelFor(0, chunks, 1, task);
        else task.run(0, chunks);
    }
}
