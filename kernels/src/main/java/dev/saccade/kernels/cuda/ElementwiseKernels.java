package dev.saccade.kernels.cuda;

import java.util.Set;

/**
 * Launchers for the elementwise kernels (native/src/main/cuda/unary.cu, binary.cu, copy.cu): unary and binary
 * ops over strided / broadcast views up to 6-d, and the strided copy that makes a view contiguous.
 * Outputs are contiguous; inputs' device addresses must already point at the view's first element.
 *
 * <pre>{@code
 * ElementwiseKernels.unary("relu", KernelDType.F32, StridedLayout.contiguous(8, 64, 56, 56), x.address(), y);
 * ElementwiseKernels.binary("add", KernelDType.F32, BroadcastLayout.of(sa, ta, sb, tb), a.address(), b.address(), out);
 * }</pre>
 */
public final class ElementwiseKernels {
    /** Unary ops with kernels {@code <op>_<dt>} and {@code <op>_backward_<dt>}. */
    public static final Set<String> UNARY = Set.of("relu", "relu6", "sigmoid", "tanh", "exp", "log", "sqrt", "rsqrt", "neg", "abs");
    /** Binary ops with kernels {@code <op>_<dt>} and {@code <op>_backward_<dt>}. */
    public static final Set<String> BINARY = Set.of("add", "sub", "mul", "div", "maximum", "minimum");

    private ElementwiseKernels() {}

    private static void requireOp(Set<String> ops, String op) {
        if (!ops.contains(op)) throw new IllegalArgumentException("unknown elementwise op '" + op + "'; expected one of " + ops);
    }

    /** y = op(x) over the view {@code lx} of x (at device address {@code x}); y contiguous with numel(lx) elements. */
    public static void unary(String op, KernelDType dt, StridedLayout lx, long x, DeviceBuffer y) {
        requireOp(UNARY, op);
        long n = lx.numel();
        dt.requireElements(y, n, op + " output");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(n), lx.collapsed(), x, y, n);
    }

    /** gx = gy · op'(x, y), all contiguous with n elements. */
    public static void unaryBackward(String op, KernelDType dt, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy,
                                     DeviceBuffer gx, long n) {
        requireOp(UNARY, op);
        for (DeviceBuffer b : new DeviceBuffer[] {x, y, gy, gx}) dt.requireElements(b, n, op + "_backward operand");
        CudaModules.launch(dt.kernel(op + "_backward"), LaunchConfig.elementwise(n), x, y, gy, gx, n);
    }

    /** out = op(a, b) broadcast over {@code l}; a and b are device addresses of the views' first elements. */
    public static void binary(String op, KernelDType dt, BroadcastLayout l, long a, long b, DeviceBuffer out) {
        requireOp(BINARY, op);
        long n = l.numel();
        dt.requireElements(out, n, op + " output");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(n), l.collapsed(), a, b, out, n);
    }

    /**
     * ga = gy·∂op/∂a, gb = gy·∂op/∂b in the output shape (the caller sums over broadcast dimensions);
     * {@code ga} or {@code gb} may be null when not needed.
     */
    public static void binaryBackward(String op, KernelDType dt, BroadcastLayout l, long a, long b, DeviceBuffer gy,
                                      DeviceBuffer ga, DeviceBuffer gb) {
        requireOp(BINARY, op);
        long n = l.numel();
        dt.requireElements(gy, n, op + "_backward gy");
        if (ga != null) dt.requireElements(ga, n, op + "_backward ga");
        if (gb != null) dt.requireElements(gb, n, op + "_backward gb");
        CudaModules.launch(dt.kernel(op + "_backward"), LaunchConfig.elementwise(n), l.collapsed(), a, b, gy,
                ga == null ? (Object) 0L : ga, gb == null ? (Object) 0L : gb, n);
    }

    /** y = contiguous copy of the view {@code lx} of x; copy F32 also moves int32, F64 int64 (bitwise). */
    public static void copy(KernelDType dt, StridedLayout lx, long x, DeviceBuffer y) {
        long n = lx.numel();
        dt.requireElements(y, n, "copy output");
        CudaModules.launch(dt.kernel("copy"), LaunchConfig.elementwise(n), lx.collapsed(), x, y, n);
    }
}
