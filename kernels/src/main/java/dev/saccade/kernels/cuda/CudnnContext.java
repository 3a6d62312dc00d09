package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import java.lang.foreign.MemorySegment;

/**
 * The process-wide cuDNN binding and handle (created on first use, on the legacy default stream) and one shared
 * workspace that grows to the largest request seen (work on one stream never overlaps, so one suffices).
 *
 * <pre>{@code
 * long ws = CudnnContext.workspace(bytes);   // device address of at least `bytes` bytes
 * }</pre>
 */
final class CudnnContext {
    private static Cudnn dnn;
    private static MemorySegment handle;
    private static DeviceBuffer workspace;

    private CudnnContext() {}

    private static synchronized void init() {
        if (handle != null) return;
        Cuda.driver();
        Cudnn d = Cudnn.load();
        handle = CollectAndRetry.run(d::create);
        dnn = d;
    }

    static synchronized Cudnn dnn() { init(); return dnn; }

    static synchronized MemorySegment handle() { init(); return handle; }

    /**
     * Device address of a workspace of at least {@code bytes} (0 when none is needed). Growing it returns the old
     * block to the cache first (work on the one stream is ordered, so queued calls still using it finish before any
     * reuse); the allocator trims and retries once on failure, and a {@link CudaException} escaping here lets the
     * caller try an algorithm with a smaller workspace.
     */
    static synchronized long workspace(long bytes) {
        if (bytes <= 0) return 0L;
        if (workspace == null || workspace.bytes() < bytes) {
            if (workspace != null) { workspace.close(); workspace = null; }
            workspace = CudaAllocator.shared().allocateUnscoped(bytes);   // outlives any DeviceScope
        }
        return workspace.address();
    }

    /** Whether TF32 tensor-core math is allowed ({@code -Dsaccade.cuda.tf32=true}). */
    static boolean tf32() { return Boolean.getBoolean("saccade.cuda.tf32"); }

    /** cuDNN data type of a floating dtype. */
    static int dataType(DType d) {
        return switch (d) {
            case F32 -> Cudnn.DATA_FLOAT;
            case F64 -> Cudnn.DATA_DOUBLE;
            default -> throw new IllegalArgumentException("cuDNN: dtype " + d + " is not supported (F32 or F64)");
        };
    }

    /** FMA math (exact FP32, as PyTorch with allow_tf32 = False) unless {@code -Dsaccade.cuda.tf32=true}. */
    static int mathType() {
        return tf32() ? Cudnn.TENSOR_OP_MATH : Cudnn.FMA_MATH;
    }
}
