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
