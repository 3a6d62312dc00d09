package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused forward and backward of training-mode batch normalisation on contiguous {@code (N, C, S)} float buffers
 * ({@code S} = the product of the spatial sizes). Backward: one read of (g, x̂) for the two sums and one pass that
 * writes gx, instead of one pass (and one new tensor) per elementwise op and reduction; forward: see
 * {@link #forward}. Reference: Ioffe &amp; Szegedy 2015, Alg. 1 and its
 * backward; <a href="https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm2d.html">torch.nn.BatchNorm2d</a>
 * (training mode). With {@code x̂ = (x − μ)·invStd}, {@code y = γ x̂ + β} and M = N·S:
 * <pre>
 *   gβ = Σ g,  gγ = Σ g x̂,  gx = γ·invStd/M · (M g − gβ − x̂ gγ)
 * </pre>
 * Channels are split over {@link CpuThreads}; each channel's sums run in one fixed order (float lanes within a
 * plane, double across planes), so results do not depend on timing. The scalar twins ({@code forwardScalar},
 * {@code backwardScalar}, in double) are the test oracles.
 *
 * <pre>{@code
 * CpuBatchNorm.forward(x, n, c, s, gamma, beta, 1e-5, y, xhat, mean, var, invStd);
 * CpuBatchNorm.backward(g, xhat, n, c, s, invStd, gamma, gx, gGamma, gBeta);
 * }</pre>
 */
final class CpuBatchNorm {
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();

    private CpuBatchNorm() {}

    /**
     * Forward in three reads of x per channel (Σx; Σ(x − μ)²; x̂ and y written together) instead of a pass and a new
     * tensor per op: {@code μ = Σx/M}, {@code σ² = Σ(x − μ)²/M} (biased), {@code invStd = 1/sqrt(σ² + ε)},
     * {@code x̂ = (x − μ)·invStd}, {@code y = γ x̂ + β}. Sums run in float lanes within a plane and in double across
     * planes, in one fixed order.
     *
     * @param x    input (N, C, S); gamma, beta (C) or null
     * @param y    (N, C, S) written (may be {@code xhat} itself when gamma and beta are both null)
     * @param xhat (N, C, S) written; mean, var, invStd (C) written
     */
    static void forward(float[] x, int n, int c, int s, float[] gamma, float[] beta, double eps,
                        float[] y, float[] xhat, float[] mean, float[] var, float[] invStd) {
        forward(x, n, c, s, gamma, beta, eps, false, y, xhat, mean, var, invStd);
    }

    /**
     * {@link #forward} with, when {@code relu}, {@code y = max(γ x̂ + β, 0)} written in the same pass (batch norm
     * followed by ReLU, as every ResNet block's first layer; y must then be its own buffer).
     */
    static void forward(float[] x, int n, int c, int s, float[] gamma, float[] beta, double eps, boolean relu,
                        float[] y, float[] xhat, float[] mean, float[] var, float[] invStd) {
        if (relu && y == xhat) throw new IllegalArgumentException("CpuBatchNorm.forward: with ReLU, y needs its own buffer");
        int count = n * s;
        CpuThreads.parallelFor(0, c, 1, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += sumOf(x, (i * c + ch) * s, s);
                float mu = (float) (sum / count);
                double squares = 0;
                for (int i = 0; i < n; i++) squares += sumOfSquares(x, (i * c + ch) * s, s, mu);
                float v = (float) (squares / count);
                float inv = (float) (1.0 / Math.sqrt(v + eps));
                mean[ch] = mu;
                var[ch] = v;
                invStd[ch] = inv;
                float scale = gamma == null ? 1f : gamma[ch], shift = beta == null ? 0f : beta[ch];
                for (int i = 0; i < n; i++) normalise(x, (i * c + ch) * s, s, mu, inv, scale, shift, y != xhat, relu, y, xhat);
            }
        });
    }

    /** {@code Σ x[off, off + len)}: float lanes, then double. */
    private static double sumOf(float[] x, int off, int len) {
        int i = 0, bound = F.loopBound(len);
        FloatVector acc = FloatVector.zero(F);
        for (; i < bound; i += L) acc = acc.add(FloatVector.fromArray(F, x, off + i));
        double sum = Simd.sumLanes(acc);
        for (; i < len; i++) sum += x[off + i];
        return sum;
    }

    /** {@code Σ (x − centre)²} over {@code [off, off + len)}: float lanes, then double. */
    private static double sumOfSquares(float[] x, int off, int len, float centre) {
        int i = 0, bound = F.loopBound(len);
        FloatVector acc = FloatVector.zero(F), m = FloatVector.broadcast(F, centre);
        for (; i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(F, x, off + i).sub(m);
            acc = acc.add(d.mul(d));
        }
        double sum = Simd.sumLanes(acc);
        for (; i < len; i++) { float d = x[off + i] - centre; sum += d * d; }
        return sum;
    }

    /** {@code xhat = (x − μ)·invStd}, and {@code y = γ·xhat + β} (or its ReLU) when y is a separate buffer. */
    private static void normalise(float[] x, int off, int len, float mu, float inv, float gamma, float beta,
                                  boolean writeY, boolean relu, float[] y, float[] xhat) {
        int i = 0, bound = F.loopBound(len);
        FloatVector vm = FloatVector.broadcast(F, mu), vi = FloatVector.broadcast(F, inv);
        FloatVector vg = FloatVector.broadcast(F, gamma), vb = FloatVector.broadcast(F, beta);
        for (; i < bound; i += L) {
            FloatVector h = FloatVector.fromArray(F, x, off + i).sub(vm).mul(vi);
            h.intoArray(xhat, off + i);
            if (writeY) {
                FloatVector v = h.mul(vg).add(vb);
                (relu ? VectorActivation.relu(v) : v).intoArray(y, off + i);
            }
        }
        for (; i < len; i++) {
            float h = (x[off + i] - mu) * inv;
            xhat[off + i] = h;
            if (writeY) y[off + i] = relu ? Math.max(h * gamma + beta, 0f) : h * gamma + beta;
        }
    }

    /**
     * @param g      upstream gradient (N, C, S)
     * @param xhat   the forward's x̂ (N, C, S); invStd (C); gamma (C) or null
     * @param gx     (N, C, S) written, or null when the input gradient is not needed
     * @param gGamma (C), gBeta (C): written
     */
    static void backward(float[] g, float[] xhat, int n, int c, int s, float[] invStd, float[] gamma,
                         float[] gx, float[] gGamma, float[] gBeta) {
        backward(g, xhat, n, c, s, invStd, gamma, null, false, gx, gGamma, gBeta);
    }

    /**
     * {@link #backward} of batch norm followed by ReLU when {@code relu}: the upstream gradient counts only where
     * the forward's output was positive, {@code γ x̂ + β > 0} recomputed from x̂ with the forward's arithmetic (so
     * the same positions as the forward's ReLU, bit for bit), in both sums and in gx; no masked copy of g is made.
     *
     * @param beta (C) or null, read only with relu
     */
    static void backward(float[] g, float[] xhat, int n, int c, int s, float[] invStd, float[] gamma, float[] beta,
                         boolean relu, float[] gx, float[] gGamma, float[] gBeta) {
        int count = n * s;
        CpuThreads.parallelFor(0, c, 1, (lo, hi) -> {
            double[] sums = new double[2];                                      // one plane's {Σ g', Σ g'·x̂}
            for (int ch = lo; ch < hi; ch++) {
                float scaleG = gamma == null ? 1f : gamma[ch], shiftB = beta == null ? 0f : beta[ch];
                double sg = 0, sgx = 0;
                for (int i = 0; i < n; i++) {
                    int off = (i * c + ch) * s;
                    if (relu) {
                        maskedSums(g, xhat, off, s, scaleG, shiftB, sums);
                        sg += sums[0];
                        sgx += sums[1];
                    } else {
                        sg += VectorMath.sum(g, off, s);
                        sgx += dot(g, xhat, off, s);
                    }
                }
                float gb = (float) sg, gg = (float) sgx;
                gBeta[ch] = gb;
                gGamma[ch] = gg;
                if (gx == null) continue;
                float scale = invStd[ch] / count * scaleG;
                for (int i = 0; i < n; i++) {
                    int off = (i * c + ch) * s;
                    if (relu) maskedInputGradient(g, xhat, off, s, count, gb, gg, scale, scaleG, shiftB, gx);
                    else inputGradient(g, xhat, off, s, count, gb, gg, scale, gx);
                }
            }
        });
    }

    /** {@code sums = {Σ g', Σ g'·x̂}} over one plane, {@code g' = g} where {@code γ x̂ + β > 0}, else 0: float lanes, then double. */
    private static void maskedSums(float[] g, float[] xhat, int off, int len, float gamma, float beta, double[] sums) {
        int i = 0, bound = F.loopBound(len);
        FloatVector vg = FloatVector.broadcast(F, gamma), vb = FloatVector.broadcast(F, beta), zero = FloatVector.zero(F);
        FloatVector sum = zero, dot = zero;
        for (; i < bound; i += L) {
            FloatVector h = FloatVector.fromArray(F, xhat, off + i);
            FloatVector gv = zero.blend(FloatVector.fromArray(F, g, off + i), h.mul(vg).add(vb).compare(VectorOperators.GT, 0f));
            sum = sum.add(gv);
            dot = gv.fma(h, dot);
        }
        double s = Simd.sumLanes(sum), d = Simd.sumLanes(dot);
        for (; i < len; i++) {
            float h = xhat[off + i], gv = h * gamma + beta > 0f ? g[off + i] : 0f;
            s += gv;
            d += gv * h;
        }
        sums[0] = s;
        sums[1] = d;
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

    /** {@link #inputGradient} of the ReLU-masked gradient: {@code gx = scale·(M·g' − gb − xhat·gg)}. */
    private static void maskedInputGradient(float[] g, float[] xhat, int off, int len, int m, float gb, float gg,
                                            float scale, float gamma, float beta, float[] gx) {
        int i = 0, bound = F.loopBound(len);
        FloatVector vm = FloatVector.broadcast(F, (float) m), vb = FloatVector.broadcast(F, gb);
        FloatVector vg = FloatVector.broadcast(F, gg), vs = FloatVector.broadcast(F, scale);
        FloatVector wg = FloatVector.broadcast(F, gamma), wb = FloatVector.broadcast(F, beta), zero = FloatVector.zero(F);
        for (; i < bound; i += L) {
            FloatVector h = FloatVector.fromArray(F, xhat, off + i);
            FloatVector gv = zero.blend(FloatVector.fromArray(F, g, off + i), h.mul(wg).add(wb).compare(VectorOperators.GT, 0f));
            gv.mul(vm).sub(vb).sub(h.mul(vg)).mul(vs).intoArray(gx, off + i);
        }
        for (; i < len; i++) {
            float h = xhat[off + i], gv = h * gamma + beta > 0f ? g[off + i] : 0f;
            gx[off + i] = (gv * m - gb - h * gg) * scale;
        }
    }

    // ---------------------------------------------------------------- scalar twins (double)

    /** Scalar twin of {@link #forward}, in double. */
    static void forwardScalar(float[] x, int n, int c, int s, float[] gamma, float[] beta, double eps,
                              float[] y, float[] xhat, float[] mean, float[] var, float[] invStd) {
        int m = n * s;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0, squares = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sum += x[(i * c + ch) * s + j];
            double mu = sum / m;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) { double d = x[(i * c + ch) * s + j] - mu; squares += d * d; }
            double v = squares / m, inv = 1 / Math.sqrt(v + eps);
            mean[ch] = (float) mu;
            var[ch] = (float) v;
            invStd[ch] = (float) inv;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    double h = (x[k] - mu) * inv;
                    xhat[k] = (float) h;
                    y[k] = (float) (h * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]));
                }
        }
    }

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

    /** Scalar twin of the ReLU form of {@link #forward}: {@link #forwardScalar}, then y = max(y, 0). */
    static void forwardReluScalar(float[] x, int n, int c, int s, float[] gamma, float[] beta, double eps,
                                  float[] y, float[] xhat, float[] mean, float[] var, float[] invStd) {
        forwardScalar(x, n, c, s, gamma, beta, eps, y, xhat, mean, var, invStd);
        for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0f);
    }

    /**
     * Scalar twin of the ReLU form of {@link #backward}: g masked where {@code γ x̂ + β ≤ 0} (in float, as the
     * forward rounds it), then {@link #backwardScalar}.
     */
    static void backwardReluScalar(float[] g, float[] xhat, int n, int c, int s, float[] invStd, float[] gamma,
                                   float[] beta, float[] gx, float[] gGamma, float[] gBeta) {
        float[] masked = new float[g.length];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    float y = xhat[k] * (gamma == null ? 1f : gamma[ch]) + (beta == null ? 0f : beta[ch]);
                    masked[k] = y > 0f ? g[k] : 0f;
                }
        backwardScalar(masked, xhat, n, c, s, invStd, gamma, gx, gGamma, gBeta);
    }
}
