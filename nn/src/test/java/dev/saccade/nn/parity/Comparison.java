package dev.saccade.nn.parity;

import dev.saccade.nn.io.RawArray;
import dev.saccade.tensor.Tensor;
import java.util.Arrays;

/**
 * Element-wise comparison of a saccade tensor with a golden array: {@code |actual − expected| ≤ atol + rtol·|expected|}
 * everywhere, with the max absolute difference printed whatever the outcome (llm.c's {@code check_tensor}).
 *
 * <pre>{@code
 * String problem = Comparison.check("relu out", golden, y, 1e-5, 1e-4);   // null when close
 * }</pre>
 */
final class Comparison {
    private Comparison() {}

    /** Null when {@code actual} matches {@code expected} in shape and values, else a message naming {@code what}. */
    static String check(String what, RawArray expected, Tensor actual, double atol, double rtol) {
        int[] shape = actual.shape().toArray();
        if (!Arrays.equals(shape, expected.shape())) {
            String m = what + ": shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expected.shape());
            System.out.println(m);
            return m;
        }
        float[] e = expected.toFloats();
        float[] a = actual.toFloatArray();
        double maxAbs = 0;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double d;
            if (a[i] == e[i] || (Float.isNaN(a[i]) && Float.isNaN(e[i]))) d = 0;            // equal infinities included
            else if (Float.isNaN(a[i]) || Float.isNaN(e[i])) d = Double.POSITIVE_INFINITY;
            else d = Math.abs((double) a[i] - e[i]);
            maxAbs = Math.max(maxAbs, d);
            double excess = d - (atol + rtol * Math.abs(e[i]));
            if (excess > 0 && (worst < 0 || excess > worstExcess)) { worst = i; worstExcess = excess; }
        }
        System.out.printf("  %-34s max |diff| = %.3g%n", what, maxAbs);
        if (worst < 0) return null;
        return String.format("%s: element %s is %.9g, expected %.9g (max |diff| %.3g, tolerance %.1g + %.1g·|expected|)",
                what, Arrays.toString(unravel(worst, shape)), a[worst], e[worst], maxAbs, atol, rtol);
    }

    /** Row-major index → coordinates. */
    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = flat % shape[i];
            flat /= shape[i];
        }
        return idx;
    }
}
