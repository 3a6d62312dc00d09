package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;

/** Helpers for the GPU tests: skip without CUDA, random inputs, upload, and max-difference checks. */
final class GpuTesting {
    private GpuTesting() {}

    static void requireGpu() {
        assumeTrue(Cuda.available(), () -> "no CUDA: " + Cuda.unavailableReason());
    }

    static float[] randomFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian());
        return a;
    }

    static double[] randomDoubles(int n, long seed) {
        Random r = new Random(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextGaussian();
        return a;
    }

    /** A CPU F32 (or F64) tensor of Gaussian values: {@link #randomFloats} (or {@link #randomDoubles}) shaped. */
    static dev.saccade.tensor.Tensor gaussian(dev.saccade.tensor.DType dt, long seed, int... shape) {
        int n = dev.saccade.tensor.Shape.of(shape).numel();
        return dt == dev.saccade.tensor.DType.F64 ? dev.saccade.tensor.Tensor.of(randomDoubles(n, seed), shape)
                : dev.saccade.tensor.Tensor.of(randomFloats(n, seed), shape);
    }

    /** The same view (shape, strides, offset) as cpuView, over a device copy of its whole storage. */
    static dev.saccade.tensor.Tensor sameView(CudaBackend cuda, dev.saccade.kernels.cpu.CpuBackend cpu,
                                              dev.saccade.tensor.Tensor cpuView) {
        return dev.saccade.tensor.Tensor.wrap(cuda.upload(cpu.download(cpuView.storage())), cpuView.layout(), cuda);
    }

    /**
     * actual, on {@code device}, within {@code tol} of expected in {@code |Δ| / (1 + |expected|)}, element by element
     * (NaN where both are NaN); prints the largest difference, which is what a GPU run's log is read for.
     */
    static void assertCloseOn(dev.saccade.tensor.Device device, String what, dev.saccade.tensor.Tensor expected,
                              dev.saccade.tensor.Tensor actual, double tol) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.shape(), actual.shape(), what + ": shape");
        org.junit.jupiter.api.Assertions.assertEquals(device, actual.device(), what + ": result device");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) && Double.isNaN(a[i])) continue;
            double d = Math.abs(e[i] - a[i]) / (1 + Math.abs(e[i]));
            if (!(d <= worst)) { worst = d; at = i; }
        }
        final double w = worst;
        final int idx = at;
        System.out.printf("%s: max relative difference %.3e%n", what, w);
        assertTrue(w <= tol, () -> what + ": max relative difference " + w + " at " + idx + " (cpu " + e[idx] + ", cuda " + a[idx] + ")");
    }

    static DeviceBuffer upload(float[] a) {
        DeviceBuffer b = DeviceBuffer.allocate(4L * Math.max(1, a.length));
        b.copyFrom(a);
        return b;
    }

    static DeviceBuffer upload(double[] a) {
        DeviceBuffer b = DeviceBuffer.allocate(8L * Math.max(1, a.length));
        b.copyFrom(a);
        return b;
    }

    static DeviceBuffer upload(long[] a) {
        DeviceBuffer b = DeviceBuffer.allocate(8L * Math.max(1, a.length));
        b.copyFrom(a);
        return b;
    }

    /** Asserts |expected − actual| ≤ atol + rtol·|expected| elementwise; prints the max difference. */
    static void assertClose(String what, double[] expected, float[] actual, double atol, double rtol) {
        double[] a = new double[actual.length];
        for (int i = 0; i < a.length; i++) a[i] = actual[i];
        assertClose(what, expected, a, atol, rtol);
    }

    static void assertClose(String what, double[] expected, double[] actual, double atol, double rtol) {
        assertTrue(expected.length == actual.length, what + ": length " + actual.length + " != " + expected.length);
        double max = 0;
        int worst = -1;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean bothNaN = Double.isNaN(e) && Double.isNaN(a);
            double d = bothNaN ? 0 : Math.abs(e - a);
            if (Double.isNaN(d)) d = Double.POSITIVE_INFINITY;
            if (d > max) { max = d; worst = i; }
            if (d > atol + rtol * Math.abs(e)) {
                throw new AssertionError(what + ": element " + i + " expected " + e + " got " + a + " (diff " + d + ")");
            }
        }
        System.out.printf("%s: max diff %.3e%s%n", what, max, worst >= 0 ? " at " + worst : "");
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
