package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;

/**
 * Convolution weights packed once into the A micro-panel order of {@link GemmMicroKernel}, for the life of a model:
 * per group, {@code ceil(C_out/g / MR)} panels of {@code (K, MR)} with {@code K = C_in/g·kD·kH·kW}, rows past
 * {@code C_out/g} zero. Panel q of group gr holds {@code panels[(gr·Q + q)·MR·K + p·MR + r] = w[gr·C_out/g + q·MR + r, p]},
 * so a KC-block {@code [pc, pc + kc)} of a panel starts at {@link #panel}{@code (gr, q) + pc·MR}: the GEMM streams it
 * as it is, with no per-call packing of A (ONNX Runtime's pre-packed weights; Goto and van de Geijn 2008, §5).
 * Subnormal weights are flushed to zero (the JVM cannot set FTZ/DAZ; a few subnormal products slow a whole tile).
 *
 * <pre>{@code
 * PackedConvWeights pw = PackedConvWeights.pack(w, bias, cOut, groups, cInPerGroup * kVol, false);
 * }</pre>
 */
public final class PackedConvWeights {
    private final int cOut, groups, k;
    private final boolean depthwise;
    private final float[] panels;   // (groups, Q, K, MR); for a depthwise convolution the plain (C, kVol) weights
    private final float[] bias;     // (C_out) or null
    private volatile WinogradWeights winograd;   // made on first use by a 3×3 layer WinogradConv runs

    private PackedConvWeights(int cOut, int groups, int k, boolean depthwise, float[] panels, float[] bias) {
        this.cOut = cOut;
        this.groups = groups;
        this.k = k;
        this.depthwise = depthwise;
        this.panels = panels;
        this.bias = bias;
    }

    /**
     * @param w    (C_out, K) row-major: a convolution weight (C_out, C_in/g, *kernel) flattened
     * @param bias (C_out) or null; copied
     * @param k    K = C_in/g·kD·kH·kW, the row length of w
     * @param depthwise one input and one output channel per group: the direct kernel reads w as it is (flushed)
     */
    public static PackedConvWeights pack(float[] w, float[] bias, int cOut, int groups, int k, boolean depthwise) {
        if (cOut <= 0 || groups <= 0 || k <= 0 || cOut % groups != 0) {
            throw new IllegalArgumentException("PackedConvWeights: C_out=" + cOut + ", groups=" + groups + ", K=" + k);
        }
        if (w.length != cOut * k) {
            throw new IllegalArgumentException("PackedConvWeights: weight has " + w.length + " elements, (C_out, K) = ("
                    + cOut + ", " + k + ") needs " + (long) cOut * k);
        }
        if (bias != null && bias.length != cOut) {
            throw new IllegalArgumentException("PackedConvWeights: bias has " + bias.length + " elements, C_out = " + cOut);
        }
        float[] b = bias == null ? null : bias.clone();
        if (depthwise) {
            if (groups != cOut) throw new IllegalArgumentException("PackedConvWeights: depthwise needs groups = C_out, got " + groups + " and " + cOut);
            float[] plain = new float[w.length];
            for (int i = 0; i < w.length; i++) plain[i] = flushSubnormal(w[i]);
            return new PackedConvWeights(cOut, groups, k, true, plain, b);
        }
        int coutG = cOut / groups, q = panelsPerGroup(coutG);
        float[] panels = new float[groups * q * MR * k];
        for (int gr = 0; gr < groups; gr++)
            for (int pq = 0; pq < q; pq++) {
                int base = (gr * q + pq) * MR * k;
                for (int r = 0; r < MR; r++) {
                    int row = pq * MR + r;
                    if (row >= coutG) continue;                                   // zero padding rows
                    int src = (gr * coutG + row) * k;
                    for (int p = 0; p < k; p++) panels[base + p * MR + r] = flushSubnormal(w[src + p]);
                }
            }
        return new PackedConvWeights(cOut, groups, k, false, panels, b);
    }

    private static float flushSubnormal(float v) { return Math.abs(v) < Float.MIN_NORMAL ? 0f : v; }

    static int panelsPerGroup(int coutG) { return (coutG + MR - 1) / MR; }

    public int cOut() { return cOut; }
    public int groups() { return groups; }
    /** The shared dimension K = C_in/g·kD·kH·kW. */
    public int k() { return k; }
    /** The bias (C_out), or null. */
    float[] bias() { return bias; }
    float[] panels() { return panels; }
    /** Whether the weights are kept plain for the direct depthwise kernel. */
    public boolean isDepthwise() { return depthwise; }
    /** The plain (C, kVol) weights of a depthwise convolution. */
    float[] plain() {
        if (!depthwise) throw new IllegalStateException("PackedConvWeights: not packed for a depthwise convolution");
        return panels;
    }

    /** Offset of panel q (rows {@code [q·MR, q·MR + MR)} of the group) of group gr. */
    int panel(int gr, int q) { return (gr * panelsPerGroup(cOut / groups) + q) * MR * k; }

    /**
     * The same weights transformed for {@link WinogradConv}, made from {@code plain} (C_out, C_in, 3, 3) the first
     * time a call needs them and kept (two threads racing both make the same, immutable result).
     */
    WinogradWeights winograd(java.util.function.Supplier<float[]> plain) {
        WinogradWeights u = winograd;
        if (u == null) winograd = u = WinogradWeights.transform(plain.get(), bias, cOut, k / 9);
        return u;
    }

    /** Bytes held (the packed panels, the bias, and the Winograd transform once made). */
    public long bytes() {
        WinogradWeights u = winograd;
        return 4L * (panels.length + (bias == null ? 0 : bias.length)) + (u == null ? 0 : u.bytes());
    }
}
