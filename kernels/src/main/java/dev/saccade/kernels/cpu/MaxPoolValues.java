package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling for inference: the window maxima only, no argmax (nothing will route a gradient), separably for 2-d
 * windows with dilation 1 (ResNet's 3×3/2 stem pool): per output row, the element-wise max of the window's input
 * rows as whole vectors along W, then the max over each window's columns of that row — for the 3-wide, stride-2,
 * pad-1 window (the stem pool) in vectors too: the row is split into its even and odd columns by two shuffles per
 * 2L columns, and output column j is {@code max(E[j], O[j], E[j + 1])} of the bordered row. Padding never wins and a NaN
 * wins, as {@code torch.nn.functional.max_pool2d}. Other geometries fall back to {@link PoolKernels#maxForward}.
 * (ONNX Runtime MLAS {@code MlasPool}: windows trimmed to the input, never padded copies.)
 *
 * <pre>{@code
 * MaxPoolValues.forward(PoolGeometry.pool2d(8, 64, 112, 112, 3, 2, 1), x, y);
 * }</pre>
 */
final class MaxPoolValues {
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, i -> 2 * i), ODD = VectorShuffle.fromOp(F, i -> 2 * i + 1);
    private static final int L = F.length();

    private MaxPoolValues() {}

    /** Whether {@link #forward} runs the separable kernel for g (otherwise it delegates). */
    static boolean separable(PoolGeometry g) {
        return g.kD() == 1 && g.strideD() == 1 && g.padD() == 0 && g.dilH() == 1 && g.dilW() == 1;
    }

    /** y (N, C, oH, oW) = window maxima of x (N, C, H, W); y overwritten. */
    static void forward(PoolGeometry g, float[] x, float[] y) {
        if (!separable(g)) {
            PoolKernels.maxForward(g, x, y, new int[g.outputLength()]);
            return;
        }
        int inPlane = g.inPlane(), outPlane = g.outPlane(), inH = g.inH(), inW = g.inW(), planes = g.n() * g.c();
        int oH = g.outH(), oW = g.outW(), kH = g.kH(), kW = g.kW(), sH = g.strideH(), sW = g.strideW();
        int pH = g.padH(), pW = g.padW(), bound = F.loopBound(inW);
        boolean stemWindow = kW == 3 && sW == 2 && pW == 1;
        CpuThreads.parallelFor(0, planes * oH, 16, (lo, hi) -> {
            float[][] holder = ROW.get();
            if (holder[0].length < inW) holder[0] = new float[inW];
            if (holder[1].length < 2 * (inW / 2 + 2 + 2 * L)) holder[1] = new float[2 * (inW / 2 + 2 + 2 * L)];
            float[] row = holder[0], eo = holder[1];                                    // (W): max over window rows
            for (int item = lo; item < hi; item++) {                                    // item = plane·oH + oh
                int plane = item / oH, oh = item - plane * oH;
                int h0 = Math.max(0, oh * sH - pH), h1 = Math.min(inH, oh * sH - pH + kH);
                int first = plane * inPlane + h0 * inW;
                System.arraycopy(x, first, row, 0, inW);
                for (int ih = h0 + 1; ih < h1; ih++) {
                    int src = plane * inPlane + ih * inW, w = 0;
                    for (; w < bound; w += F.length()) {
                        FloatVector.fromArray(F, row, w).max(FloatVector.fromArray(F, x, src + w)).intoArray(row, w);
                    }
                    for (; w < inW; w++) row[w] = max(row[w], x[src + w]);
                }
                int o = plane * outPlane + oh * oW;
                if (stemWindow) {
                    stemRow(row, inW, eo, y, o, oW);
                    continue;
                }
                for (int ow = 0; ow < oW; ow++) {
                    int w0 = Math.max(0, ow * sW - pW), w1 = Math.min(inW, ow * sW - pW + kW);
                    float best = row[w0];
                    for (int w = w0 + 1; w < w1; w++) best = max(best, row[w]);
                    y[o + ow] = best;
                }
            }
        });
    }

    /**
     * {@code y[o + j] = max(row[2j − 1], row[2j], row[2j + 1])} (columns outside the row left out) for j &lt; oW. With
     * the bordered row B[q] = row[q − 1] (B[0] and B[W + 1] −∞), E[c] = B[2c] and O[c] = B[2c + 1] in eo (E from 0,
     * O from the middle): y[o + j] = max(E[j], O[j], E[j + 1]).
     */
    private static void stemRow(float[] row, int w, float[] eo, float[] y, int o, int oW) {
        int half = eo.length / 2;                                                  // O starts here
        for (int iw = 0, c = 0; iw < w; iw += 2 * L, c += L) {
            FloatVector lo, hi;                                                    // row[2c …], O[c] = row[2c], E[c + 1] = row[2c + 1]
            if (iw + 2 * L <= w) {
                lo = FloatVector.fromArray(F, row, iw);
                hi = FloatVector.fromArray(F, row, iw + L);
            } else {
                lo = FloatVector.fromArray(F, row, iw, F.indexInRange(iw, w));
                hi = FloatVector.fromArray(F, row, iw + L, F.indexInRange(iw + L, w));
            }
            lo.rearrange(ODD, hi).intoArray(eo, 1 + c);
            lo.rearrange(EVEN, hi).intoArray(eo, half + c);
        }
        eo[0] = Float.NEGATIVE_INFINITY;                                           // B[0], the left padding
        eo[1 + w / 2] = Float.NEGATIVE_INFINITY;                                   // past the odd columns: B[W + 1] when W is odd
        int j = 0;
        for (; j + L <= oW; j += L) {
            FloatVector.fromArray(F, eo, j).max(FloatVector.fromArray(F, eo, half + j)).max(FloatVector.fromArray(F, eo, j + 1))
                    .intoArray(y, o + j);
        }
        if (j < oW) {
            var m = F.indexInRange(j, oW);
            FloatVector.fromArray(F, eo, j).max(FloatVector.fromArray(F, eo, half + j)).max(FloatVector.fromArray(F, eo, j + 1))
                    .intoArray(y, o + j, m);
        }
    }

    /** The larger, NaN winning (as {@code Math.max} and the vector {@code max}). */
    private static float max(float a, float b) { return Math.max(a, b); }

    /** The scalar twin: {@link PoolKernels#maxForwardScalar}'s values. */
    static void forwardScalar(PoolGeometry g, float[] x, float[] y) {
        PoolKernels.maxForwardScalar(g, x, y, new int[g.outputLength()]);
    }
}
