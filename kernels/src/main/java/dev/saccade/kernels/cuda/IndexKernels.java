package dev.saccade.kernels.cuda;

/**
 * Launchers for index_select / gather and their scatter-add backward (native/src/main/cuda/gather.cu). The source
 * is viewed as (outer, dim, inner) around the indexed axis; indices are int64 device buffers.
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

    /** gx[o, idx[j], i] += gy[o, j, i]; gx is zeroed here first. */
    public static void indexSelectBackward(KernelDType dt, DeviceBuffer gy, DeviceBuffer idx, DeviceBuffer gx, long outer,
                                           long dim, long inner, long k) {
        dt.requireElements(gx, outer * dim * inner, "index_select_backward gx (outer, dim, inner)");
        dt.requireElements(gy, outer * k * inner, "index_select_backward gy (outer, k, inner)");
        gx.zero();
        CudaModules.launch(dt.kernel("index_select_backward"), LaunchConfig.elementwise(outer * k * inner), gy, idx, gx,
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

    /** gx[o, idx[o, j, i], i] += gy[o, j, i]; gx is zeroed here first. */
    public static void gatherBackward(KernelDType dt, DeviceBuffer gy, DeviceBuffer idx, DeviceBuffer gx, long outer,
                                      long dim, long inner, long k) {
        dt.requireElements(gx, outer * dim * inner, "gather_backward gx (outer, dim, inner)");
        dt.requireElements(gy, outer * k * inner, "gather_backward gy (outer, k, inner)");
        gx.zero();
        CudaModules.launch(dt.kernel("gather_backward"), LaunchConfig.elementwise(outer * k * inner), gy, idx, gx, outer,
                dim, inner, k);
    }
}
