package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * How {@link ConvFused} stores a register tile: the (MR, NR) accumulators of output channels {@code co0 …} and chunk
 * columns {@code c0 …} go to {@code y (N, C_out, P)}, column {@code c = i·P + p} to image {@code n0 + i}, position p.
 * The first KC block overwrites y (never reading it, so y need not be zeroed), later ones add to it, and the last
 * one adds the bias and the residual and applies the activation before its store: one pass over the output
 * (MLAS {@code PostProcessBlock}: accumulate, bias, activation in registers; oneDNN post-ops). With {@code gate} the
 * last block writes {@code residual·(σ(v) + 1)} instead ({@link ConvFused#forwardGated}; act is then NONE).
 *
 * @param residual (N, C_out, P) or null; the gate input when {@code gate}
 * @param bias     (C_out) or null
 */
record ConvEpilogue(float[] y, float[] residual, boolean gate, float[] bias, ConvActivation act, int cOut, int plane, int n0) {
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    /** The most images an NR-column tile can span. */
    static int maxSegments(int plane) { return (NR - 1) / plane + 2; }

    /**
     * Cuts chunk columns {@code [c0, c0 + nr)} into segments of lanes that share an image: segment s covers the
     * lanes set in {@code lanes[s]}, and lane t of it is y at {@code offset[s] + co·plane + t} for output channel co.
     *
     * @return the number of segments
     */
    int segments(int c0, int nr, int[] offset, long[] lanes) {
        int segments = 0;
        for (int t = 0; t < nr; segments++) {
            int c = c0 + t, i = c / plane, p = c - i * plane, len = Math.min(nr - t, plane - p);
            offset[segments] = (n0 + i) * cOut * plane + p - t;
            lanes[segments] = ((1L << len) - 1) << t;
            t += len;
        }
        return segments;
    }

    /** Stores rows {@code [0, mr)} × columns {@code [0, nr)} of acc (MR, NR). */
    void store(float[] acc, int mr, int nr, int co0, int c0, boolean first, boolean last) {
        for (int r = 0; r < mr; r++) {
            int co = co0 + r;
            float b = bias == null || !last ? 0f : bias[co];
            for (int t = 0; t < nr; ) {
                int c = c0 + t, i = c / plane, p = c - i * plane, len = Math.min(nr - t, plane - p);
                segment(acc, r * NR + t, len, ((n0 + i) * cOut + co) * plane + p, first, last, b);
                t += len;
            }
        }
    }

    /** {@code y[d + j] = epilogue(acc[a + j])} for j in {@code [0, len)}: whole vectors, then a masked tail. */
    private void segment(float[] acc, int a, int len, int d, boolean first, boolean last, float b) {
        int j = 0;
        if (last) {
            FloatVector vb = FloatVector.broadcast(S, b);
            for (; j + L <= len; j += L) {
                FloatVector v = FloatVector.fromArray(S, acc, a + j).add(vb);
                if (!first) v = v.add(FloatVector.fromArray(S, y, d + j));
                if (gate) v = FloatVector.fromArray(S, residual, d + j).mul(VectorExp.sigmoid(v).add(ONE));
                else if (residual != null) v = v.add(FloatVector.fromArray(S, residual, d + j));
                v = VectorActivation.apply(v, act);
                v.intoArray(y, d + j);
            }
        } else if (first) {
            for (; j + L <= len; j += L) FloatVector.fromArray(S, acc, a + j).intoArray(y, d + j);
        } else {
            for (; j + L <= len; j += L)
                FloatVector.fromArray(S, acc, a + j).add(FloatVector.fromArray(S, y, d + j)).intoArray(y, d + j);
        }
        if (j < len) {                                   // the tail as one masked vector (tiles straddling images)
            VectorMask<Float> m = S.indexInRange(j, len);
            FloatVector v = FloatVector.fromArray(S, acc, a + j, m);
            if (last) v = v.add(b);                      // the order of the whole vectors: acc + b + y + residual
            if (!first) v = v.add(FloatVector.fromArray(S, y, d + j, m));
            if (last) {
                if (gate) v = FloatVector.fromArray(S, residual, d + j, m).mul(VectorExp.sigmoid(v).add(ONE));
                else if (residual != null) v = v.add(FloatVector.fromArray(S, residual, d + j, m));
                v = VectorActivation.apply(v, act);
            }
            v.intoArray(y, d + j, m);
        }
    }
}
