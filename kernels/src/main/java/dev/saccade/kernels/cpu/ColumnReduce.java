package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ReduceOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sum / max / min over axes that leave x's innermost, unit-stride axis kept ({@code x.sum(1)} of (N, C, H·W),
 * {@code amax} over channels, a bias gradient summed over the batch): every output row of length L accumulates whole
 * contiguous rows of x, L lanes at a time, in the fixed order of the reduced indices. Reducing one output element at
 * a time would walk x with a large stride, one element per step. Sums accumulate in float lanes; the scalar twin
 * ({@code -Dsaccade.cpu.simd=false}) goes through {@link CpuReduce}'s per-element path in double.
 *
 * <pre>{@code
 * // x (N, C, L) contiguous, reduced axis 1: out (N, 1, L)
 * ColumnReduce.reduce(ReduceOp.SUM, x, xOffset, new int[] {n}, new int[] {c * l}, l, new int[] {c}, new int[] {l}, out, 0);
 * }</pre>
 */
final class ColumnReduce {
    private static final VectorSpecies<Float> S = Simd.F;
    /** Output elements a task takes at least: an L-row times the reduced count should be worth a thread. */
    private static final int GRAIN_ELEMENTS = 1 << 14;

    private ColumnReduce() {}

    /**
     * @param outerDims    kept axes of x except the innermost, with their strides {@code outerStrides}
     * @param inner        length L of the kept innermost axis (stride 1 in x)
     * @param redDims      reduced axes of x, with their strides {@code redStrides}
     * @param out          contiguous output, row {@code p} of the outer positions at {@code outOffset + p·L}
     */
    static void reduce(ReduceOp op, float[] x, int xOffset, int[] outerDims, int[] outerStrides, int inner,
                       int[] redDims, int[] redStrides, float[] out, int outOffset) {
        int outer = 1, redCount = 1;
        for (int d : outerDims) outer *= d;
        for (int d : redDims) redCount *= d;
        if (outer == 0 || inner == 0) return;
        int[] redOffsets = offsets(redDims, redStrides, redCount);      // x offset of each reduced index, in order
        int chunk = Math.max(S.length(), Math.min(inner, GRAIN_ELEMENTS / Math.max(1, redCount)) / S.length() * S.length());
        int chunksPerRow = (inner + chunk - 1) / chunk;
        int grain = Math.max(1, GRAIN_ELEMENTS / Math.max(1, Math.min(inner, chunk) * redCount));
        CpuThreads.parallelFor(0, outer * chunksPerRow, grain, (lo, hi) -> {
            int[] idx = new int[outerDims.length];
            for (int task = lo; task < hi; task++) {
                int p = task / chunksPerRow, from = (task % chunksPerRow) * chunk, len = Math.min(chunk, inner - from);
                int rem = p, base = xOffset + from;
                for (int a = outerDims.length - 1; a >= 0; a--) {
                    idx[a] = rem % outerDims[a];
                    rem /= outerDims[a];
                    base += idx[a] * outerStrides[a];
                }
                accumulateRow(op, x, base, redOffsets, out, outOffset + p * inner + from, len);
            }
        });
    }

    /** {@code out[o..o+len) = op over r of x[base + redOffsets[r] ..]}, reduced index order fixed. */
    private static void accumulateRow(ReduceOp op, float[] x, int base, int[] redOffsets, float[] out, int o, int len) {
        if (redOffsets.length == 0) {
            if (op == ReduceOp.SUM) java.util.Arrays.fill(out, o, o + len, 0f);
            else java.util.Arrays.fill(out, o, o + len, (float) op.identity());
            return;
        }
        System.arraycopy(x, base + redOffsets[0], out, o, len);
        int bound = S.loopBound(len);
        for (int r = 1; r < redOffsets.length; r++) {
            int xo = base + redOffsets[r];
            int i = 0;
            for (; i < bound; i += S.length()) {
                FloatVector acc = FloatVector.fromArray(S, out, o + i);
                FloatVector v = FloatVector.fromArray(S, x, xo + i);
                FloatVector res = switch (op) {
                    case SUM -> acc.add(v);
                    case MAX -> acc.lanewise(VectorOperators.MAX, v);
                    case MIN -> acc.lanewise(VectorOperators.MIN, v);
                };
                res.intoArray(out, o + i);
            }
            for (; i < len; i++) out[o + i] = combine(op, out[o + i], x[xo + i]);
        }
    }

    /** One element of {@link #accumulateRow}'s tail, with the vector lanes' semantics (NaN wins max and min). */
    private static float combine(ReduceOp op, float acc, float v) {
        return switch (op) {
            case SUM -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }

    /** Offsets of every index of (dims, strides), row-major. */
    private static int[] offsets(int[] dims, int[] strides, int count) {
        int[] out = new int[count];
        int[] idx = new int[dims.length];
        int off = 0;
        for (int k = 0; k < count; k++) {
            out[k] = off;
            for (int a = dims.length - 1; a >= 0; a--) {
                idx[a]++;
                off += strides[a];
                if (idx[a] < dims[a]) break;
                off -= strides[a] * dims[a];
                idx[a] = 0;
            }
        }
        return out;
    }
}
