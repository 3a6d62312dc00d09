package dev.saccade.kernels.cuda;

/**
 * Launchers for index_select / gather and their backward, index_add / scatter_add (native/src/main/cuda/gather.cu),
 * all deterministic (the backward passes gather per output element; no atomics). The source is viewed as
 * (outer, dim, inner) around the indexed axis; indices are int64 device buffers.
 *
 * <pre>{@code
 * // rows 3, 0, 7 of a (10, 512) matrix: outer 1, dim 10, inner 512, k 3
 * IndexKernels.indexSelect(KernelDType.F32, x, idx, y, 1, 10, 512, 3, err);
 * }</pre>
 */
public final class IndexKernels {
    private IndexKernels() {}

    /**
     * y[o, j, i] = x[o, idx[j], i]; idx (k), y (outer, k, inner). {@code err} (one int32, may be null) is set to 1 when
     * an index is outside [0, dim) (that output element is then 0).
     */
    public static void indexSelect(KernelDType dt, DeviceBuffer x, DeviceBuffer idx, DeviceBuffer y, long outer,
                                   long dim, long inner, long k, DeviceBuffer err) {
        dt.requireElements(x, outer * dim * inner, "index_select input (outer, dim, inner)");
        KernelDType.F64.requireElements(idx, k, "index_select indices (k, int64)");
        dt.requireElements(y, outer * k * inner, "index_select output (outer, k, inner)");
        CudaModules.launch(dt.kernel("index_select"), LaunchConfig.elementwise(outer * k * inner), x, idx, y, outer, dim,
                inner, k, err == null ? (Object) 0L : err);
    }

    /**
     * out[o, s, i] = Σ src[o, j, i] over the j with idx[j] = s, deterministically: {@code order} (k, int64) and
     * {@code offsets} (dim + 1, int64) are the counting sort of the indices ({@link IndexOrder}); one thread per
     * output element sums in that order. out (outer, dim, inner) is overwritten.
     */
    public static void indexAdd(KernelDType dt, DeviceBuffer src, DeviceBuffer order, DeviceBuffer offsets, DeviceBuffer out,
                                long outer, long dim, long inner, long k) {
        dt.requireElements(out, outer * dim * inner, "index_add output (outer, dim, inner)");
        dt.requireElements(src, outer * k * inner, "index_add source (outer, k, inner)");
        KernelDType.F64.requireElements(order, k, "index_add order (k, int64)");
        KernelDType.F64.requireElements(offsets, dim + 1, "index_add offsets (dim + 1, int64)");
        CudaModules.launch(dt.kernel("index_add"), LaunchConfig.elementwise(outer * dim * inner), src, order, offsets, out,
                outer, dim, inner, k);
    }

    /** y[o, j, i] = x[o, idx[o, j, i], i]; idx and y (outer, k, inner); err as in {@link #indexSelect}. */
    public static void gather(KernelDType dt, DeviceBuffer x, DeviceBuffer idx, DeviceBuffer y, long outer, long dim,
                              long inner, long k, DeviceBuffer err) {
        dt.requireElements(x, outer * dim * inner, "gather input (outer, dim, inner)");
        KernelDType.F64.requireElements(idx, outer * k * inner, "gather indices (outer, k, inner, int64)");
        dt.requireElements(y, outer * k * inner, "gather output (outer, k, inner)");
        CudaModules.launch(dt.kernel("gather"), LaunchConfig.elementwise(outer * k * inner), x, idx, y, outer, dim, inner,
                k, err == null ? (Object) 0L : err);
    }

    /**
     * gx[o, s, i] = Σ_j [idx[o, j, i] = s] · gy[o, j, i] (scatter_add), deterministically: one thread per gx element
     * loops over j in order (O(k) per element). gx (outer, dim, inner) is overwritten.
     */
    public static void gatherBackward(KernelDType dt, DeviceBuffer gy, DeviceBuffer idx, DeviceBuffer gx, long outer,
                                      long dim, long inner, long k) {
        dt.requireElements(gx, outer * dim * inner, "gather_backward gx (outer, dim, inner)");
        dt.requireElements(gy, outer * k * inner, "gather_backward gy (outer, k, inner)");
        KernelDType.F64.requireElements(idx, outer * k * inner, "gather_backward indices (outer, k, inner, int64)");
        CudaModules.launch(dt.kernel("gather_backward"), LaunchConfig.elementwise(outer * dim * inner), gy, idx, gx, outer,
                dim, inner, k);
    }
}
