package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused backward of training-mode batch normalisation on contiguous {@code (N, C, S)} float buffers ({@code S} = the
 * product of the spatial sizes): one read of (g, x̂) for the two sums and one pass that writes gx, instead of one pass
 * (and one new tensor) per elementwise op and reduction. Reference: Ioffe &amp; Szegedy 2015, Alg. 1 and its
 * backward; <a href="https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm2d.html">torch.nn.BatchNorm2d</a>
 * (training mode). With {@code x̂ = (x − μ)·invStd}, {@code y = γ x̂ + β} and M = N·S:
 * <pre>
 *   gβ = Σ g,  gγ = Σ g x̂,  gx = γ·invStd/M · (M g − gβ − x̂ gγ)
 * </pre>
 * Channels are split over {@link CpuThreads}; each channel's sums run in one fixed order (float lanes within a
 * plane, double across planes), so results do not depend on timing. The scalar twin ({@code backwardScalar}, in
 * double) is the test oracle.
 *
 * <pre>{@code
 * CpuBatchNorm.backward(g, xhat, n, c, s, invStd, gamma, gx, gGamma, gBeta);
 * }</pre>
 */
final class CpuBatchNorm {
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();

    private CpuBatchNorm() {}

    /**
     * @param g      upstream gradient (N, C, S)
     * @param xhat   the forward's x̂ (N, C, S); invStd (C); gamma (C) or null
     * @param gx     (N, C, S) written, or null when the input gradient is not needed
     * @param gGamma (C), gBeta (C): written
     */
    static void backward(float[] g, float[] xhat, int n, int c, int s, float[] invStd, float[] gamma,
                         float[] gx, float[] gGamma, float[] gBeta) {
        int count = n * s;
        CpuThreads.parallelFor(0, c, 1, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double sg = 0, sgx = 0;
                for (int i = 0; i < n; i++) {
                    int off = (i * c + ch) * s;
                    sg += VectorMath.sum(g, off, s);
                    sgx += dot(g, xhat, off, s);
                }
                float gb = (float) sg, gg = (float) sgx;
                gBeta[ch] = gb;
                gGamma[ch] = gg;
                if (gx == null) continue;
                float scale = invStd[ch] / count * (gamma == null ? 1f : gamma[ch]);
                for (int i = 0; i < n; i++) inputGradient(g, xhat, (i * c + ch) * s, s, count, gb, gg, scale, gx);
            }
        });
    }

    /** {@code Σ a[off + i] · b[off + i]} for {@code i < len}. */
    private static float dot(float[] a, float[] b, int off, int len) {
        FloatVector acc = VectorMath.dotInto(FloatVector.zero(F), a, off, b, off, len);
        return Simd.sumLanes(acc) + VectorMath.dotTail(a, off, b, off, len);
    }

    /** {@code gx = scale·(M·g − gb − xhat·gg)}. */
    private static void inputGradient(float[] g, float[] xhat, int off, int len, int m, float gb, float gg,
                                      float scale, float[] gx) {
        int i = 0, bound = F.loopBound(len);
        FloatVector vm = FloatVector.broadcast(F, (float) m), vb = FloatVector.broadcast(F, gb);
        FloatVector vg = FloatVector.broadcast(F, gg), vs = FloatVector.broadcast(F, scale);
        for (; i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(F, g, off + i), h = FloatVector.fromArray(F, xhat, off + i);
            gv.mul(vm).sub(vb).sub(h.mul(vg)).mul(vs).intoArray(gx, off + i);
        }
        for (; i < len; i++) gx[off + i] = (g[off + i] * m - gb - xhat[off + i] * gg) * scale;
    }

    // ---------------------------------------------------------------- scalar twins (double)

    /** Scalar twin of {@link #backward}, in double. */
    static void backwardScalar(float[] g, float[] xhat, int n, int c, int s, float[] invStd, float[] gamma,
                               float[] gx, float[] gGamma, float[] gBeta) {
        int m = n * s;
        for (int ch = 0; ch < c; ch++) {
            double sg = 0, sgx = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++) { int k = (i * c + ch) * s + j; sg += g[k]; sgx += (double) g[k] * xhat[k]; }
            gBeta[ch] = (float) sg;
            gGamma[ch] = (float) sgx;
            if (gx == null) continue;
            double scale = (double) invStd[ch] / m * (gamma == null ? 1 : gamma[ch]);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    gx[k] = (float) ((g[k] * (double) m - sg - xhat[k] * sgx) * scale);
                }
        }
    }
}
