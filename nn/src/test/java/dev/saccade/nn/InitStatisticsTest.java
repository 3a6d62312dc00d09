package dev.saccade.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Linear;
import dev.saccade.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's default Linear/Conv initialisation is {@code kaiming_uniform_(a=√5)}: U(−b, b), b = 1/sqrt(fan_in), whose
 * standard deviation is {@code 1/sqrt(3·fan_in)}. The saccade layers must be distributed the same way.
 */
class InitStatisticsTest {
    private static void checkUniform(String what, Tensor w, int fanIn) {
        double bound = 1 / Math.sqrt(fanIn), std = 1 / Math.sqrt(3.0 * fanIn);
        double[] v = w.toDoubleArray();
        double sum = 0, sq = 0, max = 0;
        for (double d : v) { sum += d; sq += d * d; max = Math.max(max, Math.abs(d)); }
        double mean = sum / v.length, sd = Math.sqrt(sq / v.length - mean * mean);
        System.out.printf("%s: n=%d mean=%.3g std=%.5g (expected %.5g) max|w|=%.5g (bound %.5g)%n", what, v.length, mean, sd, std, max, bound);
        assertTrue(max <= bound, what + ": max |w| " + max + " exceeds the bound " + bound);
        assertTrue(max > 0.98 * bound, what + ": max |w| " + max + " does not reach the bound " + bound + " (range too narrow)");
        assertEquals(std, sd, 0.03 * std, what + ": std");
        assertEquals(0, mean, 0.05 * std, what + ": mean");
    }

    @Test void linearWeightAndBias() {
        Linear fc = new Linear(256, 128, true, new SplittableRandom(11));
        checkUniform("Linear(256,128).weight", fc.weight(), 256);
        double bound = 1 / Math.sqrt(256);
        for (double b : fc.bias().toDoubleArray()) assertTrue(Math.abs(b) <= bound, "bias " + b + " outside ±" + bound);
    }

    @Test void convWeight() {
        Conv conv = Conv.conv2d(64, 32, 3, 1, 1, 1, true, new SplittableRandom(12));
        checkUniform("Conv2d(64,32,3).weight", conv.weight(), 64 * 9);
    }
}
