package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Layout;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;

/**
 * index_select / index_add and gather / scatter_add through {@link IndexKernels} (gather.cu), deterministic (the
 * backward passes gather; index_add through the host-built {@link IndexOrder}): the source is viewed as
 * (outer, dim, inner) around the indexed axis. Indices (I32 or I64, on any device) are read on the host and
 * uploaded as int64; the ops range-check them before calling the backend. Integer sources of index_select and
 * gather use the f32 / f64 kernels as bit-for-bit moves of 4- and 8-byte elements. When a gather index is smaller
 * than the input on the other axes (torch.gather allows it), the input is narrowed to the index's extent first.
 * References: torch.index_select, Tensor.index_add_, torch.gather, Tensor.scatter_add_.
 *
 * <pre>{@code
 * Tensor rows = CudaIndex.indexSelect(backend, x, 0, Tensor.of(new long[] {3, 0, 7}, 3));
 * }</pre>
 */
final class CudaIndex {
    private CudaIndex() {}

    /** The kernel type that moves elements of {@code d}: floating as is, I32 as f32 bits, I64 as f64 bits. */
    private static KernelDType mover(DType d) {
        return d.bytes() == 4 ? KernelDType.F32 : KernelDType.F64;
    }

    /** The indices as an int64 device tensor (contiguous, in row-major order). */
    private static Tensor int64(CudaBackend b, Tensor indices) {
        long[] idx = indices.toLongArray();
        return Tensor.wrap(b.upload(HostStorage.wrap(idx)), indices.shape(), b);
    }

    private static long[] split(Shape s, int axis) {
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= s.dim(i);
        for (int i = axis + 1; i < s.rank(); i++) inner *= s.dim(i);
        return new long[] {outer, s.dim(axis), inner};
    }

    static Tensor indexSelect(CudaBackend b, Tensor x, int axis, Tensor indices) {
        int[] d = x.shape().toArray();
        d[axis] = indices.numel();
        Tensor out = CudaTensors.empty(b, x.dtype(), Shape.of(d));
        if (out.numel() == 0) return out;
        Tensor xd = CudaTensors.dense(b, x), idx = int64(b, indices);
        long[] s = split(x.shape(), axis);
        IndexKernels.indexSelect(mover(x.dtype()), CudaTensors.buffer(xd), CudaTensors.buffer(idx), CudaTensors.buffer(out),
                s[0], s[1], s[2], indices.numel(), null);
        return out;
    }

    static Tensor indexAdd(CudaBackend b, Shape shape, int axis, Tensor indices, Tensor src) {
        KernelDType dt = CudaTensors.kernelType(src, "index_add");
        Tensor out = CudaTensors.empty(b, src.dtype(), shape);   // every element written
        if (out.numel() == 0) return out;
        if (src.numel() == 0) { b.fill(out, 0); return out; }
        IndexOrder sorted = IndexOrder.of(indices.toLongArray(), shape.dim(axis));
        Tensor sd = CudaTensors.dense(b, src);
        Tensor order = Tensor.wrap(b.upload(HostStorage.wrap(sorted.order())), Shape.of(sorted.order().length), b);
        Tensor offsets = Tensor.wrap(b.upload(HostStorage.wrap(sorted.offsets())), Shape.of(sorted.offsets().length), b);
        long[] s = split(shape, axis);
        IndexKernels.indexAdd(dt, CudaTensors.buffer(sd), CudaTensors.buffer(order), CudaTensors.buffer(offsets),
                CudaTensors.buffer(out), s[0], s[1], s[2], indices.numel());
        return out;
    }

    /** {@code t} narrowed to {@code extent} on every axis but {@code axis} (a view). */
    private static Tensor narrowed(CudaBackend b, Tensor t, int[] extent, int axis) {
        Layout l = t.layout();
        for (int i = 0; i < extent.length; i++) if (i != axis && extent[i] != t.dim(i)) l = l.narrow(i, 0, extent[i]);
        return Tensor.wrap(t.storage(), l, b);
    }

    static Tensor gather(CudaBackend b, Tensor x, int axis, Tensor indices) {
        Tensor out = CudaTensors.empty(b, x.dtype(), indices.shape());
        if (out.numel() == 0) return out;
        Tensor xd = CudaTensors.dense(b, narrowed(b, x, indices.shape().toArray(), axis)), idx = int64(b, indices);
        long[] s = split(xd.shape(), axis);
        IndexKernels.gather(mover(x.dtype()), CudaTensors.buffer(xd), CudaTensors.buffer(idx), CudaTensors.buffer(out),
                s[0], s[1], s[2], indices.dim(axis), null);
        return out;
    }

    static Tensor scatterAdd(CudaBackend b, Shape shape, int axis, Tensor indices, Tensor src) {
        KernelDType dt = CudaTensors.kernelType(src, "scatter_add");
        int[] part = indices.shape().toArray();
        part[axis] = shape.dim(axis);
        Shape partShape = Shape.of(part);
        Tensor tmp = CudaTensors.empty(b, src.dtype(), partShape);   // index extent on the other axes
        if (tmp.numel() > 0) {
            if (src.numel() == 0 || indices.numel() == 0) b.fill(tmp, 0);
            else {
                Tensor sd = CudaTensors.dense(b, narrowed(b, src, indices.shape().toArray(), axis)), idx = int64(b, indices);
                long[] s = split(partShape, axis);
                IndexKernels.gatherBackward(dt, CudaTensors.buffer(sd), CudaTensors.buffer(idx), CudaTensors.buffer(tmp),
                        s[0], s[1], s[2], indices.dim(axis));
            }
        }
        if (partShape.equals(shape)) return tmp;
        Tensor out = CudaTensors.zeros(b, src.dtype(), shape);
        CudaTensors.convert(tmp, narrowed(b, out, part, axis));
        return out;
    }
}
