package dev.saccade.kernels.cpu;

import java.util.Arrays;

/**
 * Max, average and adaptive-average pooling, 1-, 2- and 3-d, forward and backward, on contiguous row-major buffers
 * {@code x (N, C, D, H, W)} → {@code y (N, C, oD, oH, oW)}. References: PyTorch
 * <a href="https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html">MaxPool{1,2,3}d</a>,
 * <a href="https://pytorch.org/docs/stable/generated/torch.nn.AvgPool2d.html">AvgPool{1,2,3}d</a>,
 * <a href="https://pytorch.org/docs/stable/generated/torch.nn.AdaptiveAvgPool2d.html">AdaptiveAvgPool{1,2,3}d</a>.
 * <ul>
 *   <li>max: {@code y = max over the window} (padding never wins); {@code argmax} keeps, per output, the flat index
 *       {@code (id·H + ih)·W + iw} inside its input plane, as PyTorch's {@code return_indices}. A NaN wins, like
 *       PyTorch. Backward: {@code gx[argmax] += gy}.</li>
 *   <li>average: {@code y = Σ window / divisor}; with {@code count_include_pad} (PyTorch's default) the divisor is
 *       the window clipped to the padded input, else to the input. Backward: {@code gx[window] += gy / divisor}.</li>
 *   <li>adaptive average: cell {@code i} averages {@code [floor(i·in/out), ceil((i+1)·in/out))} per axis.</li>
 * </ul>
 * The fast entry points split the N·C planes over {@link CpuThreads} and sum window rows with the Vector API; each
 * has a scalar twin ({@code …Scalar}, sequential, accumulating in double) in float and in double.
 *
 * <pre>{@code
 * PoolGeometry g = PoolGeometry.pool2d(8, 64, 112, 112, 3, 2, 1);
 * float[] y = new float[g.outputLength()];
 * int[] argmax = new int[g.outputLength()];
 * PoolKernels.maxForward(g, x, y, argmax);
 * PoolKernels.maxBackward(g, gy, argmax, gx);
 * }</pre>
 */
public final class PoolKernels {
    private PoolKernels() {}

    // ================================================================ max pooling

    /** y = window max, argmax = its index inside the input plane; y and argmax overwritten. */
    public static void maxForward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        checkMax("PoolKernels.maxForward", g, x.length, y.length, argmax.length);
        if (ConvKernels.SCALAR) { maxForwardScalar(g, x, y, argmax); return; }
        int inPlane = g.inPlane(), outPlane = g.outPlane(), inH = g.inH(), inW = g.inW();
        if (Simd.enabled() && MaxPoolIndices.supports(g)) { MaxPoolIndices.forward(g, x, y, argmax); return; }
        CpuThreads.parallelFor(0, g.n() * g.c(), 4, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int xBase = plane * inPlane, o = plane * outPlane;
                for (int od = 0; od < g.outD(); od++)
                    for (int oh = 0; oh < g.outH(); oh++)
                        for (int ow = 0; ow < g.outW(); ow++, o++) {
                            float best = Float.NEGATIVE_INFINITY;
                            int at = -1;
                            for (int kd = 0; kd < g.kD(); kd++) {
                                int id = od * g.strideD() - g.padD() + kd * g.dilD();
                                if (id < 0 || id >= g.inD()) continue;
                                for (int kh = 0; kh < g.kH(); kh++) {
                                    int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                    if (ih < 0 || ih >= inH) continue;
                                    int row = (id * inH + ih) * inW;
                                    for (int kw = 0; kw < g.kW(); kw++) {
                                        int iw = ow * g.strideW() - g.padW() + kw * g.dilW();
                                        if (iw < 0 || iw >= inW) continue;
                                        float v = x[xBase + row + iw];
                                        if (at < 0 || v > best || Float.isNaN(v)) { best = v; at = row + iw; }
                                    }
                                }
                            }
                            y[o] = best;
                            argmax[o] = at;
                        }
            }
        });
    }

    /** gx[n, c, argmax] += gy; gx overwritten. */
    public static void maxBackward(PoolGeometry g, float[] gy, int[] argmax, float[] gx) {
        checkMaxBackward("PoolKernels.maxBackward", g, gx.length, gy.length, argmax.length);
        if (ConvKernels.SCALAR) { maxBackwardScalar(g, gy, argmax, gx); return; }
        int inPlane = g.inPlane(), outPlane = g.outPlane();
        CpuThreads.parallelFor(0, g.n() * g.c(), 4, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int xBase = plane * inPlane, yBase = plane * outPlane;
                Arrays.fill(gx, xBase, xBase + inPlane, 0f);
                for (int o = 0; o < outPlane; o++) gx[xBase + checkIndex(argmax[yBase + o], inPlane, yBase + o)] += gy[yBase + o];
            }
        });
    }

    /** Scalar twin of {@link #maxForward}. */
    public static void maxForwardScalar(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        checkMax("PoolKernels.maxForwardScalar", g, x.length, y.length, argmax.length);
        double[] yd = new double[y.length];
        maxForwardScalar(g, ConvKernels.toDouble(x), yd, argmax);
        ConvKernels.toFloat(yd, y);
    }

    /** Scalar twin of {@link #maxBackward}. */
    public static void maxBackwardScalar(PoolGeometry g, float[] gy, int[] argmax, float[] gx) {
        checkMaxBackward("PoolKernels.maxBackwardScalar", g, gx.length, gy.length, argmax.length);
        double[] gxd = new double[gx.length];
        maxBackwardScalar(g, ConvKernels.toDouble(gy), argmax, gxd);
        ConvKernels.toFloat(gxd, gx);
    }

    /** The definition of max pooling in double. */
    public static void maxForwardScalar(PoolGeometry g, double[] x, double[] y, int[] argmax) {
        checkMax("PoolKernels.maxForwardScalar", g, x.length, y.length, argmax.length);
        for (int plane = 0; plane < g.n() * g.c(); plane++)
            for (int od = 0; od < g.outD(); od++)
                for (int oh = 0; oh < g.outH(); oh++)
                    for (int ow = 0; ow < g.outW(); ow++) {
                        double best = Double.NEGATIVE_INFINITY;
                        int at = -1;
                        for (int kd = 0; kd < g.kD(); kd++)
                            for (int kh = 0; kh < g.kH(); kh++)
                                for (int kw = 0; kw < g.kW(); kw++) {
                                    int id = od * g.strideD() - g.padD() + kd * g.dilD();
                                    int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                    int iw = ow * g.strideW() - g.padW() + kw * g.dilW();
                                    if (id < 0 || id >= g.inD() || ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) continue;
                                    int idx = (id * g.inH() + ih) * g.inW() + iw;
                                    double v = x[plane * g.inPlane() + idx];
                                    if (at < 0 || v > best || Double.isNaN(v)) { best = v; at = idx; }
                                }
                        int o = plane * g.outPlane() + (od * g.outH() + oh) * g.outW() + ow;
                        y[o] = best;
                        argmax[o] = at;
                    }
    }

    /** Max pooling backward in double; gx overwritten. */
    public static void maxBackwardScalar(PoolGeometry g, double[] gy, int[] argmax, double[] gx) {
        checkMaxBackward("PoolKernels.maxBackwardScalar", g, gx.length, gy.length, argmax.length);
        Arrays.fill(gx, 0);
        for (int plane = 0; plane < g.n() * g.c(); plane++)
            for (int o = 0; o < g.outPlane(); o++) {
                int yi = plane * g.outPlane() + o;
                gx[plane * g.inPlane() + checkIndex(argmax[yi], g.inPlane(), yi)] += gy[yi];
            }
    }

    // ================================================================ average pooling

    /** y = window sum / divisor; y overwritten. */
    public static void avgForward(PoolGeometry g, float[] x, float[] y) {
        checkAvg("PoolKernels.avgForward", g, x.length, y.length);
        if (ConvKernels.SCALAR) { avgForwardScalar(g, x, y); return; }
        int inPlane = g.inPlane(), outPlane = g.outPlane(), inH = g.inH(), inW = g.inW();
        CpuThreads.parallelFor(0, g.n() * g.c(), 4, (lo, hi) -> {
            int[] win = new int[7];
            for (int plane = lo; plane < hi; plane++) {
                int xBase = plane * inPlane, o = plane * outPlane;
                for (int od = 0; od < g.outD(); od++)
                    for (int oh = 0; oh < g.outH(); oh++)
                        for (int ow = 0; ow < g.outW(); ow++, o++) {
                            avgWindow(g, od, oh, ow, win);
                            float s = 0f;
                            for (int id = win[0]; id < win[1]; id++)
                                for (int ih = win[2]; ih < win[3]; ih++)
                                    s += VectorMath.sum(x, xBase + (id * inH + ih) * inW + win[4], win[5] - win[4]);
                            y[o] = win[6] == 0 ? 0f : s / win[6];
                        }
            }
        });
    }

    /** gx[window] += gy / divisor; gx overwritten. */
    public static void avgBackward(PoolGeometry g, float[] gy, float[] gx) {
        checkAvgBackward("PoolKernels.avgBackward", g, gx.length, gy.length);
        if (ConvKernels.SCALAR) { avgBackwardScalar(g, gy, gx); return; }
        int inPlane = g.inPlane(), outPlane = g.outPlane(), inH = g.inH(), inW = g.inW();
        CpuThreads.parallelFor(0, g.n() * g.c(), 4, (lo, hi) -> {
            int[] win = new int[7];
            for (int plane = lo; plane < hi; plane++) {
                int xBase = plane * inPlane, o = plane * outPlane;
                Arrays.fill(gx, xBase, xBase + inPlane, 0f);
                for (int od = 0; od < g.outD(); od++)
                    for (int oh = 0; oh < g.outH(); oh++)
                        for (int ow = 0; ow < g.outW(); ow++, o++) {
                            avgWindow(g, od, oh, ow, win);
                            if (win[6] == 0) continue;
                            float share = gy[o] / win[6];
                            for (int id = win[0]; id < win[1]; id++)
                                for (int ih = win[2]; ih < win[3]; ih++) {
                                    int row = xBase + (id * inH + ih) * inW;
                                    for (int iw = win[4]; iw < win[5]; iw++) gx[row + iw] += share;
                                }
                        }
            }
        });
    }

    /** Scalar twin of {@link #avgForward}. */
    public static void avgForwardScalar(PoolGeometry g, float[] x, float[] y) {
        checkAvg("PoolKernels.avgForwardScalar", g, x.length, y.length);
        double[] yd = new double[y.length];
        avgForwardScalar(g, ConvKernels.toDouble(x), yd);
        ConvKernels.toFloat(yd, y);
    }

    /** Scalar twin of {@link #avgBackward}. */
    public static void avgBackwardScalar(PoolGeometry g, float[] gy, float[] gx) {
        checkAvgBackward("PoolKernels.avgBackwardScalar", g, gx.length, gy.length);
        double[] gxd = new double[gx.length];
        avgBackwardScalar(g, ConvKernels.toDouble(gy), gxd);
        ConvKernels.toFloat(gxd, gx);
    }

    /** The definition of average pooling in double. */
    public static void avgForwardScalar(PoolGeometry g, double[] x, double[] y) {
        checkAvg("PoolKernels.avgForwardScalar", g, x.length, y.length);
        int[] win = new int[7];
        for (int plane = 0; plane < g.n() * g.c(); plane++)
            for (int od = 0; od < g.outD(); od++)
                for (int oh = 0; oh < g.outH(); oh++)
                    for (int ow = 0; ow < g.outW(); ow++) {
                        avgWindow(g, od, oh, ow, win);
                        double s = 0;
                        for (int id = win[0]; id < win[1]; id++)
                            for (int ih = win[2]; ih < win[3]; ih++)
                                for (int iw = win[4]; iw < win[5]; iw++)
                                    s += x[plane * g.inPlane() + (id * g.inH() + ih) * g.inW() + iw];
                        y[plane * g.outPlane() + (od * g.outH() + oh) * g.outW() + ow] = win[6] == 0 ? 0 : s / win[6];
                    }
    }

    /** Average pooling backward in double; gx overwritten. */
    public static void avgBackwardScalar(PoolGeometry g, double[] gy, double[] gx) {
        checkAvgBackward("PoolKernels.avgBackwardScalar", g, gx.length, gy.length);
        Arrays.fill(gx, 0);
        int[] win = new int[7];
        for (int plane = 0; plane < g.n() * g.c(); plane++)
            for (int od = 0; od < g.outD(); od++)
                for (int oh = 0; oh < g.outH(); oh++)
                    for (int ow = 0; ow < g.outW(); ow++) {
                        avgWindow(g, od, oh, ow, win);
                        if (win[6] == 0) continue;
                        double share = gy[plane * g.outPlane() + (od * g.outH() + oh) * g.outW() + ow] / win[6];
                        for (int id = win[0]; id < win[1]; id++)
                            for (int ih = win[2]; ih < win[3]; ih++)
                                for (int iw = win[4]; iw < win[5]; iw++)
                                    gx[plane * g.inPlane() + (id * g.inH() + ih) * g.inW() + iw] += share;
                    }
    }

    /**
     * The window of output (od, oh, ow), clipped to the input, as {@code [d0, d1, h0, h1, w0, w1, divisor]}
     * (ATen's {@code avg_pool2d} CPU kernel: the divisor counts the window clipped to the padded input when padding
     * is included, else the window clipped to the input; an empty window gives divisor 0 and output 0).
     */
    private static void avgWindow(PoolGeometry g, int od, int oh, int ow, int[] win) {
        int d0 = od * g.strideD() - g.padD(), d1 = Math.min(d0 + g.kD(), g.inD() + g.padD());
        int h0 = oh * g.strideH() - g.padH(), h1 = Math.min(h0 + g.kH(), g.inH() + g.padH());
        int w0 = ow * g.strideW() - g.padW(), w1 = Math.min(w0 + g.kW(), g.inW() + g.padW());
        int padded = (d1 - d0) * (h1 - h0) * (w1 - w0);
        d0 = Math.max(d0, 0); h0 = Math.max(h0, 0); w0 = Math.max(w0, 0);
        d1 = Math.min(d1, g.inD()); h1 = Math.min(h1, g.inH()); w1 = Math.min(w1, g.inW());
        boolean empty = d0 >= d1 || h0 >= h1 || w0 >= w1;
        win[0] = d0; win[1] = d1; win[2] = h0; win[3] = h1; win[4] = w0; win[5] = w1;
        win[6] = empty ? 0 : g.countIncludePad() ? padded : (d1 - d0) * (h1 - h0) * (w1 - w0);
    }

    // ================================================================ adaptive average pooling

    /** y[cell] = mean of its adaptive window; y overwritten. */
    public static void adaptiveAvgForward(AdaptivePoolGeometry g, float[] x, float[] y) {
        checkAdaptive("PoolKernels.adaptiveAvgForward", g, x.length, y.length);
        if (ConvKernels.SCALAR) { adaptiveAvgForwardScalar(g, x, y); return; }
        int inPlane = g.inPlane(), outPlane = g.outPlane(), inH = g.inH(), inW = g.inW();
        CpuThreads.parallelFor(0, g.n() * g.c(), 4, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int xBase = plane * inPlane, o = plane * outPlane;
                for (int od = 0; od < g.outD(); od++) {
                    int d0 = AdaptivePoolGeometry.start(od, g.inD(), g.outD()), d1 = AdaptivePoolGeometry.end(od, g.inD(), g.outD());
                    for (int oh = 0; oh < g.outH(); oh++) {
                        int h0 = AdaptivePoolGeometry.start(oh, inH, g.outH()), h1 = AdaptivePoolGeometry.end(oh, inH, g.outH());
                        for (int ow = 0; ow < g.outW(); ow++, o++) {
                            int w0 = AdaptivePoolGeometry.start(ow, inW, g.outW()), w1 = AdaptivePoolGeometry.end(ow, inW, g.outW());
                            float s = 0f;
                            for (int id = d0; id < d1; id++)
                                for (int ih = h0; ih < h1; ih++)
                                    s += VectorMath.sum(x, xBase + (id * inH + ih) * inW + w0, w1 - w0);
                            y[o] = s / ((d1 - d0) * (h1 - h0) * (w1 - w0));
                        }
                    }
                }
            }
        });
    }

    /** gx[window] += gy / window size; gx overwritten. */
    public static void adaptiveAvgBackward(AdaptivePoolGeometry g, float[] gy, float[] gx) {
        checkAdaptiveBackward("PoolKernels.adaptiveAvgBackward", g, gx.length, gy.length);
        if (ConvKernels.SCALAR) { adaptiveAvgBackwardScalar(g, gy, gx); return; }
        int inPlane = g.inPlane(), outPlane = g.outPlane(), inH = g.inH(), inW = g.inW();
        CpuThreads.parallelFor(0, g.n() * g.c(), 4, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int xBase = plane * inPlane, o = plane * outPlane;
                Arrays.fill(gx, xBase, xBase + inPlane, 0f);
                for (int od = 0; od < g.outD(); od++) {
                    int d0 = AdaptivePoolGeometry.start(od, g.inD(), g.outD()), d1 = AdaptivePoolGeometry.end(od, g.inD(), g.outD());
                    for (int oh = 0; oh < g.outH(); oh++) {
                        int h0 = AdaptivePoolGeometry.start(oh, inH, g.outH()), h1 = AdaptivePoolGeometry.end(oh, inH, g.outH());
                        for (int ow = 0; ow < g.outW(); ow++, o++) {
                            int w0 = AdaptivePoolGeometry.start(ow, inW, g.outW()), w1 = AdaptivePoolGeometry.end(ow, inW, g.outW());
                            float share = gy[o] / ((d1 - d0) * (h1 - h0) * (w1 - w0));
                            for (int id = d0; id < d1; id++)
                                for (int ih = h0; ih < h1; ih++) {
                                    int row = xBase + (id * inH + ih) * inW;
                                    for (int iw = w0; iw < w1; iw++) gx[row + iw] += share;
                                }
                        }
                    }
                }
            }
        });
    }

    /** Scalar twin of {@link #adaptiveAvgForward}. */
    public static void adaptiveAvgForwardScalar(AdaptivePoolGeometry g, float[] x, float[] y) {
        checkAdaptive("PoolKernels.adaptiveAvgForwardScalar", g, x.length, y.length);
        double[] yd = new double[y.length];
        adaptiveAvgForwardScalar(g, ConvKernels.toDouble(x), yd);
        ConvKernels.toFloat(yd, y);
    }

    /** Scalar twin of {@link #adaptiveAvgBackward}. */
    public static void adaptiveAvgBackwardScalar(AdaptivePoolGeometry g, float[] gy, float[] gx) {
        checkAdaptiveBackward("PoolKernels.adaptiveAvgBackwardScalar", g, gx.length, gy.length);
        double[] gxd = new double[gx.length];
        adaptiveAvgBackwardScalar(g, ConvKernels.toDouble(gy), gxd);
        ConvKernels.toFloat(gxd, gx);
    }

    /** The definition of adaptive average pooling in double. */
    public static void adaptiveAvgForwardScalar(AdaptivePoolGeometry g, double[] x, double[] y) {
        checkAdaptive("PoolKernels.adaptiveAvgForwardScalar", g, x.length, y.length);
        for (int plane = 0; plane < g.n() * g.c(); plane++)
            for (int od = 0; od < g.outD(); od++)
                for (int oh = 0; oh < g.outH(); oh++)
                    for (int ow = 0; ow < g.outW(); ow++) {
                        int d0 = (int) Math.floor((double) od * g.inD() / g.outD()), d1 = (int) Math.ceil((double) (od + 1) * g.inD() / g.outD());
                        int h0 = (int) Math.floor((double) oh * g.inH() / g.outH()), h1 = (int) Math.ceil((double) (oh + 1) * g.inH() / g.outH());
                        int w0 = (int) Math.floor((double) ow * g.inW() / g.outW()), w1 = (int) Math.ceil((double) (ow + 1) * g.inW() / g.outW());
                        double s = 0;
                        for (int id = d0; id < d1; id++)
                            for (int ih = h0; ih < h1; ih++)
                                for (int iw = w0; iw < w1; iw++)
                                    s += x[plane * g.inPlane() + (id * g.inH() + ih) * g.inW() + iw];
                        y[plane * g.outPlane() + (od * g.outH() + oh) * g.outW() + ow] = s / ((d1 - d0) * (h1 - h0) * (w1 - w0));
                    }
    }

    /** Adaptive average pooling backward in double; gx overwritten. */
    public static void adaptiveAvgBackwardScalar(AdaptivePoolGeometry g, double[] gy, double[] gx) {
        checkAdaptiveBackward("PoolKernels.adaptiveAvgBackwardScalar", g, gx.length, gy.length);
        Arrays.fill(gx, 0);
        for (int plane = 0; plane < g.n() * g.c(); plane++)
            for (int od = 0; od < g.outD(); od++)
                for (int oh = 0; oh < g.outH(); oh++)
                    for (int ow = 0; ow < g.outW(); ow++) {
                        int d0 = (int) Math.floor((double) od * g.inD() / g.outD()), d1 = (int) Math.ceil((double) (od + 1) * g.inD() / g.outD());
                        int h0 = (int) Math.floor((double) oh * g.inH() / g.outH()), h1 = (int) Math.ceil((double) (oh + 1) * g.inH() / g.outH());
                        int w0 = (int) Math.floor((double) ow * g.inW() / g.outW()), w1 = (int) Math.ceil((double) (ow + 1) * g.inW() / g.outW());
                        double share = gy[plane * g.outPlane() + (od * g.outH() + oh) * g.outW() + ow] / ((d1 - d0) * (h1 - h0) * (w1 - w0));
                        for (int id = d0; id < d1; id++)
                            for (int ih = h0; ih < h1; ih++)
                                for (int iw = w0; iw < w1; iw++)
                                    gx[plane * g.inPlane() + (id * g.inH() + ih) * g.inW() + iw] += share;
                    }
    }

    // ================================================================ checks

    private static int checkIndex(int idx, int inPlane, int at) {
        if (idx < 0 || idx >= inPlane)
            throw new IllegalArgumentException("PoolKernels.maxBackward: argmax[" + at + "]=" + idx
                    + " is outside the input plane of " + inPlane + " elements");
        return idx;
    }

    private static void checkMax(String where, PoolGeometry g, int x, int y, int argmax) {
        checkLen(where, "x (N, C, D, H, W)", x, g.inputLength(), g);
        checkLen(where, "y (N, C, oD, oH, oW)", y, g.outputLength(), g);
        checkLen(where, "argmax (N, C, oD, oH, oW)", argmax, g.outputLength(), g);
    }

    private static void checkMaxBackward(String where, PoolGeometry g, int gx, int gy, int argmax) {
        checkLen(where, "gx (N, C, D, H, W)", gx, g.inputLength(), g);
        checkLen(where, "gy (N, C, oD, oH, oW)", gy, g.outputLength(), g);
        checkLen(where, "argmax (N, C, oD, oH, oW)", argmax, g.outputLength(), g);
    }

    private static void checkAvgBackward(String where, PoolGeometry g, int gx, int gy) {
        checkAvg(where, g, g.inputLength(), g.outputLength());
        checkLen(where, "gx (N, C, D, H, W)", gx, g.inputLength(), g);
        checkLen(where, "gy (N, C, oD, oH, oW)", gy, g.outputLength(), g);
    }

    private static void checkAdaptiveBackward(String where, AdaptivePoolGeometry g, int gx, int gy) {
        checkLen(where, "gx (N, C, D, H, W)", gx, g.inputLength(), g);
        checkLen(where, "gy (N, C, oD, oH, oW)", gy, g.outputLength(), g);
    }

    private static void checkAvg(String where, PoolGeometry g, int x, int y) {
        if (!g.undilated())
            throw new IllegalArgumentException(where + ": dilation must be 1 for average pooling (PyTorch's AvgPool has none), got " + g);
        checkLen(where, "x (N, C, D, H, W)", x, g.inputLength(), g);
        checkLen(where, "y (N, C, oD, oH, oW)", y, g.outputLength(), g);
    }

    private static void checkAdaptive(String where, AdaptivePoolGeometry g, int x, int y) {
        checkLen(where, "x (N, C, D, H, W)", x, g.inputLength(), g);
        checkLen(where, "y (N, C, oD, oH, oW)", y, g.outputLength(), g);
    }

    private static void checkLen(String where, String what, int actual, int expected, Object g) {
        if (actual != expected)
            throw new IllegalArgumentException(where + ": " + what + " has length " + actual + ", expected "
                    + expected + " for " + g);
    }
}
