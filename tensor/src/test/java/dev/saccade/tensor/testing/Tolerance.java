package dev.saccade.tensor.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison that prints the max difference (llm.c's {@code check_tensor}). */
public final class Tolerance {
    private Tolerance() {}

    /** Asserts |a − b| ≤ atol + rtol·|b| everywhere; prints the max absolute and relative differences. */
    public static void assertClose(String what, double[] expected, double[] actual, double atol, double rtol) {
        if (expected.length != actual.length) fail(what + ": length " + actual.length + " vs expected " + expected.length);
        double maxAbs = 0, maxRel = 0;
        int worst = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (Double.isNaN(actual[i]) != Double.isNaN(expected[i])) fail(what + ": NaN mismatch at " + i);
            if (Double.isNaN(d)) continue;
            double rel = d / Math.max(Math.abs(expected[i]), 1e-30);
            if (d > maxAbs) { maxAbs = d; }
            if (d > atol + rtol * Math.abs(expected[i])) { worst = i; maxRel = Math.max(maxRel, rel); }
        }
        System.out.printf("%-48s max |diff| = %.3g%n", what, maxAbs);
        if (worst >= 0) fail(String.format("%s: element %d is %.9g, expected %.9g (max |diff| %.3g)", what, worst, actual[worst], expected[worst], maxAbs));
    }

    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        assertClose(what, toDouble(expected), toDouble(actual), atol, rtol);
    }

    public static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    public static void assertExactly(long[] expected, long[] actual) { assertArrayEquals(expected, actual); }
}
