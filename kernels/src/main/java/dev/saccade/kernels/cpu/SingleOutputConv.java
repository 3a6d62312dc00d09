package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution with one output channel (C_out = 1, groups 1, stride 1, no dilation; 1-, 2- or 3-d): the
 * spatial-attention maps of CBAM ({@code conv7×7([avg_C F; max_C F])}, 2 → 1, padding 3; Woo et al., ECCV 2018,
 * Eq. 3), W3 (Pérez-Rúa et al., ECCV 2020, Eq. 5) and ACTION-Net's STE, for which im2col + GEMM would unfold
 * C_in·k^d rows of columns to compute a single output row. {@code y[n, 0, z, r, c] = b + Σ_{ci, dz, dr, dc}
 * w[0, ci, dz, dr, dc] · x[n, ci, z + dz − p_d, r + dr − p_h, c + dc − p_w]} (zero outside), PyTorch {@code Conv2d}
 * / {@code Conv3d} semantics.
 *
 * <p>Per image, the C_in input volumes are copied once into thread scratch with their zero padding and L floats of
 * slack at the end of each row; each output row is then L outputs at a time, the taps in (ci, dz, dr, dc) order, an
 * unaligned vector load and a fused multiply-add each, and its last partial vector stored lane by lane. Images are
 * split over the threads. The reference is {@link ConvKernels#forwardScalar}.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.conv2d(8, 2, 1, 56, 56, 7, 1, 3);
 * if (SingleOutputConv.supports(g)) SingleOutputConv.forward(g, x, w, null, y);
 * }</pre>
 */
final class SingleOutputConv {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int L = V.length();
    /** Largest padded input (floats) one image may need in scratch. */
    private static final int SCRATCH_LIMIT = 1 << 22;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[L]});

    private SingleOutputConv() {}

    /** One output channel, ungrouped, stride 1 and dilation 1 on every axis, and the padded image within the scratch limit. */
    static boolean supports(ConvGeometry g) {
        if (g.cOut() != 1 || g.groups() != 1) return false;
        if (g.strideD() != 1 || g.strideH() != 1 || g.strideW() != 1) return false;
        if (g.dilD() != 1 || g.dilH() != 1 || g.dilW() != 1) return false;
        if (g.outD() < 1 || g.outH() < 1 || g.outW() < 1) return false;
        return paddedLength(g) <= SCRATCH_LIMIT;
    }

    private static long paddedLength(ConvGeometry g) {
        return (long) g.cIn() * (g.inD() + 2L * g.padD()) * (g.inH() + 2L * g.padH()) * rowLength(g);
    }

    /** A padded row: the input row, its padding on both sides, and L floats of slack for the last vector's loads. */
    private static int rowLength(ConvGeometry g) { return g.inW() + 2 * g.padW() + L; }

    /** y (N, 1, *out) = conv(x, w) + bias; w (1, C_in, *kernel); bias (1) or null. */
    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        if (!supports(g)) throw new IllegalArgumentException("SingleOutputConv " + g + ": needs C_out = 1, groups 1, stride 1, dilation 1");
        float b = bias == null ? 0f : bias[0];
        CpuThreads.parallelFor(0, g.n(), 1, (lo, hi) -> {
            float[][] scratch = SCRATCH.get();
            if (scratch[0].length < paddedLength(g)) scratch[0] = new float[(int) paddedLength(g)];
            for (int n = lo; n < hi; n++) image(g, x, w, b, y, n, scratch[0], scratch[1]);
        });
    }

    private static void image(ConvGeometry g, float[] x, float[] w, float b, float[] y, int n, float[] pad, float[] tail) {
        int cIn = g.cIn(), d = g.inD(), h = g.inH(), wd = g.inW();
        int pd = g.padD(), ph = g.padH(), pw = g.padW(), kd = g.kD(), kh = g.kH(), kw = g.kW();
        int paddedD = d + 2 * pd, paddedH = h + 2 * ph, row = rowLength(g);
        java.util.Arrays.fill(pad, 0, (int) paddedLength(g), 0f);
        for (int ci = 0; ci < cIn; ci++) {                                     // the interior, row by row
            for (int z = 0; z < d; z++) {
                for (int r = 0; r < h; r++) {
                    int src = (((n * cIn + ci) * d + z) * h + r) * wd;
                    System.arraycopy(x, src, pad, ((ci * paddedD + z + pd) * paddedH + r + ph) * row + pw, wd);
                }
            }
        }
        int outD = g.outD(), outH = g.outH(), outW = g.outW();
        for (int z = 0; z < outD; z++) {
            for (int r = 0; r < outH; r++) {
                int out = ((n * outD + z) * outH + r) * outW;
                for (int c0 = 0; c0 < outW; c0 += L) {
                    FloatVector acc = FloatVector.broadcast(V, b);
                    int tap = 0;
                    for (int ci = 0; ci < cIn; ci++) {
                        for (int dz = 0; dz < kd; dz++) {
                            for (int dr = 0; dr < kh; dr++) {
                                int base = ((ci * paddedD + z + dz) * paddedH + r + dr) * row + c0;
                                for (int dc = 0; dc < kw; dc++, tap++) {
                                    acc = FloatVector.fromArray(V, pad, base + dc).fma(FloatVector.broadcast(V, w[tap]), acc);
                                }
                            }
                        }
                    }
                    if (c0 + L <= outW) {
                        acc.intoArray(y, out + c0);
                    } else {
                        acc.intoArray(tail, 0);
                        System.arraycopy(tail, 0, y, out + c0, outW - c0);
                    }
                }
            }
        }
    }
}
