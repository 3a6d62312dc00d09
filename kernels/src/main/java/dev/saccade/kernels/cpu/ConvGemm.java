package dev.saccade.kernels.cpu;

import java.util.Arrays;

/**
 * Convolution as matrix products, per image and per group (Chellapilla et al. 2006, "High Performance Convolutional
 * Neural Networks for Document Processing"; Caffe's {@code BaseConvolutionLayer}). With {@code K = C_in/groups·kD·kH·kW}
 * and {@code P = oD·oH·oW}, for image n and group g:
 * <pre>
 *   forward:         Y_g (C_out/g, P)  = W_g (C_out/g, K) · col(X_g) (K, P)          [+ b]
 *   backward data:   col (K, P)        = W_gᵀ · gY_g,  gX_g = col2im(col)
 *   backward filter: gW_g (C_out/g, K) += gY_g (C_out/g, P) · col(X_g)ᵀ               summed over n
 * </pre>
 * A 1×1 stride-1 unpadded convolution needs no unfolding: {@code col(X_g) = X_g}. Work is split over the batch when
 * there are at least as many images as threads; otherwise images run in turn and {@link Sgemm} may split each
 * product. Column buffers are per thread and reused across calls. The filter gradient's per-thread partial sums
 * are added in image order, never in the order threads finish, so the result depends only on the inputs and the
 * thread count.
 */
final class ConvGemm {
    private static final ThreadLocal<float[]> COLUMNS = ThreadLocal.withInitial(() -> new float[0]);

    private ConvGemm() {}

    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        forEachImage(g, (lo, hi) -> {
            int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup(), K = cinG * g.kernelVolume(), P = g.outPlane();
            boolean pointwise = g.isPointwise();
            float[] col = pointwise ? null : columns(K * P);
            for (int n = lo; n < hi; n++)
                for (int gr = 0; gr < g.groups(); gr++) {
                    int xOff = (n * g.cIn() + gr * cinG) * g.inPlane();           // X_g (cinG, D, H, W)
                    int yOff = (n * g.cOut() + gr * coutG) * P;                    // Y_g (coutG, P)
                    float beta = 0f;
                    if (bias != null) {
                        for (int co = 0; co < coutG; co++)
                            Arrays.fill(y, yOff + co * P, yOff + (co + 1) * P, bias[gr * coutG + co]);
                        beta = 1f;
                    }
                    float[] b = x;
                    int bOff = xOff;
                    if (!pointwise) {
                        Im2col.im2col(g, x, xOff, cinG, col);                      // (K, P)
                        b = col;
                        bOff = 0;
                    }
                    Sgemm.gemm(false, false, coutG, P, K, 1f, w, gr * coutG * K, K, b, bOff, P, beta, y, yOff, P);
                }
        });
    }

    static void backwardData(ConvGeometry g, float[] gy, float[] w, float[] gx) {
        forEachImage(g, (lo, hi) -> {
            int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup(), K = cinG * g.kernelVolume(), P = g.outPlane();
            boolean pointwise = g.isPointwise();
            float[] col = pointwise ? null : columns(K * P);
            for (int n = lo; n < hi; n++) {
                int imageOff = n * g.cIn() * g.inPlane();
                if (!pointwise) Arrays.fill(gx, imageOff, imageOff + g.cIn() * g.inPlane(), 0f);
                for (int gr = 0; gr < g.groups(); gr++) {
                    int gxOff = (n * g.cIn() + gr * cinG) * g.inPlane();           // gX_g (cinG, D, H, W)
                    int gyOff = (n * g.cOut() + gr * coutG) * P;                   // gY_g (coutG, P)
                    if (pointwise) {
                        Sgemm.gemm(true, false, K, P, coutG, 1f, w, gr * coutG * K, K, gy, gyOff, P, 0f, gx, gxOff, P);
                    } else {
                        Sgemm.gemm(true, false, K, P, coutG, 1f, w, gr * coutG * K, K, gy, gyOff, P, 0f, col, 0, P);
                        Im2col.col2imAdd(g, col, gx, gxOff, cinG);
                    }
                }
            }
        });
    }

    static void backwardFilter(ConvGeometry g, float[] x, float[] gy, float[] gw) {
        int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup(), K = cinG * g.kernelVolume(), P = g.outPlane();
        boolean pointwise = g.isPointwise();
        boolean split = splitOverBatch(g);
        float[][] partials = new float[split ? g.n() : 0][];                      // partial of the chunk starting at n
        Arrays.fill(gw, 0f);
        CpuThreads.RangeTask task = (lo, hi) -> {
            float[] acc = split ? new float[gw.length] : gw;                       // (C_out, K) partial over [lo, hi)
            float[] col = pointwise ? null : columns(K * P);
            for (int n = lo; n < hi; n++)
                for (int gr = 0; gr < g.groups(); gr++) {
                    int xOff = (n * g.cIn() + gr * cinG) * g.inPlane();
                    int gyOff = (n * g.cOut() + gr * coutG) * P;
                    float[] b = x;
                    int bOff = xOff;
                    if (!pointwise) {
                        Im2col.im2col(g, x, xOff, cinG, col);
                        b = col;
                        bOff = 0;
                    }
                    Sgemm.gemm(false, true, coutG, K, P, 1f, gy, gyOff, P, b, bOff, P, 1f, acc, gr * coutG * K, K);
                }
            if (split) partials[lo] = acc;
        };
        if (split) CpuThreads.parallelFor(0, g.n(), 1, task);
        else task.run(0, g.n());
        for (float[] p : partials) if (p != null) VectorMath.axpy(1f, p, 0, gw, 0, gw.length); // chunk order
    }

    /** Splits over images when every thread gets one; otherwise runs them in turn (the GEMM may split). */
    private static boolean splitOverBatch(ConvGeometry g) {
        return CpuThreads.threads() > 1 && g.n() >= CpuThreads.threads();
    }

    private static void forEachImage(ConvGeometry g, CpuThreads.RangeTask task) {
        if (splitOverBatch(g)) CpuThreads.parallelFor(0, g.n(), 1, task);
        else task.run(0, g.n());
    }

    /** This thread's column buffer, grown to at least {@code length}. */
    private static float[] columns(int length) {
        float[] c = COLUMNS.get();
        if (c.length < length) {
            c = new float[length];
            COLUMNS.set(c);
        }
        return c;
    }
}
