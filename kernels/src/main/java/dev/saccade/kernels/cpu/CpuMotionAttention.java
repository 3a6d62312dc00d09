package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * M2A's motion attention with its residual ({@link dev.saccade.tensor.ops.MotionAttention}) on contiguous float
 * y (N·T, r, H, W), per clip of T frames of E = r·H·W values, forward and backward.
 *
 * <p>Forward, three reads of y and one write of the output:
 * <ol>
 *   <li>per-frame mean and variance (Chan et al.'s pairwise combination of 1024-value chunks, in double);</li>
 *   <li>the T×T scores {@code m mᵀ} with ŷ and m = ŷ[t+1] − ŷ[t] formed in registers, a vector at a time (float
 *       lanes within a block of {@value #FLUSH} vectors, double across blocks), split over the threads by E;</li>
 *   <li>{@code A = softmax(scores/√E)} in double, then {@code y'[t] = Σ_s A[t,s]·m[s] + y[t]}, m formed again.</li>
 * </ol>
 * Backward (the formulas of {@code MotionAttention}'s class comment), four reads of y, two of g and one write:
 * steps 1 and 2 again (A as the forward had it), then one pass for the T×T products {@code g mᵀ}, {@code g ŷᵀ},
 * {@code m ŷᵀ} and the sums of g and m, from which everything else is T×T arithmetic in double — dm and dŷ are linear
 * in g and m per position, and layer norm's two means follow from those products — and one pass writing
 * {@code ∂L/∂y[u] = Σ_t α[u,t]·g[t] + Σ_t β[u,t]·m[t] + γ[u] + δ[u]·ŷ[u]}.
 *
 * <p>Neither ŷ, m, {@code A m} nor their gradients are stored. Reference: Gebotys et al., arXiv 2111.09976, §3;
 * Vaswani et al. 2017, Eq. 1; T. F. Chan, G. H. Golub, R. J. LeVeque, "Updating formulae and a pairwise algorithm
 * for computing sample variances" (1979).
 *
 * <pre>{@code
 * float[] out = new float[y.length], gy = new float[y.length];
 * CpuMotionAttention.forward(y, clips, 8, r * h * w, 1e-5, out);
 * CpuMotionAttention.backward(y, g, clips, 8, r * h * w, 1e-5, gy);      // g = ∂L/∂out
 * }</pre>
 */
final class CpuMotionAttention {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int L = V.length();
    /** Vectors summed in float lanes before the partial scores go to double. */
    static final int FLUSH = 64;
    private static final int CHUNK = 1024;
    /** Vectors of positions whose products the backward sums in registers before adding them to its partial sums. */
    static final int BLOCK = 16;

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

    /**
     * ∂L/∂y of {@link #forward} for ∂L/∂y' = g.
     *
     * @param y  (N·T, E) contiguous from 0, the forward's input
     * @param g  (N·T, E) contiguous from 0
     * @param gy (N·T, E), written
     */
    static void backward(float[] y, float[] g, int clips, int frames, int e, double eps, float[] gy) {
        int t = frames;
        double[] mean = new double[t], rstd = new double[t];
        float[] a = new float[t * t];
        for (int n = 0; n < clips; n++) {
            int base = n * t * e;
            CpuThreads.parallelFor(0, t, 1, (f0, f1) -> {
                for (int f = f0; f < f1; f++) stats(y, base + f * e, e, eps, mean, rstd, f);
            });
            softmax(scores(y, base, t, e, mean, rstd), t, 1 / Math.sqrt(e), a);   // A, the forward's floats
            float[] coefficients = gradientCoefficients(a, products(y, g, base, t, e, mean, rstd), t, e, rstd);
            int blocks = (e + L - 1) / L;
            CpuThreads.parallelFor(0, blocks, 256, (b0, b1) ->
                    gradient(y, g, base, t, e, mean, rstd, coefficients, b0 * L, Math.min(e, b1 * L), gy));
        }
    }

    /**
     * Over one clip, in double: {@code g mᵀ} at [0, T²), {@code g ŷᵀ} at [T², 2T²), {@code m ŷᵀ} at [2T², 3T²)
     * (row-major, row t the first factor's frame), Σ g[t] at [3T², 3T² + T) and Σ m[t] after it; split over the
     * threads by E as {@link #scores}.
     */
    private static double[] products(float[] y, float[] g, int base, int t, int e, double[] mean, double[] rstd) {
        int blocks = (e + L - 1) / L, parts = Math.max(1, Math.min(CpuThreads.threads(), blocks / 64));
        int size = 3 * t * t + 2 * t;
        double[][] partial = new double[parts][size];
        CpuThreads.parallelFor(0, parts, 1, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int e0 = (int) ((long) blocks * p / parts) * L, e1 = Math.min(e, (int) ((long) blocks * (p + 1) / parts) * L);
                productRange(y, g, base, t, e, mean, rstd, e0, e1, partial[p]);
            }
        });
        double[] sums = partial[0];
        for (int p = 1; p < parts; p++) for (int i = 0; i < size; i++) sums[i] += partial[p][i];
        return sums;
    }

    /**
     * Adds {@link #products}' sums over {@code [e0, e1)} to out: ŷ, m and g of {@value #BLOCK} vectors of positions
     * at a time go to (T, BLOCK·L) scratch, then each (p, q) pair's three products are summed over the block in
     * registers before they meet the float partial sums.
     */
    private static void productRange(float[] y, float[] g, int base, int t, int e, double[] mean, double[] rstd,
                                     int e0, int e1, double[] out) {
        float[] mu = floats(mean), rs = floats(rstd);
        int size = 3 * t * t + 2 * t, tt = t * t, row = BLOCK * L;
        float[] lanes = new float[size * L];                                 // (size, L) float partial sums
        float[] gv = new float[t * row], yh = new float[t * row], m = new float[t * row];
        int i = e0, vectors = 0;
        while (i + L <= e1) {
            int nv = Math.min(BLOCK, (e1 - i) / L), span = nv * L;
            stage(y, g, base, t, e, i, nv, mu, rs, yh, m, gv, row);
            for (int p = 0; p < t; p++) {
                int gp = p * row;
                for (int q = 0; q < t; q++) {
                    int yq = q * row;
                    FloatVector sp = FloatVector.zero(V), sq = FloatVector.zero(V), sn = FloatVector.zero(V);
                    for (int j = 0; j < span; j += L) {
                        FloatVector gj = FloatVector.fromArray(V, gv, gp + j), yj = FloatVector.fromArray(V, yh, yq + j);
                        sp = gj.fma(FloatVector.fromArray(V, m, yq + j), sp);
                        sq = gj.fma(yj, sq);
                        sn = FloatVector.fromArray(V, m, gp + j).fma(yj, sn);
                    }
                    addProducts(lanes, (p * t + q) * L, tt * L, sp, sq, sn);
                }
                FloatVector sg = FloatVector.zero(V), sm = FloatVector.zero(V);
                for (int j = 0; j < span; j += L) {
                    sg = sg.add(FloatVector.fromArray(V, gv, gp + j));
                    sm = sm.add(FloatVector.fromArray(V, m, gp + j));
                }
                int o = (3 * tt + p) * L;
                sg.add(FloatVector.fromArray(V, lanes, o)).intoArray(lanes, o);
                sm.add(FloatVector.fromArray(V, lanes, o + t * L)).intoArray(lanes, o + t * L);
            }
            i += span;
            vectors += nv;
            if (vectors >= FLUSH) { flushAll(lanes, size, out); vectors = 0; }
        }
        flushAll(lanes, size, out);
        double[] md = new double[t], yd = new double[t];
        for (; i < e1; i++) {                                                 // a scalar tail
            normedAndMotionScalar(y, base, t, e, i, mu, rs, yd, md);
            for (int p = 0; p < t; p++) {
                double gp = g[base + p * e + i];
                for (int q = 0; q < t; q++) {
                    out[p * t + q] += gp * md[q];
                    out[tt + p * t + q] += gp * yd[q];
                    out[2 * tt + p * t + q] += md[p] * yd[q];
                }
                out[3 * tt + p] += gp;
                out[3 * tt + t + p] += md[p];
            }
        }
    }

    /** ŷ, m and g of nv vectors of positions from i into (T, row) scratch, frame f's at {@code f·row}. */
    private static void stage(float[] y, float[] g, int base, int t, int e, int i, int nv, float[] mu, float[] rs,
                              float[] yh, float[] m, float[] gv, int row) {
        for (int v = 0; v < nv; v++) {
            normedAndMotion(y, base, t, e, i + v * L, mu, rs, yh, m, row, v * L);
            for (int f = 0; f < t; f++) FloatVector.fromArray(V, g, base + f * e + i + v * L).intoArray(gv, f * row + v * L);
        }
    }

    /** Adds the block's g mᵀ, g ŷᵀ and m ŷᵀ sums of one (p, q) pair to their float partial sums, {@code stride} apart. */
    private static void addProducts(float[] lanes, int o, int stride, FloatVector gm, FloatVector gy, FloatVector my) {
        gm.add(FloatVector.fromArray(V, lanes, o)).intoArray(lanes, o);
        gy.add(FloatVector.fromArray(V, lanes, o + stride)).intoArray(lanes, o + stride);
        my.add(FloatVector.fromArray(V, lanes, o + 2 * stride)).intoArray(lanes, o + 2 * stride);
    }

    private static void flushAll(float[] lanes, int size, double[] out) {
        for (int k = 0; k < size; k++) {
            int o = k * L;
            double s = 0;
            for (int j = 0; j < L; j++) { s += lanes[o + j]; lanes[o + j] = 0; }
            out[k] += s;
        }
    }

    /**
     * The per-clip coefficients of {@link #gradient}, as floats: α (T, T) at [0, T²) with the identity folded in,
     * β (T, T) at [T², 2T²), γ (T) and δ (T) after them. In double, from A (T, T) and {@link #products}' sums:
     * <pre>
     * dS = A ⊙ (P − rowsum(A ⊙ P)) / √E,  C = dS + dSᵀ                 P = g mᵀ
     * dm[s] = Σ_t A[t,s]·g[t] + Σ_t C[s,t]·m[t],  dŷ[u] = dm[u−1] − dm[u]
     *       → dŷ[u] = Σ_t a[u,t]·g[t] + Σ_t b[u,t]·m[t]
     * mean(dŷ[u])      = (Σ_t a[u,t]·Σg[t] + Σ_t b[u,t]·Σm[t]) / E
     * mean(dŷ[u]·ŷ[u]) = (Σ_t a[u,t]·(g ŷᵀ)[t,u] + Σ_t b[u,t]·(m ŷᵀ)[t,u]) / E
     * ∂L/∂y[u] = g[u] + rstd[u]·(dŷ[u] − mean(dŷ[u]) − ŷ[u]·mean(dŷ[u]·ŷ[u]))
     * </pre>
     */
    private static float[] gradientCoefficients(float[] a, double[] sums, int t, int e, double[] rstd) {
        int tt = t * t;
        double scale = 1 / Math.sqrt(e);
        double[] ds = new double[tt];
        for (int p = 0; p < t; p++) {
            double dot = 0;
            for (int q = 0; q < t; q++) dot += a[p * t + q] * sums[p * t + q];
            for (int q = 0; q < t; q++) ds[p * t + q] = a[p * t + q] * (sums[p * t + q] - dot) * scale;
        }
        float[] out = new float[2 * tt + 2 * t];
        for (int u = 0; u < t; u++) {
            double[] au = new double[t], bu = new double[t];
            for (int s = 0; s < t; s++) {                                    // Dᵀ: dŷ[u] = dm[u−1] − dm[u]
                au[s] = (u > 0 ? a[s * t + u - 1] : 0) - a[s * t + u];           // coefficient of g[s]
                bu[s] = (u > 0 ? ds[(u - 1) * t + s] + ds[s * t + u - 1] : 0) - (ds[u * t + s] + ds[s * t + u]);   // of m[s]
            }
            double mean1 = 0, mean2 = 0;
            for (int s = 0; s < t; s++) {
                mean1 += au[s] * sums[3 * tt + s] + bu[s] * sums[3 * tt + t + s];
                mean2 += au[s] * sums[tt + s * t + u] + bu[s] * sums[2 * tt + s * t + u];
            }
            mean1 /= e;
            mean2 /= e;
            for (int s = 0; s < t; s++) {
                out[u * t + s] = (float) (rstd[u] * au[s] + (s == u ? 1 : 0));
                out[tt + u * t + s] = (float) (rstd[u] * bu[s]);
            }
            out[2 * tt + u] = (float) (-rstd[u] * mean1);
            out[2 * tt + t + u] = (float) (-rstd[u] * mean2);
        }
        return out;
    }

    /**
     * {@code ∂L/∂y[u] = Σ_t α[u,t]·g[t] + Σ_t β[u,t]·m[t] + γ[u] + δ[u]·ŷ[u]} at positions {@code [e0, e1)}: ŷ, m and
     * g of {@value #BLOCK} vectors at a time in (T, BLOCK·L) scratch, then four output vectors of a frame at a time in
     * registers, each coefficient broadcast once for the four.
     */
    private static void gradient(float[] y, float[] g, int base, int t, int e, double[] mean, double[] rstd, float[] c,
                                 int e0, int e1, float[] gy) {
        float[] mu = floats(mean), rs = floats(rstd);
        int tt = t * t, row = BLOCK * L, i = e0;
        float[] gv = new float[t * row], yh = new float[t * row], m = new float[t * row];
        while (i + L <= e1) {
            int nv = Math.min(BLOCK, (e1 - i) / L), span = nv * L;
            stage(y, g, base, t, e, i, nv, mu, rs, yh, m, gv, row);
            for (int u = 0; u < t; u++) {
                FloatVector gamma = FloatVector.broadcast(V, c[2 * tt + u]), delta = FloatVector.broadcast(V, c[2 * tt + t + u]);
                int out = base + u * e + i, j = 0;
                for (; j + 4 * L <= span; j += 4 * L) {
                    int yu = u * row + j;
                    FloatVector a0 = FloatVector.fromArray(V, yh, yu).fma(delta, gamma);
                    FloatVector a1 = FloatVector.fromArray(V, yh, yu + L).fma(delta, gamma);
                    FloatVector a2 = FloatVector.fromArray(V, yh, yu + 2 * L).fma(delta, gamma);
                    FloatVector a3 = FloatVector.fromArray(V, yh, yu + 3 * L).fma(delta, gamma);
                    for (int k = 0; k < t; k++) {
                        FloatVector ca = FloatVector.broadcast(V, c[u * t + k]), cb = FloatVector.broadcast(V, c[tt + u * t + k]);
                        int o = k * row + j;
                        a0 = FloatVector.fromArray(V, m, o).fma(cb, FloatVector.fromArray(V, gv, o).fma(ca, a0));
                        a1 = FloatVector.fromArray(V, m, o + L).fma(cb, FloatVector.fromArray(V, gv, o + L).fma(ca, a1));
                        a2 = FloatVector.fromArray(V, m, o + 2 * L).fma(cb, FloatVector.fromArray(V, gv, o + 2 * L).fma(ca, a2));
                        a3 = FloatVector.fromArray(V, m, o + 3 * L).fma(cb, FloatVector.fromArray(V, gv, o + 3 * L).fma(ca, a3));
                    }
                    a0.intoArray(gy, out + j);
                    a1.intoArray(gy, out + j + L);
                    a2.intoArray(gy, out + j + 2 * L);
                    a3.intoArray(gy, out + j + 3 * L);
                }
                for (; j < span; j += L) {
                    FloatVector acc = FloatVector.fromArray(V, yh, u * row + j).fma(delta, gamma);
                    for (int k = 0; k < t; k++) {
                        int o = k * row + j;
                        acc = FloatVector.fromArray(V, m, o).fma(FloatVector.broadcast(V, c[tt + u * t + k]),
                                FloatVector.fromArray(V, gv, o).fma(FloatVector.broadcast(V, c[u * t + k]), acc));
                    }
                    acc.intoArray(gy, out + j);
                }
            }
            i += span;
        }
        double[] md = new double[t], yd = new double[t];
        for (; i < e1; i++) {
            normedAndMotionScalar(y, base, t, e, i, mu, rs, yd, md);
            for (int u = 0; u < t; u++) {
                float acc = Math.fma((float) yd[u], c[2 * tt + t + u], c[2 * tt + u]);
                for (int s = 0; s < t; s++) {
                    acc = Math.fma(g[base + s * e + i], c[u * t + s], acc);
                    acc = Math.fma((float) md[s], c[tt + u * t + s], acc);
                }
                gy[base + u * e + i] = acc;
            }
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

    /**
     * {@link #motion} that also keeps ŷ: ŷ[f] and m[f] at positions {@code [i, i + L)} into yh and m at
     * {@code f·stride + col}.
     */
    private static void normedAndMotion(float[] y, int base, int t, int e, int i, float[] mu, float[] rs, float[] yh,
                                        float[] m, int stride, int col) {
        FloatVector next = FloatVector.fromArray(V, y, base + (t - 1) * e + i).sub(mu[t - 1]).mul(rs[t - 1]);
        next.intoArray(yh, (t - 1) * stride + col);
        next.neg().intoArray(m, (t - 1) * stride + col);
        for (int f = t - 2; f >= 0; f--) {
            FloatVector cur = FloatVector.fromArray(V, y, base + f * e + i).sub(mu[f]).mul(rs[f]);
            cur.intoArray(yh, f * stride + col);
            next.sub(cur).intoArray(m, f * stride + col);
            next = cur;
        }
    }

    /** {@link #normedAndMotion} at one position, the same float arithmetic. */
    private static void normedAndMotionScalar(float[] y, int base, int t, int e, int i, float[] mu, float[] rs, double[] yh, double[] m) {
        float next = (y[base + (t - 1) * e + i] - mu[t - 1]) * rs[t - 1];
        yh[t - 1] = next;
        m[t - 1] = -next;
        for (int f = t - 2; f >= 0; f--) {
            float cur = (y[base + f * e + i] - mu[f]) * rs[f];
            yh[f] = cur;
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
