package dev.saccade.kernels.cpu;

import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;

/**
 * Indexing kernels: index_select and its index_add backward, gather and its scatter_add backward
 * (references: {@code torch.index_select}, {@code Tensor.index_add_}, {@code torch.gather}, {@code Tensor.scatter_add_}).
 * Inputs are contiguous; indices were range-checked by the ops.
 */
final class CpuIndex {
    private CpuIndex() {}

    /** (outer, len, inner) split of a contiguous shape around {@code axis}. */
    private static int[] split(int[] shape, int axis) {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        return new int[] {outer, shape[axis], inner};
    }

    static void indexSelect(Tensor x, int axis, long[] idx, Tensor out) {
        int[] s = split(x.shape().toArray(), axis);
        int outer = s[0], len = s[1], inner = s[2];
        HostStorage xs = CpuElementwise.host(x), os = CpuElementwise.host(out);
        int xo = x.layout().offset();
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
                int src = xo + (o * len + (int) idx[j]) * inner, dst = (o * idx.length + j) * inner;
                for (int i = 0; i < inner; i++) os.setDouble(dst + i, xs.getDouble(src + i));
            }
        }
    }

    static void indexAdd(int[] shape, int axis, long[] idx, Tensor src, Tensor out) {
        int[] s = split(shape, axis);
        int outer = s[0], len = s[1], inner = s[2];
        HostStorage ss = CpuElementwise.host(src), os = CpuElementwise.host(out);
        int so = src.layout().offset();
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
                int from = so + (o * idx.length + j) * inner, to = (o * len + (int) idx[j]) * inner;
                for (int i = 0; i < inner; i++) os.setDouble(to + i, os.getDouble(to + i) + ss.getDouble(from + i));
            }
        }
    }

    /** out (shape of idx) = x gathered along axis; x contiguous of xShape, idx contiguous. */
    static void gather(Tensor x, int axis, Tensor idx, Tensor out) {
        int[] is = idx.shape().toArray(), xsz = x.shape().toArray();
        int[] xStr = x.shape().contiguousStrides();
        HostStorage xs = CpuElementwise.host(x), ids = CpuElementwise.host(idx), os = CpuElementwise.host(out);
        int n = idx.numel(), xo = x.layout().offset(), io = idx.layout().offset();
        int[] pos = new int[is.length];
        for (int e = 0; e < n; e++) {
            int rem = e, off = xo;
            for (int a = is.length - 1; a >= 0; a--) { pos[a] = rem % is[a]; rem /= is[a]; }
            for (int a = 0; a < is.length; a++) off += (a == axis ? (int) ids.getLong(io + e) : pos[a]) * xStr[a];
            os.setDouble(e, xs.getDouble(off));
        }
        if (xsz.length != is.length) throw new IllegalStateException("gather rank mismatch");
    }

    static void scatterAdd(int[] shape, int axis, Tensor idx, Tensor src, Tensor out) {
        int[] is = idx.shape().toArray();
        int[] oStr = dev.saccade.tensor.Shape.of(shape).contiguousStrides();
        HostStorage ids = CpuElementwise.host(idx), ss = CpuElementwise.host(src), os = CpuElementwise.host(out);
        int n = idx.numel(), io = idx.layout().offset(), so = src.layout().offset();
        int[] srcStr = src.shape().contiguousStrides();
        int[] pos = new int[is.length];
        for (int e = 0; e < n; e++) {
            int rem = e, off = 0, soff = so;
            for (int a = is.length - 1; a >= 0; a--) { pos[a] = rem % is[a]; rem /= is[a]; }
            for (int a = 0; a < is.length; a++) {
                off += (a == axis ? (int) ids.getLong(io + e) : pos[a]) * oStr[a];
                soff += pos[a] * srcStr[a];
            }
            os.setDouble(off, os.getDouble(off) + ss.getDouble(soff));
        }
    }
}
