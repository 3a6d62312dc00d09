package dev.saccade.kernels.cuda;

import static dev.saccade.kernels.cuda.GpuTesting.assertClose;
import static dev.saccade.kernels.cuda.GpuTesting.randomDoubles;
import static dev.saccade.kernels.cuda.GpuTesting.randomFloats;
import static dev.saccade.kernels.cuda.GpuTesting.toDouble;
import static dev.saccade.kernels.cuda.GpuTesting.upload;

import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.UnaryOp;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Unary (forward and backward), binary and copy kernels against scalar Java, on strided and broadcast views. Skipped without a GPU. */
class ElementwiseKernelsTest {
    /** f(x) and f'(x) (PyTorch semantics), for positive-domain ops applied to |x| + 0.1. */
    private static final Map<String, DoubleUnaryOperator[]> UNARY = Map.of(
            "relu", new DoubleUnaryOperator[] {x -> Math.max(x, 0), x -> x > 0 ? 1 : 0},
            "relu6", new DoubleUnaryOperator[] {x -> Math.min(Math.max(x, 0), 6), x -> x > 0 && x < 6 ? 1 : 0},
            "sigmoid", new DoubleUnaryOperator[] {x -> 1 / (1 + Math.exp(-x)), x -> Math.exp(-x) / Math.pow(1 + Math.exp(-x), 2)},
            "tanh", new DoubleUnaryOperator[] {Math::tanh, x -> 1 - Math.tanh(x) * Math.tanh(x)},
            "exp", new DoubleUnaryOperator[] {Math::exp, Math::exp},
            "log", new DoubleUnaryOperator[] {Math::log, x -> 1 / x},
            "sqrt", new DoubleUnaryOperator[] {Math::sqrt, x -> 0.5 / Math.sqrt(x)},
            "rsqrt", new DoubleUnaryOperator[] {x -> 1 / Math.sqrt(x), x -> -0.5 * Math.pow(x, -1.5)},
            "neg", new DoubleUnaryOperator[] {x -> -x, x -> -1},
            "abs", new DoubleUnaryOperator[] {Math::abs, Math::signum});

    private static UnaryOp unaryOp(String kernelName) {
        for (UnaryOp op : UnaryOp.values()) if (op.kernelName().equals(kernelName)) return op;
        throw new IllegalArgumentException(kernelName);
    }

    private static boolean positiveDomain(String op) { return op.equals("log") || op.equals("sqrt") || op.equals("rsqrt"); }

    @ParameterizedTest
    @ValueSource(strings = {"relu", "relu6", "sigmoid", "tanh", "exp", "log", "sqrt", "rsqrt", "neg", "abs"})
    void unaryForwardOnATransposedViewAndBackward(String op) {
        GpuTesting.requireGpu();
        int rows = 37, cols = 29, n = rows * cols;
        double[] x = randomDoubles(n, 21);
        for (int i = 0; i < n; i++) x[i] = positiveDomain(op) ? Math.abs(x[i]) + 0.1 : x[i] * 4;
        double[] gy = randomDoubles(n, 22);
        // view: the transpose of x stored (rows, cols) → shape (cols, rows), strides (1, cols)
        StridedLayout view = StridedLayout.of(new long[] {cols, rows}, new long[] {1, cols});
        double[] expected = new double[n], expectedGx = new double[n], xt = new double[n];
        for (int i = 0; i < n; i++) {
            xt[i] = x[(int) view.offsetOf(i)];
            expected[i] = UNARY.get(op)[0].applyAsDouble(xt[i]);
            expectedGx[i] = gy[i] * UNARY.get(op)[1].applyAsDouble(xt[i]);
        }
        try (DeviceBuffer dx = upload(x); DeviceBuffer dy = DeviceBuffer.allocate(8L * n); DeviceBuffer dxt = upload(xt); DeviceBuffer dg = upload(gy); DeviceBuffer dgx = DeviceBuffer.allocate(8L * n)) {
            ElementwiseKernels.unary(unaryOp(op), KernelDType.F64, view, dx.address(), dy, 0);
            assertClose(op + "_f64", expected, dy.toDoubleArray(n), 1e-12, 1e-12);
            ElementwiseKernels.unaryBackward(unaryOp(op), KernelDType.F64, dxt, dy, dg, dgx, n, 0);
            assertClose(op + "_backward_f64", expectedGx, dgx.toDoubleArray(n), 1e-12, 1e-9);
        }
        float[] xf = new float[n];
        for (int i = 0; i < n; i++) xf[i] = (float) x[i];
        double[] expectedF = new double[n];
        for (int i = 0; i < n; i++) expectedF[i] = UNARY.get(op)[0].applyAsDouble(xf[i]);
        try (DeviceBuffer dx = upload(xf); DeviceBuffer dy = DeviceBuffer.allocate(4L * n)) {
            ElementwiseKernels.unary(unaryOp(op), KernelDType.F32, StridedLayout.contiguous(n), dx.address(), dy, 0);
            assertClose(op + "_f32", expectedF, dy.toFloatArray(n), 1e-6, 1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"add", "sub", "mul", "div", "maximum", "minimum"})
    void binaryBroadcastForward(String op) {
        GpuTesting.requireGpu();
        Map<String, DoubleBinaryOperator> f = Map.of("add", Double::sum, "sub", (a, b) -> a - b, "mul", (a, b) -> a * b,
                "div", (a, b) -> a / b, "maximum", Math::max, "minimum", Math::min);
        // a (4, 5, 6) contiguous, b (5, 1) contiguous → out (4, 5, 6)
        long[] sa = {4, 5, 6}, ta = {30, 6, 1}, sb = {5, 1}, tb = {1, 1};
        BroadcastLayout l = BroadcastLayout.of(sa, ta, sb, tb);
        int n = (int) l.numel();
        float[] a = randomFloats(120, 31), b = randomFloats(5, 32);
        b[2] = a[2 * 6 + 1];  // a tie for maximum/minimum: a(0, 2, 1) == b(2)
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            long[] o = l.offsetsOf(i);
            double x = a[(int) o[0]], y = b[(int) o[1]];
            out[i] = f.get(op).applyAsDouble(x, y);
        }
        try (DeviceBuffer da = upload(a); DeviceBuffer db = upload(b); DeviceBuffer dout = DeviceBuffer.allocate(4L * n)) {
            ElementwiseKernels.binary(BinaryOp.valueOf(op.toUpperCase(java.util.Locale.ROOT)), KernelDType.F32, l, da.address(), db.address(), dout);
            assertClose(op + "_f32", out, dout.toFloatArray(n), 1e-6, 1e-5);
        }
    }

    @Test
    void copyMakesAPermutedExpandedViewContiguous() {
        GpuTesting.requireGpu();
        // x (2, 3, 4, 5) contiguous viewed as permute(0, 2, 3, 1) then a 6th leading dim expanded to 2
        long[] shape = {2, 2, 4, 5, 3}, strides = {0, 60, 5, 1, 20};
        StridedLayout view = StridedLayout.of(shape, strides);
        int n = (int) view.numel();
        float[] x = randomFloats(120, 41);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = x[(int) view.offsetOf(i)];
        try (DeviceBuffer dx = upload(x); DeviceBuffer dy = DeviceBuffer.allocate(4L * n)) {
            ElementwiseKernels.copy(KernelDType.F32, view, dx.address(), dy);
            assertClose("copy_f32", expected, dy.toFloatArray(n), 0, 0);
        }
        double[] xd = toDouble(x);
        try (DeviceBuffer dx = upload(xd); DeviceBuffer dy = DeviceBuffer.allocate(8L * n)) {
            ElementwiseKernels.copy(KernelDType.F64, view, dx.address(), dy);
            assertClose("copy_f64", expected, dy.toDoubleArray(n), 0, 0);
        }
    }
}
