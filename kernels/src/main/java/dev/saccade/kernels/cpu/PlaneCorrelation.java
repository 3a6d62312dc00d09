package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * A k×k correlation (PyTorch's {@code conv2d} without flipping) of a few zero-bordered planes summed into one output
 * plane, then σ or ReLU: the small maps of CBAM's and W3's spatial attention (a 7×7 over two pooled planes; a
 * 3×3×3 over three frames as three planes). Each output row is walked four vectors at a time: every tap is broadcast
 * once per chunk and feeds four accumulators from plain loads — a row's last vector may read up to L − 2 floats past
 * the bordered row (lanes that are never stored), so the source carries {@link #SLACK} floats past its end — and only
 * a row's last, partial vector is stored through a mask. Taps are summed in (plane, row, column) order with fused multiply-adds.
 *
 * <pre>{@code
 * float[] padded = new float[2 * (h + 6) * (w + 6) + PlaneCorrelation.SLACK];   // two planes, a zero border of 3
 * PlaneCorrelation.apply(padded, 0, w + 6, 2, (h + 6) * (w + 6), 7, kernel, h, w, true, map, 0, w);
 * }</pre>
 */
final class PlaneCorrelation {
    private static final VectorSpecies<Float> V = Simd.F;
    private static final int L = V.length();
    /**
     * Floats a source must have past its last plane: a vector is loaded only when its first output column is inside
     * the row (≤ w − 1), so its last lane reads at most column w − 1 + (k − 1) + (L − 1), L − 2 past a bordered row
     * of w + k − 1.
     */
    static final int SLACK = L;

    private PlaneCorrelation() {}

    /**
     * {@code out[at + i·stride + j] = act(Σ_{p, ky, kx} kernel[(p·k + ky)·k + kx]·src[base + p·planeStride
     * + (i + ky)·rowStride + j + kx])} for the h × w outputs, act σ ({@code sigmoid}) or ReLU. src holds the
     * planes with their zero borders (rows of {@code rowStride} ≥ w + k − 1) and {@link #SLACK} more floats.
     */
    static void apply(float[] src, int base, int rowStride, int planes, int planeStride, int k, float[] kernel, int h,
                      int w, boolean sigmoid, float[] out, int at, int stride) {
        FloatVector zero = FloatVector.zero(V);
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j += 4 * L) {
                int vectors = Math.min(4, (w - j + L - 1) / L);
                FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
                for (int p = 0; p < planes; p++) {
                    for (int ky = 0; ky < k; ky++) {
                        int s = base + p * planeStride + (i + ky) * rowStride + j, tap = (p * k + ky) * k;
                        for (int kx = 0; kx < k; kx++) {
                            FloatVector b = FloatVector.broadcast(V, kernel[tap + kx]);
                            a0 = FloatVector.fromArray(V, src, s + kx).fma(b, a0);
                            if (vectors > 1) a1 = FloatVector.fromArray(V, src, s + kx + L).fma(b, a1);
                            if (vectors > 2) a2 = FloatVector.fromArray(V, src, s + kx + 2 * L).fma(b, a2);
                            if (vectors > 3) a3 = FloatVector.fromArray(V, src, s + kx + 3 * L).fma(b, a3);
                        }
                    }
                }
                int o = at + i * stride + j;
                store(a0, sigmoid, out, o, j, w);
                if (vectors > 1) store(a1, sigmoid, out, o + L, j + L, w);
                if (vectors > 2) store(a2, sigmoid, out, o + 2 * L, j + 2 * L, w);
                if (vectors > 3) store(a3, sigmoid, out, o + 3 * L, j + 3 * L, w);
            }
        }
    }

    /** σ or ReLU of the outputs (i, j … j + L) at {@code o}, those past column w − 1 left as they are. */
    private static void store(FloatVector acc, boolean sigmoid, float[] out, int o, int j, int w) {
        FloatVector v = sigmoid ? VectorExp.sigmoid(acc) : acc.max(0f);
        if (j + L <= w) {
            v.intoArray(out, o);
        } else {
            VectorMask<Float> lanes = V.indexInRange(j, w);
            v.intoArray(out, o, lanes);
        }
    }
}
