package dev.saccade.kernels.cuda;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.Layout;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tensor-level helpers of the CUDA backend: device addresses of views, their kernel layouts, contiguous copies
 * and dtype names. A view's address already includes its offset, as the kernels expect.
 *
 * <pre>{@code
 * long x = CudaTensors.address(t);                        // element 0 of the view
 * StridedLayout l = CudaTensors.layout(t);                // its shape and strides, merged where possible
 * Tensor dense = CudaTensors.dense(backend, t);           // t, or a contiguous copy of it
 * }</pre>
 */
final class CudaTensors {
    private CudaTensors() {}

    /** The CUDA storage of {@code t}; throws naming the tensor when it lives elsewhere. */
    static CudaStorage storage(Tensor t) {
        if (t.storage() instanceof CudaStorage s) return s;
        throw new IllegalArgumentException("tensor " + t.shape() + " " + t.dtype() + " lives on " + t.device()
                + ", not on CUDA: move it with .to(Device.cuda(0)) first");
    }

    /** Device address of the view's first element. */
    static long address(Tensor t) {
        return storage(t).address() + (long) t.layout().offset() * t.dtype().bytes();
    }

    /**
     * A non-owning {@link DeviceBuffer} over a contiguous view (for the launchers that take buffers); it keeps the
     * tensor's storage reachable for as long as it is itself reachable.
     */
    static DeviceBuffer buffer(Tensor t) {
        return DeviceBuffer.borrowed(address(t), (long) Math.max(1, t.numel()) * t.dtype().bytes(), storage(t));
    }

    /** The kernel dtype of a floating tensor; a clear error for integers. */
    static KernelDType kernelType(Tensor t, String op) {
        return switch (t.dtype()) {
            case F32 -> KernelDType.F32;
            case F64 -> KernelDType.F64;
            default -> throw new IllegalArgumentException("CUDA " + op + ": dtype " + t.dtype()
                    + " is not supported (F32 or F64 only), tensor shape " + t.shape());
        };
    }

    /** Kernel suffix of any dtype: f32, f64, i32, i64. */
    static String suffix(DType d) {
        return switch (d) { case F32 -> "f32"; case F64 -> "f64"; case I32 -> "i32"; case I64 -> "i64"; };
    }

    /** The view of {@code t} as a kernel {@link StridedLayout} (size-1 axes dropped, mergeable axes merged). */
    static StridedLayout layout(Tensor t) {
        long[][] c = collapse(toLongs(t.shape().toArray()), toLongs(t.layout().strides()));
        return new StridedLayout(c[0], c[1]);
    }

    /** A layout with {@code shape} and explicit {@code strides} (e.g. a broadcast bias). */
    static StridedLayout layout(int[] shape, int[] strides) {
        long[][] c = collapse(toLongs(shape), toLongs(strides));
        return new StridedLayout(c[0], c[1]);
    }

    /** The broadcast layout of two same-shape views (stride 0 on broadcast axes). */
    static BroadcastLayout broadcast(Tensor a, Tensor b) {
        long[][] c = collapse(toLongs(a.shape().toArray()), toLongs(a.layout().strides()), toLongs(b.layout().strides()));
        return new BroadcastLayout(c[0], c[1], c[2]);
    }

    static long[] toLongs(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    /**
     * Drops size-1 axes and merges neighbours that are contiguous across every stride array, keeping the row-major
     * order of elements; returns {shape, strides...}. Throws when more than {@link StridedLayout#MAX_DIMS} remain.
     */
    static long[][] collapse(long[] shape, long[]... strides) {
        List<long[]> dims = new ArrayList<>();  // {size, stride0, stride1, ...}
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            long[] next = new long[strides.length + 1];
            next[0] = shape[d];
            for (int k = 0; k < strides.length; k++) next[k + 1] = strides[k][d];
            if (!dims.isEmpty()) {
                long[] last = dims.getLast();
                boolean merge = true;
                for (int k = 1; k <= strides.length; k++) merge &= last[k] == next[k] * next[0];
                if (merge) {
                    last[0] *= next[0];
                    for (int k = 1; k <= strides.length; k++) last[k] = next[k];
                    continue;
                }
            }
            dims.add(next);
        }
        if (dims.isEmpty()) {
            long[] one = new long[strides.length + 1];
            one[0] = 1;
            for (int k = 1; k <= strides.length; k++) one[k] = 1;
            dims.add(one);
        }
        if (dims.size() > StridedLayout.MAX_DIMS)
            throw new IllegalArgumentException("CUDA kernels take views of at most " + StridedLayout.MAX_DIMS
                    + " non-mergeable dimensions; shape " + Arrays.toString(shape) + " with strides "
                    + Arrays.deepToString(strides) + " needs " + dims.size());
        long[][] out = new long[strides.length + 1][dims.size()];
        for (int i = 0; i < dims.size(); i++) for (int k = 0; k <= strides.length; k++) out[k][i] = dims.get(i)[k];
        return out;
    }

    /** A new contiguous tensor of {@code shape} on {@code backend}, uninitialised. */
    static Tensor empty(Backend backend, DType dtype, Shape shape) {
        return Tensor.wrap(CudaStorage.uninitialised(dtype, shape.numel()), Layout.contiguous(shape), backend);
    }

    /** A new zero-filled contiguous tensor. */
    static Tensor zeros(Backend backend, DType dtype, Shape shape) {
        return Tensor.wrap(CudaStorage.allocate(dtype, shape.numel()), Layout.contiguous(shape), backend);
    }

    /** {@code t} itself when contiguous, else a contiguous copy (same dtype). */
    static Tensor dense(Backend backend, Tensor t) {
        if (t.isContiguous()) return t;
        Tensor out = empty(backend, t.dtype(), t.shape());
        convert(t, out);
        return out;
    }

    /** {@code dst[view] = (dst dtype) src[view]}, same shapes, any strides (view_ops.cu convert_*). */
    static void convert(Tensor src, Tensor dst) {
        long n = dst.numel();
        if (n == 0) return;
        CudaModules.launch("convert_" + suffix(src.dtype()) + "_" + suffix(dst.dtype()), LaunchConfig.elementwise(n),
                layout(src), src, layout(dst), dst, n);
    }
}
