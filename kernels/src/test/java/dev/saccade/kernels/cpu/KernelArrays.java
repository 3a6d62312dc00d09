package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

/** Test inputs and the float comparison the convolution kernel tests share. */
final class KernelArrays {
    private KernelArrays() {}

    /** n standard-normal floats. */
    static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    /** Every element within 1e-5 of the largest |expected| (at least 1e-5), and none NaN. */
    static void assertClose(String what, float[] expected, float[] got) {
        double maxErr = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            maxErr = Float.isNaN(got[i]) ? Double.POSITIVE_INFINITY : Math.max(maxErr, Math.abs(got[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertTrue(maxErr <= 1e-5 * Math.max(1, scale), what + ": max |Δ| = " + maxErr + " (scale " + scale + ")");
    }
}
