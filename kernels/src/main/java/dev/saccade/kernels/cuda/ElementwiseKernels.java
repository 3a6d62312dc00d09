package dev.saccade.kernels.cuda;

import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.UnaryOp;

/**
 * Launchers for the elementwise kernels (native/src/main/cuda/unary.cu, unary_scalar.cu, binary.cu, compare.cu,
 * view_ops.cu), driven by the same op metadata as the CPU backend: a {@link UnaryOp} or {@link BinaryOp} names its
 * kernel ({@code kernelName()}), and every unary kernel takes the same arguments (view, input, output, count, α), so
 * there is no CUDA-side list of ops to keep in step. Outputs are contiguous; inputs' device addresses must already
 * point at the view's first element.
 *
 * <pre>{@code
 * ElementwiseKernels.unary(UnaryOp.RELU, KernelDType.F32, StridedLayout.contiguous(8, 64, 56, 56), x.address(), y, 0);
 * ElementwiseKernels.binary(BinaryOp.ADD, KernelDType.F32, BroadcastLayout.of(sa, ta, sb, tb), a.address(), b.address(), out);
 * }</pre>
 */
public final class ElementwiseKernels {
    private ElementwiseKernels() {}

    /** The forward kernel of a unary op for a dtype, e.g. {@code relu_f32}. */
    public static String unaryKernel(UnaryOp op, KernelDType dt) { return dt.kernel(op.kernelName()); }

    /** The backward kernel of a unary op for a dtype, e.g. {@code relu_backward_f32}. */
    public static String unaryBackwardKernel(UnaryOp op, KernelDType dt) { return dt.kernel(op.kernelName() + "_backward"); }

    /** The kernel of a binary op for a dtype, e.g. {@code add_f32}, {@code gt_f64}. */
    public static String binaryKernel(BinaryOp op, KernelDType dt) { return dt.kernel(op.kernelName()); }

    /** y = op(x; α) over the view {@code lx} of x (at device address {@code x}); y contiguous with numel(lx) elements. */
    public static void unary(UnaryOp op, KernelDType dt, StridedLayout lx, long x, DeviceBuffer y, double alpha) {
        long n = lx.numel();
        dt.requireElements(y, n, op + " output");
        CudaModules.launch(unaryKernel(op, dt), LaunchConfig.elementwise(n), lx.collapsed(), x, y, n, alpha);
    }

    /** gx = gy · op'(x, y; α), all contiguous with n elements. */
    public static void unaryBackward(UnaryOp op, KernelDType dt, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy,
                                     DeviceBuffer gx, long n, double alpha) {
        for (DeviceBuffer b : new DeviceBuffer[] {x, y, gy, gx}) dt.requireElements(b, n, op + " backward operand");
        CudaModules.launch(unaryBackwardKernel(op, dt), LaunchConfig.elementwise(n), x, y, gy, gx, n, alpha);
    }

    /** out = op(a, b) broadcast over {@code l}; a and b are device addresses of the views' first elements. */
    public static void binary(BinaryOp op, KernelDType dt, BroadcastLayout l, long a, long b, DeviceBuffer out) {
        long n = l.numel();
        dt.requireElements(out, n, op + " output");
        CudaModules.launch(binaryKernel(op, dt), LaunchConfig.elementwise(n), l.collapsed(), a, b, out, n);
    }

    /**
     * y = contiguous copy of the view {@code lx} of x ({@code convert_<dt>_<dt>}); F32 also moves int32 and F64 int64
     * (bit for bit).
     */
    public static void copy(KernelDType dt, StridedLayout lx, long x, DeviceBuffer y) {
        long n = lx.numel();
        dt.requireElements(y, n, "copy output");
        String t = dt == KernelDType.F32 ? "f32" : "f64";
        CudaModules.launch("convert_" + t + "_" + t, LaunchConfig.elementwise(n), lx.collapsed(), x,
                StridedLayout.contiguous(n), y, n);
    }
}
