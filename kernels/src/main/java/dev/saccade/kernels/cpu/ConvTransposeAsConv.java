package dev.saccade.kernels.cpu;

/**
 * The backward-data pass of a stride-1 2-d convolution as a forward convolution, so that it runs
 * {@link ConvFused}'s implicit-panel GEMM (or, on small planes, im2col + GEMM) instead of a GEMM into a column
 * matrix and its col2im fold.
 * {@code gx = ∂L/∂x} is the transposed convolution of gy with the same weights
 * (<a href="https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html">torch.nn.ConvTranspose2d</a>;
 * Dumoulin and Visin 2016, "A guide to convolution arithmetic for deep learning", §4.1, relationship 8), and with
 * stride 1 that is a plain convolution of gy (the "input", C_out channels) with the kernel flipped in space and
 * transposed per group:
 * <pre>
 *   w'[g·C_in/g + ci, co, kh, kw] = w[g·C_out/g + co, ci, kH−1−kh, kW−1−kw]      w' (C_in, C_out/g, kH, kW)
 *   p' = d·(K−1) − p per axis (K the kernel size along it), same dilation d, same groups
 *   gx (N, C_in, H, W) = conv(gy (N, C_out, oH, oW), w', stride 1, padding p', dilation d)
 * </pre>
 * since per axis {@code gx[n, ci, i] = Σ_{co, k} w[co, ci, k] · gy[n, co, i + p − k·d]}
 * ({@link ConvKernels#backwardDataScalar} is that sum) and {@code i + p − k·d = i − p' + (K−1−k)·d}: tap k of w is
 * tap {@code K−1−k} of w'. The output size checks out: {@code oH + 2p' − d(K−1) = oH + d(K−1) − 2p = H} because
 * {@code oH = H + 2p − d(K−1)} at stride 1. Valid when {@code p' ≥ 0}, i.e. {@code p ≤ d·(K−1)}.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.conv2d(128, 16, 32, 8, 8, 3, 1, 1);
 * if (ConvTransposeAsConv.supports(g)) ConvTransposeAsConv.backwardData(g, gy, w, gx);
 * }</pre>
 */
final class ConvTransposeAsConv {
    private ConvTransposeAsConv() {}

    /**
     * Whether g's backward data runs here: a 2-d convolution, not depthwise, stride 1, padding at most
     * {@code d·(K−1)} on both axes, and every tap of the transposed convolution reading some input. (Where taps read
     * padding only, as on 1×1 planes, {@link ConvGemm#backwardData} leaves them out without the flipped copy of the
     * weights, which there cost more than the col2im it saves: 128 → 128 channels on 1×1 planes took twice as long.)
     */
    static boolean supports(ConvGeometry g) {
        if (g.rank() != 2 || g.isDepthwise() || g.strideH() != 1 || g.strideW() != 1) return false;
        if (g.padH() > g.dilH() * (g.kH() - 1) || g.padW() > g.dilW() * (g.kW() - 1)) return false;
        ConvGeometry t = geometry(g);
        return Im2col.liveTaps(t).length == t.kernelVolume();
    }

    /**
     * The transposed convolution's geometry: input gy (N, C_out, oH, oW), output (N, C_in, H, W), the same kernel
     * size, dilation and groups, stride 1, padding {@code d·(K−1) − p}.
     */
    static ConvGeometry geometry(ConvGeometry g) {
        int[] pad = {g.dilH() * (g.kH() - 1) - g.padH(), g.dilW() * (g.kW() - 1) - g.padW()};
        return ConvGeometry.of(g.n(), g.cOut(), g.cIn(), g.groups(), new int[]{g.outH(), g.outW()},
                new int[]{g.kH(), g.kW()}, new int[]{1, 1}, pad, new int[]{g.dilH(), g.dilW()});
    }

    /**
     * The flipped, per-group transposed weights w' (C_in, C_out/g, kH, kW) of w (C_out, C_in/g, kH, kW):
     * {@code w'[g·C_in/g + ci, co, kh, kw] = w[g·C_out/g + co, ci, kH−1−kh, kW−1−kw]}.
     */
    static float[] flippedWeights(ConvGeometry g, float[] w) {
        int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup(), kH = g.kH(), kW = g.kW(), kVol = kH * kW;
        float[] t = new float[w.length];
        for (int gr = 0; gr < g.groups(); gr++)
            for (int co = 0; co < coutG; co++)
                for (int ci = 0; ci < cinG; ci++) {
                    int src = ((gr * coutG + co) * cinG + ci) * kVol;                // w[g·C_out/g + co, ci, ·, ·]
                    int dst = ((gr * cinG + ci) * coutG + co) * kVol;                // w'[g·C_in/g + ci, co, ·, ·]
                    for (int k = 0; k < kVol; k++) t[dst + kVol - 1 - k] = w[src + k];   // (kh, kw) → (kH−1−kh, kW−1−kw)
                }
        return t;
    }

    /**
     * {@code gx = conv_transpose(gy, w)} as {@link ConvKernels#forward} of the transposed convolution, so routed as any
     * forward: {@link ConvFused} where its planes are large enough, im2col + GEMM otherwise (which, unlike the
     * GEMM-then-col2im of {@link ConvGemm#backwardData}, scatters nothing); g must be {@link #supports supported}; gx is
     * overwritten.
     */
    static void backwardData(ConvGeometry g, float[] gy, float[] w, float[] gx) {
        ConvKernels.forward(geometry(g), gy, flippedWeights(g, w), null, gx);
    }
}
