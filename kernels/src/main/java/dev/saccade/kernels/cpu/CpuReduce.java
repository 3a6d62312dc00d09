package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ReduceOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reductions (sum, max, min, arg-max/min) over any set of axes, and softmax / log-softmax over the last axis.
 * Each output element reduces its own sub-tensor, so work splits over outputs without races. Sums accumulate in
 * double in the scalar twin and in float lanes (then double across lanes and runs) in the SIMD kernel.
 */
final class CpuReduce {
    private static final VectorSpecies<Float> S = Simd.F;

    private CpuReduce() {}

    /** Output (keep-dim shape) of reducing x over sorted {@code axes}. */
    static void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        int rank = x.rank();
        int[] shape = x.shape().toArray(), st = x.layout().strides();
        boolean[] reduced = new boolean[rank];
        for (int a : axes) reduced[a] = true;
        int[] keptDims = new int[rank - axes.length], keptStrides = new int[keptDims.length];
        int[] redDims = new int[axes.length], redStrides = new int[axes.length];
        for (int i = 0, k = 0, r = 0; i < rank; i++) {
            if (reduced[i]) { redDims[r] = shape[i]; redStrides[r++] = st[i]; }
            else { keptDims[k] = shape[i]; keptStrides[k++] = st[i]; }
        }
        HostStorage xs = CpuElementwise.host(x), os = CpuElementwise.host(out);
        int outCount = out.numel();
        int redCount = 1;
        for (int d : redDims) redCount *= d;
        boolean simd = Simd.enabled() && x.dtype() == DType.F32;
        if (simd && out.dtype() == DType.F32 && innermostKept(shape, st, reduced)) {
            columns(op, xs.floats(), x.layout().offset(), shape, st, reduced, redDims, redStrides, os.floats(), out.layout().offset());
            return;
        }
        boolean contiguousRegion = simd && isContiguous(redDims, redStrides);
        int grain = Math.max(1, (1 << 14) / Math.max(1, redCount));
        int regionLength = redCount;
        CpuThreads.parallelFor(0, outCount, grain, (lo, hi) -> {
            int[] idx = new int[keptDims.length];
            for (int o = lo; o < hi; o++) {
                int rem = o, base = x.layout().offset();
                for (int a = keptDims.length - 1; a >= 0; a--) { idx[a] = rem % keptDims[a]; rem /= keptDims[a]; base += idx[a] * keptStrides[a]; }
                double acc = contiguousRegion ? runF32(op, xs.floats(), base, regionLength) : reduceRegion(op, xs, base, redDims, redStrides, simd);
                os.setDouble(out.layout().offset() + o, acc);
            }
        });
    }

    /** True when x's innermost axis of extent > 1 is kept and has unit stride: the {@link ColumnReduce} case. */
    private static boolean innermostKept(int[] shape, int[] strides, boolean[] reduced) {
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            return !reduced[i] && strides[i] == 1 && i > 0;
        }
        return false;
    }

    /**
     * Hands the reduction to {@link ColumnReduce}: axes of extent 1 dropped, the innermost kept axes that are
     * contiguous in x (H and W of an (N, C, H, W) reduced over C) merged into one row.
     */
    private static void columns(ReduceOp op, float[] x, int xOffset, int[] shape, int[] strides, boolean[] reduced,
                                int[] redDims, int[] redStrides, float[] out, int outOffset) {
        int first = shape.length - 1, inner = 1;
        while (first >= 0 && (shape[first] == 1 || (!reduced[first] && strides[first] == inner))) {
            inner *= shape[first];
            first--;
        }
        int outer = 0;
        for (int i = 0; i <= first; i++) if (!reduced[i] && shape[i] > 1) outer++;
        int[] outerDims = new int[outer], outerStrides = new int[outer];
        for (int i = 0, k = 0; i <= first; i++) {
            if (!reduced[i] && shape[i] > 1) { outerDims[k] = shape[i]; outerStrides[k++] = strides[i]; }
        }
        ColumnReduce.reduce(op, x, xOffset, outerDims, outerStrides, inner, redDims, redStrides, out, outOffset);
    }

    /** True when (dims, strides) walk one unit-stride run (axes of extent 1 ignored). */
    private static boolean isContiguous(int[] dims, int[] strides) {
        long expected = 1;
        for (int a = dims.length - 1; a >= 0; a--) {
            if (dims[a] == 1) continue;
            if (strides[a] != expected) return false;
            expected *= dims[a];
        }
        return true;
    }

    /** Reduces the sub-tensor at {@code base} spanned by dims/strides (a single element when there are none). */
    private static double reduceRegion(ReduceOp op, HostStorage xs, int base, int[] dims, int[] strides, boolean simd) {
        double[] acc = {op.identity()};
        StridedLoop.of(dims, new int[][] {strides}, new int[] {base}).forEachSequential((o, s, n) -> {
            if (simd && s[0] == 1) acc[0] = op.combine(acc[0], runF32(op, xs.floats(), o[0], n));
            else for (int i = 0; i < n; i++) acc[0] = op.combine(acc[0], xs.getDouble(o[0] + i * s[0]));
        });
        return acc[0];
    }

    private static double runF32(ReduceOp op, float[] x, int off, int n) {
        int i = 0, bound = S.loopBound(n);
        double result = op.identity();
        if (bound > 0) {
            FloatVector acc = FloatVector.broadcast(S, (float) (op == ReduceOp.SUM ? 0 : op.identity()));
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, off + i);
                acc = switch (op) {
                    case SUM -> acc.add(v);
                    case MAX -> acc.lanewise(VectorOperators.MAX, v);
                    case MIN -> acc.lanewise(VectorOperators.MIN, v);
                };
            }
            result = switch (op) {
                case SUM -> sumLanes(acc);
                case MAX -> acc.reduceLanes(VectorOperators.MAX);
                case MIN -> acc.reduceLanes(VectorOperators.MIN);
            };
        }
        for (; i < n; i++) result = op.combine(result, x[off + i]);
        return result;
    }

    private static double sumLanes(FloatVector v) {
        double s = 0;
        for (int l = 0; l < v.length(); l++) s += v.lane(l);
        return s;
    }

    /** Index of the extremum along {@code axis} (first occurrence; NaN counts as the extremum, as in PyTorch). */
    static void argReduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        int[] shape = x.shape().toArray(), st = x.layout().strides();
        int len = shape[axis], stride = st[axis];
        int[] keptShape = shape.clone();
        keptShape[axis] = 1;
        HostStorage xs = CpuElementwise.host(x), os = CpuElementwise.host(out);
        int outCount = out.numel();
        for (int o = 0; o < outCount; o++) {
            int rem = o, base = x.layout().offset();
            for (int a = shape.length - 1; a >= 0; a--) { int i = rem % keptShape[a]; rem /= keptShape[a]; base += i * st[a]; }
            int best = 0;
            double bestV = xs.getDouble(base);
            for (int i = 1; i < len && !Double.isNaN(bestV); i++) {
                double v = xs.getDouble(base + i * stride);
                if (Double.isNaN(v) || (op == ReduceOp.MAX ? v > bestV : v < bestV)) { best = i; bestV = v; }
            }
            os.setDouble(o, best);
        }
    }

    /** Row-wise softmax (or log-softmax) over the last axis of a contiguous copy of x. */
    static void softmax(Tensor xc, boolean log, Tensor out) {
        int cols = xc.dim(-1), rows = xc.numel() / Math.max(1, cols);
        HostStorage xs = CpuElementwise.host(xc), os = CpuElementwise.host(out);
        int xo = xc.layout().offset();
        CpuThreads.parallelFor(0, rows, Math.max(1, 4096 / Math.max(1, cols)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int b = xo + r * cols, ob = r * cols;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < cols; c++) max = Math.max(max, xs.getDouble(b + c));
                double sum = 0;
                for (int c = 0; c < cols; c++) sum += Math.exp(xs.getDouble(b + c) - max);
                double logSum = Math.log(sum);
                for (int c = 0; c < cols; c++) {
                    double z = xs.getDouble(b + c) - max;
                    os.setDouble(ob + c, log ? z - logSum : Math.exp(z) / sum);
                }
            }
        });
    }

    /** softmax: gx = y ⊙ (g − Σ g⊙y); log-softmax: gx = g − exp(y) Σ g; y and g contiguous rows. */
    static void softmaxBackward(Tensor y, Tensor g, boolean log, Tensor gx) {
        int cols = y.dim(-1), rows = y.numel() / Math.max(1, cols);
        HostStorage ys = CpuElementwise.host(y), gs = CpuElementwise.host(g), os = CpuElementwise.host(gx);
        int yo = y.layout().offset(), go = g.layout().offset();
        CpuThreads.parallelFor(0, rows, Math.max(1, 4096 / Math.max(1, cols)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int yb = yo + r * cols, gb = go + r * cols, ob = r * cols;
                double dot = 0;
                for (int c = 0; c < cols; c++) dot += log ? gs.getDouble(gb + c) : gs.getDouble(gb + c) * ys.getDouble(yb + c);
                for (int c = 0; c < cols; c++) {
                    double yv = ys.getDouble(yb + c), gv = gs.getDouble(gb + c);
                    os.setDouble(ob + c, log ? gv - Math.exp(yv) * dot : yv * (gv - dot));
                }
            }
        });
    }
}
