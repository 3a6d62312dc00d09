package dev.saccade.kernels.cpu;

import java.util.Arrays;

/**
 * Unfolds convolution windows into a column matrix and folds them back (Caffe's {@code im2col_cpu} /
 * {@code col2im_cpu}; {@code torch.nn.functional.unfold} / {@code fold} generalised to 3-d).
 *
 * <p>For {@code C} channels of one image, the column matrix is {@code (C·kD·kH·kW, oD·oH·oW)}: row
 * {@code ((c·kD + kd)·kH + kh)·kW + kw}, column {@code (od·oH + oh)·oW + ow}, holding
 * {@code x[c, od·sD − pD + kd·dD, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]} (zero outside the input). Its row order
 * matches the weight layout {@code (C_out, C_in/groups, kD, kH, kW)}, so a convolution is {@code W · col}.
 *
 * <pre>{@code
 * float[] col = new float[g.cInPerGroup() * g.kernelVolume() * g.outPlane()];
 * Im2col.im2col(g, x, 0, g.cInPerGroup(), col);   // first image, first group
 * }</pre>
 */
final class Im2col {
    private Im2col() {}

    /**
     * @param x   input buffer; the {@code channels} planes {@code (D, H, W)} start at {@code xOff}
     * @param col output {@code (channels·kD·kH·kW, oD·oH·oW)}, overwritten
     */
    static void im2col(ConvGeometry g, float[] x, int xOff, int channels, float[] col) {
        im2col(g, x, xOff, channels, col, 0, g.outPlane());
    }

    /**
     * Unfolds one image into columns {@code [colOff, colOff + oD·oH·oW)} of a wider column matrix with leading
     * dimension {@code ldCol} (several images side by side: image i of a chunk at {@code colOff = i·P}).
     *
     * @param col output {@code (channels·kD·kH·kW, ldCol)}; only this image's columns are written
     */
    static void im2col(ConvGeometry g, float[] x, int xOff, int channels, float[] col, int colOff, int ldCol) {
        if (byTaps(g)) {
            im2colByTaps(g, x, xOff, channels, allTaps(g), col, colOff, ldCol);
            return;
        }
        int inD = g.inD(), inH = g.inH(), inW = g.inW(), oD = g.outD(), oH = g.outH(), oW = g.outW();
        int sW = g.strideW(), pW = g.padW(), dW = g.dilW(), kW = g.kW();
        int sD = g.strideD(), pD = g.padD(), dD = g.dilD(), sH = g.strideH(), pH = g.padH(), dH = g.dilH();
        int inPlane = g.inPlane();
        int r = 0;
        for (int c = 0; c < channels; c++)
            for (int kd = 0; kd < g.kD(); kd++)
                for (int kh = 0; kh < g.kH(); kh++)
                    for (int kw = 0; kw < kW; kw++, r++) {
                        int rowBase = colOff + r * ldCol;               // start of this image in column row r
                        int owLo = validLo(pW - kw * dW, sW), owHi = validHi(inW - 1 + pW - kw * dW, sW, oW);
                        for (int od = 0; od < oD; od++) {
                            int id = od * sD - pD + kd * dD;
                            for (int oh = 0; oh < oH; oh++) {
                                int ih = oh * sH - pH + kh * dH;
                                int dst = rowBase + (od * oH + oh) * oW;
                                if (id < 0 || id >= inD || ih < 0 || ih >= inH || owLo >= owHi) {
                                    zero(col, dst, oW);
                                    continue;
                                }
                                int src = xOff + c * inPlane + (id * inH + ih) * inW - pW + kw * dW; // + ow·sW
                                zero(col, dst, owLo);
                                if (sW == 1) copy(x, src + owLo, col, dst + owLo, owHi - owLo);
                                else for (int ow = owLo; ow < owHi; ow++) col[dst + ow] = x[src + ow * sW];
                                zero(col, dst + owHi, oW - owHi);
                            }
                        }
                    }
    }

    /**
     * Adds the columns back onto the input positions they were read from (the adjoint of {@link #im2col}).
     *
     * @param col input {@code (channels·kD·kH·kW, oD·oH·oW)}
     * @param gx  gradient buffer; the {@code channels} planes start at {@code gxOff}; accumulated into
     */
    static void col2imAdd(ConvGeometry g, float[] col, float[] gx, int gxOff, int channels) {
        col2imAdd(g, col, 0, g.outPlane(), gx, gxOff, channels);
    }

    /**
     * {@link #col2imAdd(ConvGeometry, float[], float[], int, int)} reading one image's columns
     * {@code [colOff, colOff + oD·oH·oW)} of a column matrix with leading dimension {@code ldCol}.
     */
    static void col2imAdd(ConvGeometry g, float[] col, int colOff, int ldCol, float[] gx, int gxOff, int channels) {
        if (byTaps(g)) {
            col2imAddByTaps(g, col, colOff, ldCol, gx, gxOff, channels, allTaps(g));
            return;
        }
        int inD = g.inD(), inH = g.inH(), inW = g.inW(), oD = g.outD(), oH = g.outH(), oW = g.outW();
        int sW = g.strideW(), pW = g.padW(), dW = g.dilW(), kW = g.kW();
        int sD = g.strideD(), pD = g.padD(), dD = g.dilD(), sH = g.strideH(), pH = g.padH(), dH = g.dilH();
        int inPlane = g.inPlane();
        int r = 0;
        for (int c = 0; c < channels; c++)
            for (int kd = 0; kd < g.kD(); kd++)
                for (int kh = 0; kh < g.kH(); kh++)
                    for (int kw = 0; kw < kW; kw++, r++) {
                        int rowBase = colOff + r * ldCol;
                        int owLo = validLo(pW - kw * dW, sW), owHi = validHi(inW - 1 + pW - kw * dW, sW, oW);
                        if (owLo >= owHi) continue;
                        for (int od = 0; od < oD; od++) {
                            int id = od * sD - pD + kd * dD;
                            if (id < 0 || id >= inD) continue;
                            for (int oh = 0; oh < oH; oh++) {
                                int ih = oh * sH - pH + kh * dH;
                                if (ih < 0 || ih >= inH) continue;
                                int src = rowBase + (od * oH + oh) * oW;
                                int dst = gxOff + c * inPlane + (id * inH + ih) * inW - pW + kw * dW;
                                if (sW == 1) add(col, src + owLo, gx, dst + owLo, owHi - owLo);
                                else for (int ow = owLo; ow < owHi; ow++) gx[dst + ow * sW] += col[src + ow];
                            }
                        }
                    }
    }

    // ---------------------------------------------------------------- narrow output rows: one gather per tap

    /** The last geometry's tap offsets on this thread (a call computes them once, every image reuses them). */
    private static final ThreadLocal<Object[]> TAPS = ThreadLocal.withInitial(() -> new Object[2]);

    /**
     * For every kernel tap t = (kd·kH + kh)·kW + kw and output position p = (od·oH + oh)·oW + ow, the offset of the
     * input element it reads within one channel plane, {@code (id·H + ih)·W + iw}, or −1 where it falls in the
     * padding: {@code (kD·kH·kW, oD·oH·oW)}.
     */
    static int[] tapOffsets(ConvGeometry g) {
        Object[] cache = TAPS.get();
        if (cache[0] == g) return (int[]) cache[1];
        int oD = g.outD(), oH = g.outH(), oW = g.outW(), P = g.outPlane();
        int[] map = new int[g.kernelVolume() * P];
        int t = 0;
        for (int kd = 0; kd < g.kD(); kd++)
            for (int kh = 0; kh < g.kH(); kh++)
                for (int kw = 0; kw < g.kW(); kw++, t++)
                    for (int od = 0, p = 0; od < oD; od++) {
                        int id = od * g.strideD() - g.padD() + kd * g.dilD();
                        for (int oh = 0; oh < oH; oh++) {
                            int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                            for (int ow = 0; ow < oW; ow++, p++) {
                                int iw = ow * g.strideW() - g.padW() + kw * g.dilW();
                                boolean inside = id >= 0 && id < g.inD() && ih >= 0 && ih < g.inH() && iw >= 0 && iw < g.inW();
                                map[t * P + p] = inside ? (id * g.inH() + ih) * g.inW() + iw : -1;
                            }
                        }
                    }
        cache[0] = g;
        cache[1] = map;
        return map;
    }

    /**
     * True when {@link #im2col} goes through {@link #im2colByTaps}: output rows too short to copy in runs, or a
     * W-stride that makes the copy a gather anyway.
     */
    static boolean byTaps(ConvGeometry g) {
        return g.outW() < SHORT_RUN || g.strideW() != 1;
    }

    /**
     * Kernel taps {@code t = (kd·kH + kh)·kW + kw} that read at least one input element; the others only ever see
     * padding (a 3×3 "same" convolution on a 1×1 plane has one live tap, the centre), so their column rows are zero
     * and their weights never matter. Ascending.
     */
    static int[] liveTaps(ConvGeometry g) {
        boolean[] d = liveAlong(g.kD(), g.outD(), g.strideD(), g.padD(), g.dilD(), g.inD());
        boolean[] h = liveAlong(g.kH(), g.outH(), g.strideH(), g.padH(), g.dilH(), g.inH());
        boolean[] w = liveAlong(g.kW(), g.outW(), g.strideW(), g.padW(), g.dilW(), g.inW());
        int[] taps = new int[g.kernelVolume()];
        int n = 0;
        for (int kd = 0; kd < g.kD(); kd++)
            for (int kh = 0; kh < g.kH(); kh++)
                for (int kw = 0; kw < g.kW(); kw++)
                    if (d[kd] && h[kh] && w[kw]) taps[n++] = (kd * g.kH() + kh) * g.kW() + kw;
        return Arrays.copyOf(taps, n);
    }

    /** {@code live[k]}: some output position {@code o < out} reads input {@code o·s − p + k·dil} inside {@code [0, in)}. */
    private static boolean[] liveAlong(int k, int out, int s, int p, int dil, int in) {
        boolean[] live = new boolean[k];
        for (int i = 0; i < k; i++) live[i] = validLo(p - i * dil, s) < validHi(in - 1 + p - i * dil, s, out);
        return live;
    }

    /** Every tap, {@code 0 .. kD·kH·kW − 1}. */
    static int[] allTaps(ConvGeometry g) {
        int[] t = new int[g.kernelVolume()];
        for (int i = 0; i < t.length; i++) t[i] = i;
        return t;
    }

    /**
     * {@link #im2col} through {@link #tapOffsets}, one gather per column row, for the given taps only: row
     * {@code c·taps.length + i} holds tap {@code taps[i]} of channel c.
     *
     * @param col output {@code (channels·taps.length, ldCol)}; only this image's columns {@code [colOff, colOff + P)}
     */
    static void im2colByTaps(ConvGeometry g, float[] x, int xOff, int channels, int[] taps,
                             float[] col, int colOff, int ldCol) {
        int[] map = tapOffsets(g);
        int P = g.outPlane(), inPlane = g.inPlane();
        for (int c = 0, r = 0; c < channels; c++) {
            int xc = xOff + c * inPlane;                                        // x[c] (D, H, W)
            for (int t : taps) {
                int dst = colOff + r++ * ldCol, m = t * P;
                for (int p = 0; p < P; p++) {
                    int s = map[m + p];
                    col[dst + p] = s < 0 ? 0f : x[xc + s];
                }
            }
        }
    }

    /** The adjoint of {@link #im2colByTaps}: each column row scatter-added through {@link #tapOffsets}. */
    static void col2imAddByTaps(ConvGeometry g, float[] col, int colOff, int ldCol, float[] gx, int gxOff,
                                int channels, int[] taps) {
        int[] map = tapOffsets(g);
        int P = g.outPlane(), inPlane = g.inPlane();
        for (int c = 0, r = 0; c < channels; c++) {
            int gc = gxOff + c * inPlane;                                       // gx[c] (D, H, W)
            for (int t : taps) {
                int src = colOff + r++ * ldCol, m = t * P;
                for (int p = 0; p < P; p++) {
                    int s = map[m + p];
                    if (s >= 0) gx[gc + s] += col[src + p];
                }
            }
        }
    }

    /** Runs shorter than this are copied / added with a plain loop (a call costs more than the work). */
    private static final int SHORT_RUN = 16;

    /** {@code a[off, off + len) = 0}. */
    private static void zero(float[] a, int off, int len) {
        if (len >= SHORT_RUN) Arrays.fill(a, off, off + len, 0f);
        else for (int i = off, end = off + len; i < end; i++) a[i] = 0f;
    }

    /** {@code dst[dOff + i] = src[sOff + i]} for {@code i < len}. */
    private static void copy(float[] src, int sOff, float[] dst, int dOff, int len) {
        if (len >= SHORT_RUN) System.arraycopy(src, sOff, dst, dOff, len);
        else for (int i = 0; i < len; i++) dst[dOff + i] = src[sOff + i];
    }

    /** {@code dst[dOff + i] += src[sOff + i]} for {@code i < len}. */
    private static void add(float[] src, int sOff, float[] dst, int dOff, int len) {
        if (len >= SHORT_RUN) VectorMath.axpy(1f, src, sOff, dst, dOff, len);
        else for (int i = 0; i < len; i++) dst[dOff + i] += src[sOff + i];
    }

    /** Smallest {@code o >= 0} with {@code o·s >= need}, i.e. {@code ceil(need / s)} clamped at 0. */
    static int validLo(int need, int s) {
        return need <= 0 ? 0 : (need + s - 1) / s;
    }

    /** One past the largest {@code o < out} with {@code o·s <= limit}; 0 if none. */
    static int validHi(int limit, int s, int out) {
        return limit < 0 ? 0 : Math.min(out, limit / s + 1);
    }
}
