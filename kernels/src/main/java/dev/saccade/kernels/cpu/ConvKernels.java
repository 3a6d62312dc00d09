package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;

/**
 * Convolution forward and backward on contiguous row-major float buffers, for 1-, 2- and 3-d convolutions with
 * stride, padding, dilation and groups (cross-correlation, as
 * <a href="https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html">torch.nn.Conv2d</a>):
 * <pre>
 *   y[n, co, o] = b[co] + Σ_{ci ∈ group(co)} Σ_k w[co, ci, k] · x[n, g·C_in/groups + ci, o·s − p + k·d]
 * </pre>
 * with out-of-range input positions read as zero. Buffers: x {@code (N, C_in, D, H, W)}, w {@code (C_out,
 * C_in/groups, kD, kH, kW)}, b {@code (C_out)}, y {@code (N, C_out, oD, oH, oW)}.
 *
 * <p>Dispatch: depthwise ({@code groups == C_in == C_out}) runs a direct Vector-API kernel ({@link ConvDepthwise}).
 * Other 2-d convolutions:
 * <ul>
 *   <li>forward: with at least {@link #FUSED_MIN_PLANE} outputs per plane and every tap reading some input,
 *   {@link ConvFused} (B panels packed straight from x, no column matrix), the weights packed per call
 *   ({@link PackedConvWeights}: they change every training step). Packing flushes subnormal weights to zero, as for
 *   inference: a change of at most {@code 2^−126·Σ|x|} per output (over the flushed taps' inputs) that keeps
 *   subnormal operands, slow on x86 where the JVM cannot set FTZ/DAZ, out of the GEMM; the weights themselves, and so
 *   the optimiser's updates, are not changed;</li>
 *   <li>backward data, stride 1, unless some tap reads padding only: the forward convolution of gy with the flipped,
 *   per-group transposed kernel ({@link ConvTransposeAsConv}), routed as forwards are;</li>
 *   <li>backward filter, with at least {@link #FUSED_MIN_PLANE} outputs per plane, a multiple of the vector length,
 *   and taps that read x contiguously (stride 1 "same", or stride 2 through {@link PhaseSplit}): dot products over the
 *   batch read straight from x and gy ({@link ConvFilterGradient}).</li>
 * </ul>
 * Everything else goes through im2col + GEMM ({@link ConvGemm}, which also leaves out taps that only read padding).
 * Each method has a scalar twin ({@code …Scalar}, the plain nested-loop definition accumulating in double) that is
 * the test oracle, in float and in double; {@code -Dsaccade.kernels.scalar=true} routes the fast entry points to the
 * twins.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.conv2d(2, 3, 8, 32, 32, 3, 1, 1);
 * float[] y = new float[g.outputLength()];
 * ConvKernels.forward(g, x, w, bias, y);            // y = conv(x, w) + b
 * ConvKernels.backwardData(g, gy, w, gx);           // gx = ∂L/∂x
 * ConvKernels.backwardFilter(g, x, gy, gw);         // gw = ∂L/∂w
 * ConvKernels.backwardBias(g, gy, gb);              // gb = ∂L/∂b
 * }</pre>
 */
public final class ConvKernels {
    static final boolean SCALAR = Boolean.getBoolean("saccade.kernels.scalar");

    private ConvKernels() {}

    // ---------------------------------------------------------------- fast entry points

    /** {@code y = conv(x, w) + b}; y is overwritten. biasOrNull may be null. */
    public static void forward(ConvGeometry g, float[] x, float[] w, float[] biasOrNull, float[] y) {
        checkForward("ConvKernels.forward", g, x.length, w.length, biasOrNull == null ? -1 : biasOrNull.length, y.length);
        if (SCALAR) { forwardScalar(g, x, w, biasOrNull, y); return; }
        if (SingleOutputConv.supports(g)) SingleOutputConv.forward(g, x, w, biasOrNull, y);
        else if (g.isDepthwise()) ConvDepthwise.forward(g, x, w, biasOrNull, y);
        else if (runsFused(g)) ConvFused.forward(g, x, PackedConvWeights.pack(w, biasOrNull, g.cOut(), g.groups(),
                g.cInPerGroup() * g.kernelVolume(), false), null, ConvActivation.NONE, 0, 0, y);
        else ConvGemm.forward(g, x, w, biasOrNull, y);
    }

    /** {@code gx = ∂L/∂x = conv_transpose(gy, w)}; gx is overwritten. */
    public static void backwardData(ConvGeometry g, float[] gy, float[] w, float[] gx) {
        checkBackwardData("ConvKernels.backwardData", g, gy.length, w.length, gx.length);
        if (SCALAR) { backwardDataScalar(g, gy, w, gx); return; }
        if (g.isDepthwise()) ConvDepthwise.backwardData(g, gy, w, gx);
        else if (ConvTransposeAsConv.supports(g)) ConvTransposeAsConv.backwardData(g, gy, w, gx);
        else ConvGemm.backwardData(g, gy, w, gx);
    }

    /** {@code gw = ∂L/∂w = Σ_n gy[n] ⋆ x[n]}; gw is overwritten. */
    public static void backwardFilter(ConvGeometry g, float[] x, float[] gy, float[] gw) {
        checkBackwardFilter("ConvKernels.backwardFilter", g, x.length, gy.length, gw.length);
        if (SCALAR) { backwardFilterScalar(g, x, gy, gw); return; }
        if (g.isDepthwise()) ConvDepthwise.backwardFilter(g, x, gy, gw);
        else if (backwardFilterRunsDirect(g)) ConvFilterGradient.backwardFilter(g, x, gy, gw);
        else ConvGemm.backwardFilter(g, x, gy, gw);
    }

    /** {@code gb[co] = Σ_{n, o} gy[n, co, o]}; gb is overwritten. */
    public static void backwardBias(ConvGeometry g, float[] gy, float[] gb) {
        checkBackwardBias("ConvKernels.backwardBias", g, gy.length, gb.length);
        if (SCALAR) { backwardBiasScalar(g, gy, gb); return; }
        int plane = g.outPlane(), cOut = g.cOut(), n = g.n();
        CpuThreads.parallelFor(0, cOut, 16, (lo, hi) -> {
            for (int co = lo; co < hi; co++) {
                float s = 0f;
                for (int i = 0; i < n; i++) s += VectorMath.sum(gy, (i * cOut + co) * plane, plane);
                gb[co] = s;
            }
        });
    }

    /**
     * Smallest output plane {@link ConvFused} runs a training convolution for: {@link GemmMicroKernel#NR} columns,
     * so that a B panel and an output tile span at most two images. Below it ConvFused packs a panel with one masked
     * load per image and row and stores a tile per image, and im2col + GEMM was measured as fast or faster (width-16
     * ResNet-18 layers at N = 128, one thread: 4×4 outputs about even, 2×2 ones 2–5× slower fused).
     */
    static final int FUSED_MIN_PLANE = GemmMicroKernel.NR;

    /**
     * Whether {@link #forward} runs g through {@link ConvFused}: a 2-d convolution (1-d and 3-d ones stay on
     * {@link ConvGemm}) with an output plane of at least {@link #FUSED_MIN_PLANE} and every tap reading some input
     * (where taps read padding only, ConvGemm's compacted K is shorter).
     */
    static boolean runsFused(ConvGeometry g) {
        return g.rank() == 2 && !g.isDepthwise() && g.outPlane() >= FUSED_MIN_PLANE
                && Im2col.liveTaps(g).length == g.kernelVolume();
    }

    /**
     * Whether {@link #backwardData} runs g through {@link ConvFused}: as {@link ConvTransposeAsConv}'s forward
     * convolution, when that convolution {@link #runsFused runs fused}.
     */
    static boolean backwardDataRunsFused(ConvGeometry g) {
        return ConvTransposeAsConv.supports(g) && runsFused(ConvTransposeAsConv.geometry(g));
    }

    /**
     * Whether {@link #backwardFilter} runs g as {@link ConvFilterGradient}'s dot products read straight from x and
     * gy: supported there, with at least {@link #FUSED_MIN_PLANE} outputs per plane (with 16, im2col + GEMM measured
     * faster: a tile's fixed costs and the channel-major copies weigh more against 16 positions per image).
     */
    static boolean backwardFilterRunsDirect(ConvGeometry g) {
        return g.outPlane() >= FUSED_MIN_PLANE && ConvFilterGradient.supports(g);
    }

    // ---------------------------------------------------------------- scalar twins, float (accumulate in double)

    /** Scalar twin of {@link #forward}: the definition, accumulated in double. */
    public static void forwardScalar(ConvGeometry g, float[] x, float[] w, float[] biasOrNull, float[] y) {
        checkForward("ConvKernels.forwardScalar", g, x.length, w.length, biasOrNull == null ? -1 : biasOrNull.length, y.length);
        double[] yd = new double[y.length];
        forwardScalar(g, toDouble(x), toDouble(w), biasOrNull == null ? null : toDouble(biasOrNull), yd);
        toFloat(yd, y);
    }

    /** Scalar twin of {@link #backwardData}. */
    public static void backwardDataScalar(ConvGeometry g, float[] gy, float[] w, float[] gx) {
        checkBackwardData("ConvKernels.backwardDataScalar", g, gy.length, w.length, gx.length);
        double[] gxd = new double[gx.length];
        backwardDataScalar(g, toDouble(gy), toDouble(w), gxd);
        toFloat(gxd, gx);
    }

    /** Scalar twin of {@link #backwardFilter}. */
    public static void backwardFilterScalar(ConvGeometry g, float[] x, float[] gy, float[] gw) {
        checkBackwardFilter("ConvKernels.backwardFilterScalar", g, x.length, gy.length, gw.length);
        double[] gwd = new double[gw.length];
        backwardFilterScalar(g, toDouble(x), toDouble(gy), gwd);
        toFloat(gwd, gw);
    }

    /** Scalar twin of {@link #backwardBias}. */
    public static void backwardBiasScalar(ConvGeometry g, float[] gy, float[] gb) {
        checkBackwardBias("ConvKernels.backwardBiasScalar", g, gy.length, gb.length);
        double[] gbd = new double[gb.length];
        backwardBiasScalar(g, toDouble(gy), gbd);
        toFloat(gbd, gb);
    }

    // ---------------------------------------------------------------- scalar twins, double (gradient checks)

    /** The definition in double precision; y is overwritten. */
    public static void forwardScalar(ConvGeometry g, double[] x, double[] w, double[] biasOrNull, double[] y) {
        checkForward("ConvKernels.forwardScalar", g, x.length, w.length, biasOrNull == null ? -1 : biasOrNull.length, y.length);
        int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup();
        for (int n = 0; n < g.n(); n++)
            for (int co = 0; co < g.cOut(); co++) {
                int c0 = (co / coutG) * cinG;
                for (int od = 0; od < g.outD(); od++)
                    for (int oh = 0; oh < g.outH(); oh++)
                        for (int ow = 0; ow < g.outW(); ow++) {
                            double acc = biasOrNull == null ? 0 : biasOrNull[co];
                            for (int ci = 0; ci < cinG; ci++)
                                for (int kd = 0; kd < g.kD(); kd++) {
                                    int id = od * g.strideD() - g.padD() + kd * g.dilD();
                                    if (id < 0 || id >= g.inD()) continue;
                                    for (int kh = 0; kh < g.kH(); kh++) {
                                        int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                        if (ih < 0 || ih >= g.inH()) continue;
                                        for (int kw = 0; kw < g.kW(); kw++) {
                                            int iw = ow * g.strideW() - g.padW() + kw * g.dilW();
                                            if (iw < 0 || iw >= g.inW()) continue;
                                            acc += w[weightIndex(g, co, ci, kd, kh, kw)]
                                                    * x[inputIndex(g, n, c0 + ci, id, ih, iw)];
                                        }
                                    }
                                }
                            y[outputIndex(g, n, co, od, oh, ow)] = acc;
                        }
            }
    }

    /** Backward data in double: {@code gx[x-index] = Σ w · gy} over every tap that reads it; gx is overwritten. */
    public static void backwardDataScalar(ConvGeometry g, double[] gy, double[] w, double[] gx) {
        checkBackwardData("ConvKernels.backwardDataScalar", g, gy.length, w.length, gx.length);
        java.util.Arrays.fill(gx, 0);
        int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup();
        for (int n = 0; n < g.n(); n++)
            for (int co = 0; co < g.cOut(); co++) {
                int c0 = (co / coutG) * cinG;
                for (int od = 0; od < g.outD(); od++)
                    for (int oh = 0; oh < g.outH(); oh++)
                        for (int ow = 0; ow < g.outW(); ow++) {
                            double gyv = gy[outputIndex(g, n, co, od, oh, ow)];
                            for (int ci = 0; ci < cinG; ci++)
                                for (int kd = 0; kd < g.kD(); kd++) {
                                    int id = od * g.strideD() - g.padD() + kd * g.dilD();
                                    if (id < 0 || id >= g.inD()) continue;
                                    for (int kh = 0; kh < g.kH(); kh++) {
                                        int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                        if (ih < 0 || ih >= g.inH()) continue;
                                        for (int kw = 0; kw < g.kW(); kw++) {
                                            int iw = ow * g.strideW() - g.padW() + kw * g.dilW();
                                            if (iw < 0 || iw >= g.inW()) continue;
                                            gx[inputIndex(g, n, c0 + ci, id, ih, iw)] +=
                                                    w[weightIndex(g, co, ci, kd, kh, kw)] * gyv;
                                        }
                                    }
                                }
                        }
            }
    }

    /** Backward filter in double: {@code gw[co, ci, k] = Σ_{n, o} x · gy}; gw is overwritten. */
    public static void backwardFilterScalar(ConvGeometry g, double[] x, double[] gy, double[] gw) {
        checkBackwardFilter("ConvKernels.backwardFilterScalar", g, x.length, gy.length, gw.length);
        java.util.Arrays.fill(gw, 0);
        int cinG = g.cInPerGroup(), coutG = g.cOutPerGroup();
        for (int n = 0; n < g.n(); n++)
            for (int co = 0; co < g.cOut(); co++) {
                int c0 = (co / coutG) * cinG;
                for (int od = 0; od < g.outD(); od++)
                    for (int oh = 0; oh < g.outH(); oh++)
                        for (int ow = 0; ow < g.outW(); ow++) {
                            double gyv = gy[outputIndex(g, n, co, od, oh, ow)];
                            for (int ci = 0; ci < cinG; ci++)
                                for (int kd = 0; kd < g.kD(); kd++) {
                                    int id = od * g.strideD() - g.padD() + kd * g.dilD();
                                    if (id < 0 || id >= g.inD()) continue;
                                    for (int kh = 0; kh < g.kH(); kh++) {
                                        int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                        if (ih < 0 || ih >= g.inH()) continue;
                                        for (int kw = 0; kw < g.kW(); kw++) {
                                            int iw = ow * g.strideW() - g.padW() + kw * g.dilW();
                                            if (iw < 0 || iw >= g.inW()) continue;
                                            gw[weightIndex(g, co, ci, kd, kh, kw)] +=
                                                    x[inputIndex(g, n, c0 + ci, id, ih, iw)] * gyv;
                                        }
                                    }
                                }
                        }
            }
    }

    /** Backward bias in double: {@code gb[co] = Σ_{n, o} gy[n, co, o]}; gb is overwritten. */
    public static void backwardBiasScalar(ConvGeometry g, double[] gy, double[] gb) {
        checkBackwardBias("ConvKernels.backwardBiasScalar", g, gy.length, gb.length);
        int plane = g.outPlane();
        for (int co = 0; co < g.cOut(); co++) {
            double s = 0;
            for (int n = 0; n < g.n(); n++)
                for (int i = 0; i < plane; i++) s += gy[(n * g.cOut() + co) * plane + i];
            gb[co] = s;
        }
    }

    // ---------------------------------------------------------------- indexing and checks

    private static int inputIndex(ConvGeometry g, int n, int c, int d, int h, int w) {
        return (((n * g.cIn() + c) * g.inD() + d) * g.inH() + h) * g.inW() + w;
    }

    private static int outputIndex(ConvGeometry g, int n, int c, int d, int h, int w) {
        return (((n * g.cOut() + c) * g.outD() + d) * g.outH() + h) * g.outW() + w;
    }

    private static int weightIndex(ConvGeometry g, int co, int ci, int kd, int kh, int kw) {
        return (((co * g.cInPerGroup() + ci) * g.kD() + kd) * g.kH() + kh) * g.kW() + kw;
    }

    private static void checkForward(String where, ConvGeometry g, int x, int w, int b, int y) {
        checkLen(where, "x (N, C_in, D, H, W)", x, g.inputLength(), g);
        checkLen(where, "w (C_out, C_in/groups, kD, kH, kW)", w, g.weightLength(), g);
        if (b >= 0) checkLen(where, "bias (C_out)", b, g.cOut(), g);
        checkLen(where, "y (N, C_out, oD, oH, oW)", y, g.outputLength(), g);
    }

    private static void checkBackwardData(String where, ConvGeometry g, int gy, int w, int gx) {
        checkLen(where, "gy (N, C_out, oD, oH, oW)", gy, g.outputLength(), g);
        checkLen(where, "w (C_out, C_in/groups, kD, kH, kW)", w, g.weightLength(), g);
        checkLen(where, "gx (N, C_in, D, H, W)", gx, g.inputLength(), g);
    }

    private static void checkBackwardFilter(String where, ConvGeometry g, int x, int gy, int gw) {
        checkLen(where, "x (N, C_in, D, H, W)", x, g.inputLength(), g);
        checkLen(where, "gy (N, C_out, oD, oH, oW)", gy, g.outputLength(), g);
        checkLen(where, "gw (C_out, C_in/groups, kD, kH, kW)", gw, g.weightLength(), g);
    }

    private static void checkBackwardBias(String where, ConvGeometry g, int gy, int gb) {
        checkLen(where, "gy (N, C_out, oD, oH, oW)", gy, g.outputLength(), g);
        checkLen(where, "gb (C_out)", gb, g.cOut(), g);
    }

    private static void checkLen(String where, String what, int actual, int expected, ConvGeometry g) {
        if (actual != expected)
            throw new IllegalArgumentException(where + ": " + what + " has length " + actual + ", expected "
                    + expected + " for " + g);
    }

    static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    static void toFloat(double[] a, float[] into) {
        for (int i = 0; i < a.length; i++) into[i] = (float) a[i];
    }
}
