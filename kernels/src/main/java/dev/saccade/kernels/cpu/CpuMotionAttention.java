package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * M2A's motion attention with its residual ({@link dev.saccade.tensor.ops.MotionAttention}) on contiguous float
 * y (N·T, r, H, W), per clip of T frames of E = r·H·W values, in three reads of y and one write of the output:
 * <ol>
 *   <li>per-frame mean and variance (Chan et al.'s pairwise combination of 1024-value chunks, in double);</li>
 *   <li>the T×T scores {@code m mᵀ} with ŷ and m = ŷ[t+1] − ŷ[t] formed in registers, a vector at a time (float
 *       lanes within a block of {@value #FLUSH} vectors, double across blocks), split over the threads by E;</li>
 *   <li>{@code A = softmax(scores/√E)} in double, then {@code y'[t] = Σ_s A[t,s]·m[s] + y[t]}, m formed again.</li>
 * </ol>
 * Neither ŷ, m nor {@code A m} is stored. Reference: Gebotys et al., arXiv 2111.09976, §3; Vaswani et al. 2017,
 * Eq. 1; T. F. Chan, G. H. Golub, R. J. LeVeque, "Updating formulae and a pairwise algorithm for computing sample
 * variances" (1979).
 *
 * <pre>{@code
 * float[] out = new float[y.length];
 * CpuMotionAttention.forward(y, clips, 8, r * h * w, 1e-5, out);
 * }</pre>
 */
final class CpuMotionAttention {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int L = V.length();
    /** Vectors summed in float lanes before the partial scores go to double. */
    static final int FLUSH = 64;
    private static final int CHUNK = 1024;

    private CpuMotionAttention() {}

    /**
     * @param y   (N·T, E) contiguous from 0
     * @param out (N·T, E), written
     */
    static void forward(float[] y, int clips, int frames, int e, double eps, float[] out) {
        int t = frames;
        double[] mean = new double[t], rstd = new double[t];
        float[] a = new float[t * t];                                       // (T, T) attention weights
        for (int n = 0; n < clips; n++) {
            int base = n * t * e;
            CpuThreads.parallelFor(0, t, 1, (f0, f1) -> {
                for (int f = f0; f < f1; f++) stats(y, base + f * e, e, eps, mean, rstd, f);
            });
            double[] scores = scores(y, base, t, e, mean, rstd);
            softmax(scores, t, 1 / Math.sqrt(e), a);
            int blocks = (e + L - 1) / L;
            CpuThreads.parallelFor(0, blocks, 256, (b0, b1) -> output(y, base, t, e, mean, rstd, a, b0 * L, Math.min(e, b1 * L), out));
        }
    }

    /** Mean and 1/√(var + ε) of {@code y[off, off + e)}, biased variance, as {@code torch.layer_norm}. */
    private static void stats(float[] y, int off, int e, double eps, double[] mean, double[] rstd, int f) {
        double mu = 0, m2 = 0;
        long count = 0;
        for (int c0 = 0; c0 < e; c0 += CHUNK) {
            int len = Math.min(CHUNK, e - c0), i = 0;
            FloatVector s = FloatVector.zero(V);
            for (; i + L <= len; i += L) s = s.add(FloatVector.fromArray(V, y, off + c0 + i));
            double sum = 0;
            for (int j = 0; j < L; j++) sum += s.lane(j);
            for (; i < len; i++) sum += y[off + c0 + i];
            double cm = sum / len;
            FloatVector vm = FloatVector.broadcast(V, (float) cm), q = FloatVector.zero(V);
            for (i = 0; i + L <= len; i += L) {
                FloatVector d = FloatVector.fromArray(V, y, off + c0 + i).sub(vm);
                q = d.fma(d, q);
            }
            double cq = 0;
            for (int j = 0; j < L; j++) cq += q.lane(j);
            for (; i < len; i++) { double d = y[off + c0 + i] - (float) cm; cq += d * d; }
            double shift = cm - (float) cm;                      // Σ(y − cm)² from Σ(y − (float) cm)²
            cq -= len * shift * shift;
            long total = count + len;
            double delta = cm - mu;
            mu += delta * len / total;
            m2 += cq + delta * delta * count * len / total;
            count = total;
        }
        mean[f] = mu;
        rstd[f] = 1 / Math.sqrt(Math.max(0, m2 / e) + eps);
    }

    /** {@code m mᵀ} (T, T) in double, m formed from y, mean, rstd; split over the threads by E. */
    private static double[] scores(float[] y, int base, int t, int e, double[] mean, double[] rstd) {
        int blocks = (e + L - 1) / L, parts = Math.max(1, Math.min(CpuThreads.threads(), blocks / 64));
        double[][] partial = new double[parts][t * t];
        CpuThreads.parallelFor(0, parts, 1, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int e0 = (int) ((long) blocks * p / parts) * L, e1 = Math.min(e, (int) ((long) blocks * (p + 1) / parts) * L);
                scoreRange(y, base, t, e, mean, rstd, e0, e1, partial[p]);
            }
        });
        double[] g = partial[0];
        for (int p = 1; p < parts; p++) for (int i = 0; i < g.length; i++) g[i] += partial[p][i];
        for (int i = 0; i < t; i++) for (int j = 0; j < i; j++) g[j * t + i] = g[i * t + j];   // symmetric
        return g;
    }

    /** Adds {@code Σ m[i]·m[j]} over {@code [e0, e1)} to g[i·T + j], j ≤ i. */
    private static void scoreRange(float[] y, int base, int t, int e, double[] mean, double[] rstd, int e0, int e1, double[] g) {
        float[] mu = floats(mean), rs = floats(rstd);
        float[] lanes = new float[t * t * L];                            // (T·T, L) float partial sums
        float[] m = new float[t * L];                                    // (T, L) the motion at one vector of positions
        int i = e0, vectors = 0;
        for (; i + L <= e1; i += L) {
            motion(y, base, t, e, i, mu, rs, m);
            for (int p = 0; p < t; p++) {
                FloatVector mp = FloatVector.fromArray(V, m, p * L);
                for (int q = 0; q <= p; q++) {
                    int o = (p * t + q) * L;
                    mp.fma(FloatVector.fromArray(V, m, q * L), FloatVector.fromArray(V, lanes, o)).intoArray(lanes, o);
                }
            }
            if (++vectors == FLUSH) { flush(lanes, t, g); vectors = 0; }
        }
        flush(lanes, t, g);
        double[] md = new double[t];
        for (; i < e1; i++) {                                                 // a scalar tail
            motionScalar(y, base, t, e, i, mu, rs, md);
            for (int p = 0; p < t; p++) for (int q = 0; q <= p; q++) g[p * t + q] += md[p] * md[q];
        }
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static void flush(float[] lanes, int t, double[] g) {
        for (int p = 0; p < t; p++)
            for (int q = 0; q <= p; q++) {
                int o = (p * t + q) * L;
                double s = 0;
                for (int j = 0; j < L; j++) { s += lanes[o + j]; lanes[o + j] = 0; }
                g[p * t + q] += s;
            }
    }

    /** m[f] at positions {@code [i, i + L)} into row f of m (T, L): ŷ[f+1] − ŷ[f], the last −ŷ[T−1]; ŷ = (y − μ)·rstd. */
    private static void motion(float[] y, int base, int t, int e, int i, float[] mu, float[] rs, float[] m) {
        FloatVector next = FloatVector.fromArray(V, y, base + (t - 1) * e + i).sub(mu[t - 1]).mul(rs[t - 1]);
        next.neg().intoArray(m, (t - 1) * L);
        for (int f = t - 2; f >= 0; f--) {
            FloatVector cur = FloatVector.fromArray(V, y, base + f * e + i).sub(mu[f]).mul(rs[f]);
            next.sub(cur).intoArray(m, f * L);
            next = cur;
        }
    }

    /** {@link #motion} at one position, the same float arithmetic. */
    private static void motionScalar(float[] y, int base, int t, int e, int i, float[] mu, float[] rs, double[] m) {
        float next = (y[base + (t - 1) * e + i] - mu[t - 1]) * rs[t - 1];
        m[t - 1] = -next;
        for (int f = t - 2; f >= 0; f--) {
            float cur = (y[base + f * e + i] - mu[f]) * rs[f];
            m[f] = next - cur;
            next = cur;
        }
    }

    /** Row-wise softmax of {@code scale·scores} (T, T) in double, into a as floats. */
    private static void softmax(double[] scores, int t, double scale, float[] a) {
        for (int i = 0; i < t; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < t; j++) max = Math.max(max, scores[i * t + j] * scale);
            double[] ex = new double[t];
            for (int j = 0; j < t; j++) sum += ex[j] = Math.exp(scores[i * t + j] * scale - max);
            for (int j = 0; j < t; j++) a[i * t + j] = (float) (ex[j] / sum);
        }
    }

    /** {@code out[f] = Σ_s a[f, s]·m[s] + y[f]} at positions {@code [e0, e1)} of every frame f. */
    private static void output(float[] y, int base, int t, int e, double[] mean, double[] rstd, float[] a, int e0, int e1, float[] out) {
        float[] mu = floats(mean), rs = floats(rstd), m = new float[t * L];
        int i = e0;
        for (; i + L <= e1; i += L) {
            motion(y, base, t, e, i, mu, rs, m);
            for (int f = 0; f < t; f++) {
                int o = base + f * e + i;
                FloatVector acc = FloatVector.zero(V);
                for (int s = 0; s < t; s++) acc = FloatVector.fromArray(V, m, s * L).fma(FloatVector.broadcast(V, a[f * t + s]), acc);
                acc.add(FloatVector.fromArray(V, y, o)).intoArray(out, o);
            }
        }
        double[] md = new double[t];
        for (; i < e1; i++) {
            motionScalar(y, base, t, e, i, mu, rs, md);
            for (int f = 0; f < t; f++) {
                float acc = 0;
                for (int s = 0; s < t; s++) acc = Math.fma((float) md[s], a[f * t + s], acc);
                out[base + f * e + i] = acc + y[base + f * e + i];
            }
        }
    }
}
