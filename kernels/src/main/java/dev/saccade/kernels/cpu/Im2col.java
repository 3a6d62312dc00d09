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
        int inD = g.inD(), inH = g.inH(), inW = g.inW(), oD = g.outD(), oH = g.outH(), oW = g.outW();
        int sW = g.strideW(), pW = g.padW(), dW = g.dilW(), kW = g.kW();
        int inPlane = g.inPlane();
        int r = 0;
        for (int c = 0; c < channels; c++)
            for (int kd = 0; kd < g.kD(); kd++)
                for (int kh = 0; kh < g.kH(); kh++)
                    for (int kw = 0; kw < kW; kw++, r++) {
                        int rowBase = r * oD * oH * oW;                 // start of column row r
                        int owLo = validLo(pW - kw * dW, sW), owHi = validHi(inW - 1 + pW - kw * dW, sW, oW);
                        for (int od = 0; od < oD; od++) {
                            int id = od * g.strideD() - g.padD() + kd * g.dilD();
                            for (int oh = 0; oh < oH; oh++) {
                                int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                int dst = rowBase + (od * oH + oh) * oW;
                                if (id < 0 || id >= inD || ih < 0 || ih >= inH || owLo >= owHi) {
                                    Arrays.fill(col, dst, dst + oW, 0f);
                                    continue;
                                }
                                int src = xOff + c * inPlane + (id * inH + ih) * inW - pW + kw * dW; // + ow·sW
                                if (owLo > 0) Arrays.fill(col, dst, dst + owLo, 0f);
                                if (sW == 1) System.arraycopy(x, src + owLo, col, dst + owLo, owHi - owLo);
                                else for (int ow = owLo; ow < owHi; ow++) col[dst + ow] = x[src + ow * sW];
                                if (owHi < oW) Arrays.fill(col, dst + owHi, dst + oW, 0f);
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
        int inD = g.inD(), inH = g.inH(), inW = g.inW(), oD = g.outD(), oH = g.outH(), oW = g.outW();
        int sW = g.strideW(), pW = g.padW(), dW = g.dilW(), kW = g.kW();
        int inPlane = g.inPlane();
        int r = 0;
        for (int c = 0; c < channels; c++)
            for (int kd = 0; kd < g.kD(); kd++)
                for (int kh = 0; kh < g.kH(); kh++)
                    for (int kw = 0; kw < kW; kw++, r++) {
                        int rowBase = r * oD * oH * oW;
                        int owLo = validLo(pW - kw * dW, sW), owHi = validHi(inW - 1 + pW - kw * dW, sW, oW);
                        if (owLo >= owHi) continue;
                        for (int od = 0; od < oD; od++) {
                            int id = od * g.strideD() - g.padD() + kd * g.dilD();
                            if (id < 0 || id >= inD) continue;
                            for (int oh = 0; oh < oH; oh++) {
                                int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                if (ih < 0 || ih >= inH) continue;
                                int src = rowBase + (od * oH + oh) * oW;
                                int dst = gxOff + c * inPlane + (id * inH + ih) * inW - pW + kw * dW;
                                if (sW == 1) VectorMath.axpy(1f, col, src + owLo, gx, dst + owLo, owHi - owLo);
                                else for (int ow = owLo; ow < owHi; ow++) gx[dst + ow * sW] += col[src + ow];
                            }
                        }
                    }
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
