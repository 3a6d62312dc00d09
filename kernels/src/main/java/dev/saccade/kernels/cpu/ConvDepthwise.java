package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

/**
 * Direct depthwise convolution ({@code groups == C_in == C_out}, one filter per channel; MobileNet, Howard et al.
 * 2017; PyTorch {@code Conv{1,2,3}d(C, C, k, groups=C)}), 1-, 2- and 3-d, vectorised along W with the Vector API
 * when the W-stride is 1 (each kernel tap is then an {@code axpy} over a contiguous output row); other W-strides use
 * the same loops with a scalar inner loop. The oracle is {@link ConvKernels#forwardScalar} and its backward twins.
 *
 * <pre>
 *   y[n, c, o]   = b[c] + Σ_k w[c, k] · x[n, c, o·s − p + k·d]
 *   gx[n, c, i]  = Σ_{o, k : o·s − p + k·d = i} w[c, k] · gy[n, c, o]
 *   gw[c, k]     = Σ_{n, o} x[n, c, o·s − p + k·d] · gy[n, c, o]
 * </pre>
 */
final class ConvDepthwise {
    private ConvDepthwise() {}

    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        forward(g, x, w, bias, null, ConvActivation.NONE, y);
    }

    /**
     * {@code y = act(conv(x, w) + b + residual)}: each output plane is finished (residual, activation) right after
     * it is computed, while it is still in cache; y is overwritten.
     */
    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] residual, ConvActivation act,
                        float[] y) {
        int C = g.cIn(), inPlane = g.inPlane(), outPlane = g.outPlane(), kVol = g.kernelVolume();
        int oD = g.outD(), oH = g.outH(), oW = g.outW(), inH = g.inH(), inW = g.inW();
        int sW = g.strideW(), pW = g.padW(), dW = g.dilW(), kW = g.kW();
        CpuThreads.parallelFor(0, g.n() * C, 4, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {                     // plane = n·C + c
                int c = plane % C, xBase = plane * inPlane, yBase = plane * outPlane, wBase = c * kVol;
                Arrays.fill(y, yBase, yBase + outPlane, bias == null ? 0f : bias[c]);
                for (int od = 0; od < oD; od++)
                    for (int oh = 0; oh < oH; oh++) {
                        int yRow = yBase + (od * oH + oh) * oW;              // y[n, c, od, oh, :]  (oW)
                        for (int kd = 0; kd < g.kD(); kd++) {
                            int id = od * g.strideD() - g.padD() + kd * g.dilD();
                            if (id < 0 || id >= g.inD()) continue;
                            for (int kh = 0; kh < g.kH(); kh++) {
                                int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                if (ih < 0 || ih >= inH) continue;
                                int xRow = xBase + (id * inH + ih) * inW;    // x[n, c, id, ih, :]  (W)
                                for (int kw = 0; kw < kW; kw++) {
                                    float wv = w[wBase + (kd * g.kH() + kh) * kW + kw];
                                    int lo2 = Im2col.validLo(pW - kw * dW, sW), hi2 = Im2col.validHi(inW - 1 + pW - kw * dW, sW, oW);
                                    if (lo2 >= hi2) continue;
                                    int xs = xRow - pW + kw * dW;            // x index of ow = 0 (before ·sW)
                                    if (sW == 1) VectorMath.axpy(wv, x, xs + lo2, y, yRow + lo2, hi2 - lo2);
                                    else for (int ow = lo2; ow < hi2; ow++) y[yRow + ow] += wv * x[xs + ow * sW];
                                }
                            }
                        }
                    }
                if (residual != null || act != ConvActivation.NONE) VectorMath.epilogue(y, residual, yBase, outPlane, act);
            }
        });
    }

    static void backwardData(ConvGeometry g, float[] gy, float[] w, float[] gx) {
        int C = g.cIn(), inPlane = g.inPlane(), outPlane = g.outPlane(), kVol = g.kernelVolume();
        int oD = g.outD(), oH = g.outH(), oW = g.outW(), inH = g.inH(), inW = g.inW();
        int sW = g.strideW(), pW = g.padW(), dW = g.dilW(), kW = g.kW();
        CpuThreads.parallelFor(0, g.n() * C, 4, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int c = plane % C, xBase = plane * inPlane, yBase = plane * outPlane, wBase = c * kVol;
                Arrays.fill(gx, xBase, xBase + inPlane, 0f);
                for (int od = 0; od < oD; od++)
                    for (int oh = 0; oh < oH; oh++) {
                        int yRow = yBase + (od * oH + oh) * oW;              // gy[n, c, od, oh, :]  (oW)
                        for (int kd = 0; kd < g.kD(); kd++) {
                            int id = od * g.strideD() - g.padD() + kd * g.dilD();
                            if (id < 0 || id >= g.inD()) continue;
                            for (int kh = 0; kh < g.kH(); kh++) {
                                int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                if (ih < 0 || ih >= inH) continue;
                                int xRow = xBase + (id * inH + ih) * inW;    // gx[n, c, id, ih, :]  (W)
                                for (int kw = 0; kw < kW; kw++) {
                                    float wv = w[wBase + (kd * g.kH() + kh) * kW + kw];
                                    int lo2 = Im2col.validLo(pW - kw * dW, sW), hi2 = Im2col.validHi(inW - 1 + pW - kw * dW, sW, oW);
                                    if (lo2 >= hi2) continue;
                                    int xs = xRow - pW + kw * dW;
                                    if (sW == 1) VectorMath.axpy(wv, gy, yRow + lo2, gx, xs + lo2, hi2 - lo2);
                                    else for (int ow = lo2; ow < hi2; ow++) gx[xs + ow * sW] += wv * gy[yRow + ow];
                                }
                            }
                        }
                    }
            }
        });
    }

    static void backwardFilter(ConvGeometry g, float[] x, float[] gy, float[] gw) {
        int C = g.cIn(), inPlane = g.inPlane(), outPlane = g.outPlane(), kVol = g.kernelVolume();
        int oD = g.outD(), oH = g.outH(), oW = g.outW(), inH = g.inH(), inW = g.inW();
        int sW = g.strideW(), pW = g.padW(), dW = g.dilW(), kW = g.kW();
        CpuThreads.parallelFor(0, C, 2, (lo, hi) -> {                       // each channel owns gw[c, :]
            for (int c = lo; c < hi; c++)
                for (int kd = 0; kd < g.kD(); kd++)
                    for (int kh = 0; kh < g.kH(); kh++)
                        for (int kw = 0; kw < kW; kw++) {
                            int lo2 = Im2col.validLo(pW - kw * dW, sW), hi2 = Im2col.validHi(inW - 1 + pW - kw * dW, sW, oW);
                            FloatVector acc = FloatVector.zero(VectorMath.F);
                            float tail = 0f;
                            for (int n = 0; n < g.n() && lo2 < hi2; n++) {
                                int plane = n * C + c, xBase = plane * inPlane, yBase = plane * outPlane;
                                for (int od = 0; od < oD; od++) {
                                    int id = od * g.strideD() - g.padD() + kd * g.dilD();
                                    if (id < 0 || id >= g.inD()) continue;
                                    for (int oh = 0; oh < oH; oh++) {
                                        int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                                        if (ih < 0 || ih >= inH) continue;
                                        int xs = xBase + (id * inH + ih) * inW - pW + kw * dW;
                                        int yRow = yBase + (od * oH + oh) * oW;
                                        if (sW == 1) {
                                            acc = VectorMath.dotInto(acc, x, xs + lo2, gy, yRow + lo2, hi2 - lo2);
                                            tail += VectorMath.dotTail(x, xs + lo2, gy, yRow + lo2, hi2 - lo2);
                                        } else {
                                            for (int ow = lo2; ow < hi2; ow++) tail += x[xs + ow * sW] * gy[yRow + ow];
                                        }
                                    }
                                }
                            }
                            gw[c * kVol + (kd * g.kH() + kh) * kW + kw] = Simd.sumLanes(acc) + tail;
                        }
        });
    }
}
