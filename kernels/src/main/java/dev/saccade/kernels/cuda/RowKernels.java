package dev.saccade.kernels.cuda;

/**
 * Launchers for the kernels over the last axis of a contiguous (rows, cols) matrix (native/src/main/cuda/
 * reduce.cu, softmax.cu, layer_norm.cu). To reduce other axes, permute them last and make the view contiguous
 * with {@link ElementwiseKernels#copy} first.
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

    /** gx[r, c] = scale · gy[r]. */
    public static void sumBackward(KernelDType dt, DeviceBuffer gy, DeviceBuffer gx, long rows, long cols, double scale) {
        check(dt, rows, cols, "sum_backward", gx);
        dt.requireElements(gy, rows, "sum_backward gy (rows)");
        CudaModules.launch(dt.kernel("sum_backward"), LaunchConfig.rowPerBlock(rows, cols), gy, gx, rows, cols, scale);
    }

    /** y[r] = max_c x[r, c], argmax[r] (int64) the first column attaining it. */
    public static void max(KernelDType dt, DeviceBuffer x, DeviceBuffer y, DeviceBuffer argmax, long rows, long cols) {
        check(dt, rows, cols, "max", x);
        dt.requireElements(y, rows, "max output (rows)");
        KernelDType.F64.requireElements(argmax, rows, "max argmax (rows, int64)");
        CudaModules.launch(dt.kernel("max"), LaunchConfig.rowPerBlock(rows, cols), x, y, argmax, rows, cols);
    }

    /** gx[r, c] = c == argmax[r] ? gy[r] : 0. */
    public static void maxBackward(KernelDType dt, DeviceBuffer gy, DeviceBuffer argmax, DeviceBuffer gx, long rows, long cols) {
        check(dt, rows, cols, "max_backward", gx);
        CudaModules.launch(dt.kernel("max_backward"), LaunchConfig.rowPerBlock(rows, cols), gy, argmax, gx, rows, cols);
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

    /** Layer norm without affine over each row; saves mean and rstd (rows) for backward. */
    public static void layerNorm(KernelDType dt, DeviceBuffer x, DeviceBuffer y, DeviceBuffer mean, DeviceBuffer rstd,
                                 long rows, long cols, double eps) {
        check(dt, rows, cols, "layer_norm", x, y);
        dt.requireElements(mean, rows, "layer_norm mean (rows)");
        dt.requireElements(rstd, rows, "layer_norm rstd (rows)");
        CudaModules.launch(dt.kernel("layer_norm"), LaunchConfig.rowPerBlock(rows, cols), x, y, mean, rstd, rows, cols, eps);
    }

    /** Backward of {@link #layerNorm}. */
    public static void layerNormBackward(KernelDType dt, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer mean,
                                         DeviceBuffer rstd, DeviceBuffer gx, long rows, long cols) {
        check(dt, rows, cols, "layer_norm_backward", x, gy, gx);
        CudaModules.launch(dt.kernel("layer_norm_backward"), LaunchConfig.rowPerBlock(rows, cols), x, gy, mean, rstd, gx,
                rows, cols);
    }
}
