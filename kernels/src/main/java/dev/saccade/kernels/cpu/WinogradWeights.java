package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;

/**
 * A 3×3 convolution's weights transformed once for {@link WinogradConv}: per output/input channel pair the 6×6
 * matrix {@code U = G·g·Gᵀ} of Winograd's F(4×4, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural
 * Networks", CVPR 2016, §4.2) at the interpolation points 0, 1, −1, ½, −2 and ∞ — row j of G is
 * {@code (1, p_j, p_j²) / Π_{l≠j}(p_j − p_l)} for the finite points:
 *
 * <pre>
 *     |  1       0       0     |
 *     |  1/3     1/3     1/3   |
 * G = | −1/3     1/3    −1/3   |
 *     | −16/15  −8/15   −4/15  |
 *     |  1/15   −2/15    4/15  |
 *     |  0       0       1     |
 * </pre>
 *
 * computed in double and rounded once. The 36 positions ξ = 6·i + j of U are 36 matrices (C_out, C_in), each packed
 * into the A micro-panel order of {@link GemmMicroKernel} as {@link PackedConvWeights} packs a weight:
 * {@code u[((ξ·Q + q)·C_in + ci)·MR + r] = U[q·MR + r, ci][ξ]}, rows past C_out zero. 36/9 of the weight's size.
 *
 * <pre>{@code
 * WinogradWeights u = WinogradWeights.transform(w, bias, 64, 64);   // w (64, 64, 3, 3)
 * }</pre>
 */
public final class WinogradWeights {
    /** Positions of the 6×6 transformed tile. */
    static final int XI = 36;

    private final int cOut, cIn;
    private final float[] u;      // (36, Q, C_in, MR)
    private final float[] bias;   // (C_out) or null

    private WinogradWeights(int cOut, int cIn, float[] u, float[] bias) {
        this.cOut = cOut;
        this.cIn = cIn;
        this.u = u;
        this.bias = bias;
    }

    /**
     * @param w    (C_out, C_in, 3, 3) row-major, batch norm already folded in
     * @param bias (C_out) or null; copied
     */
    public static WinogradWeights transform(float[] w, float[] bias, int cOut, int cIn) {
        if (cOut <= 0 || cIn <= 0) throw new IllegalArgumentException("WinogradWeights: C_out=" + cOut + ", C_in=" + cIn);
        if (w.length != cOut * cIn * 9) {
            throw new IllegalArgumentException("WinogradWeights: weight has " + w.length + " elements, (C_out, C_in, 3, 3) = ("
                    + cOut + ", " + cIn + ", 3, 3) needs " + (long) cOut * cIn * 9);
        }
        if (bias != null && bias.length != cOut) {
            throw new IllegalArgumentException("WinogradWeights: bias has " + bias.length + " elements, C_out = " + cOut);
        }
        int q = PackedConvWeights.panelsPerGroup(cOut);
        float[] u = new float[XI * q * cIn * MR];
        double[] tile = new double[XI];
        for (int co = 0; co < cOut; co++)
            for (int ci = 0; ci < cIn; ci++) {
                transformKernel(w, (co * cIn + ci) * 9, tile);
                int pq = co / MR, r = co % MR;
                for (int xi = 0; xi < XI; xi++) u[((xi * q + pq) * cIn + ci) * MR + r] = flushSubnormal((float) tile[xi]);
            }
        return new WinogradWeights(cOut, cIn, u, bias == null ? null : bias.clone());
    }

    /** G, row by row. */
    private static final double[][] G = {
            {1, 0, 0}, {1 / 3.0, 1 / 3.0, 1 / 3.0}, {-1 / 3.0, 1 / 3.0, -1 / 3.0},
            {-16 / 15.0, -8 / 15.0, -4 / 15.0}, {1 / 15.0, -2 / 15.0, 4 / 15.0}, {0, 0, 1}};

    /** {@code out (6×6, row-major) = G·g·Gᵀ} for the 3×3 kernel g at {@code w[off ..]}. */
    static void transformKernel(float[] w, int off, double[] out) {
        double[] gg = new double[18];                                   // (G·g) (6, 3)
        for (int i = 0; i < 6; i++)
            for (int c = 0; c < 3; c++) gg[3 * i + c] = G[i][0] * w[off + c] + G[i][1] * w[off + 3 + c] + G[i][2] * w[off + 6 + c];
        for (int i = 0; i < 6; i++)                                     // (G·g)·Gᵀ
            for (int j = 0; j < 6; j++) out[6 * i + j] = gg[3 * i] * G[j][0] + gg[3 * i + 1] * G[j][1] + gg[3 * i + 2] * G[j][2];
    }

    private static float flushSubnormal(float v) { return Math.abs(v) < Float.MIN_NORMAL ? 0f : v; }

    public int cOut() { return cOut; }
    public int cIn() { return cIn; }
    float[] u() { return u; }
    float[] bias() { return bias; }

    /** Offset of the A micro-panel (C_in, MR) of position ξ, output rows {@code [q·MR, q·MR + MR)}. */
    int panel(int xi, int q) { return (xi * PackedConvWeights.panelsPerGroup(cOut) + q) * cIn * MR; }

    /** Bytes held (the transformed panels and the bias). */
    public long bytes() { return 4L * (u.length + (bias == null ? 0 : bias.length)); }
}
