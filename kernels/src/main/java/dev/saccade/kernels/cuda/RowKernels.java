package dev.saccade.kernels.cuda;

/**
 * Launchers for the kernels over the last axis of a contiguous (rows, cols) matrix (native/src/main/cuda/
 * reduce.cu, softmax.cu). To reduce other axes, permute them last and make the view contiguous with
 * {@link ElementwiseKernels#copy} first. Backward passes of sum and max are composed from elementwise ops, as on the
 * CPU, so they have no kernels.
 *
 * <pre>{@code
 * RowKernels.sum(KernelDType.F32, x, y, n * c, h * w, 1.0 / (h * w));   // global average pool of (N, C, H, W)
 * RowKernels.softmax(KernelDType.F32, logits, probs, batch, classes, false);
 * }</pre>
 */
public final class RowKernels {
    private RowKernels() {}

    private static void check(KernelDType dt, long rows, long cols, String op, DeviceBuffer... matrices) {
        if (rows < 1 || cols < 1) throw new IllegalArgumentException(op + ": rows and cols must be ≥ 1, got (" + rows + ", " + cols + ")");
        for (DeviceBuffer m : matrices) dt.requireElements(m, rows * cols, op + " (rows, cols) = (" + rows + ", " + cols + ")");
    }

    /** y[r] = scale · Σ_c x[r, c]; y (rows). */
    public static void sum(KernelDType dt, DeviceBuffer x, DeviceBuffer y, long rows, long cols, double scale) {
        check(dt, rows, cols, "sum", x);
        dt.requireElements(y, rows, "sum output (rows)");
        CudaModules.launch(dt.kernel("sum"), LaunchConfig.rowPerBlock(rows, cols), x, y, rows, cols, scale);
    }


    /** y[r] = max_c x[r, c], argmax[r] (int64) the first column attaining it. */
    public static void max(KernelDType dt, DeviceBuffer x, DeviceBuffer y, DeviceBuffer argmax, long rows, long cols) {
        check(dt, rows, cols, "max", x);
        dt.requireElements(y, rows, "max output (rows)");
        KernelDType.F64.requireElements(argmax, rows, "max argmax (rows, int64)");
        CudaModules.launch(dt.kernel("max"), LaunchConfig.rowPerBlock(rows, cols), x, y, argmax, rows, cols);
    }


    /** Softmax (or log-softmax when {@code log}) of each row. */
    public static void softmax(KernelDType dt, DeviceBuffer x, DeviceBuffer y, long rows, long cols, boolean log) {
        String op = log ? "log_softmax" : "softmax";
        check(dt, rows, cols, op, x, y);
        CudaModules.launch(dt.kernel(op), LaunchConfig.rowPerBlock(rows, cols), x, y, rows, cols);
    }

    /** Backward of {@link #softmax} from its output y and the output gradient gy. */
    public static void softmaxBackward(KernelDType dt, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long rows,
                                       long cols, boolean log) {
        String op = log ? "log_softmax_backward" : "softmax_backward";
        check(dt, rows, cols, op, y, gy, gx);
        CudaModules.launch(dt.kernel(op), LaunchConfig.rowPerBlock(rows, cols), y, gy, gx, rows, cols);
    }


}
