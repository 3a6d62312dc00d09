package dev.saccade.kernels.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MaxPoolValues} against the scalar max pool: odd planes, strides, paddings, wide and narrow rows. */
class MaxPoolValuesTest {
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of(PoolGeometry.pool2d(3, 5, 13, 11, 3, 2, 1)),    // ResNet's stem pool, odd plane
                Arguments.of(PoolGeometry.pool2d(2, 3, 7, 37, 3, 2, 1)),     // rows longer than a vector, with a tail
                Arguments.of(PoolGeometry.pool2d(1, 2, 12, 112, 3, 2, 1)),   // the stem pool's row width
                Arguments.of(PoolGeometry.pool2d(2, 2, 5, 8, 3, 2, 1)),      // even width below a vector
                Arguments.of(PoolGeometry.pool2d(1, 2, 4, 65, 3, 2, 1)),     // odd width past 4 vectors: last window trimmed
                Arguments.of(PoolGeometry.pool2d(1, 1, 3, 1, 3, 2, 1)),      // one column
                Arguments.of(PoolGeometry.pool2d(2, 4, 9, 8, 2, 2, 0)),
                Arguments.of(PoolGeometry.pool2d(1, 2, 6, 5, 3, 1, 1)),      // stride 1
                Arguments.of(PoolGeometry.pool2d(1, 3, 10, 9, 5, 3, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void matchesTheScalarMaxPool(PoolGeometry g) {
        Random rnd = new Random(7);
        float[] x = new float[g.inputLength()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() - 3f;   // mostly negative: padding must not win
        assertTrue(MaxPoolValues.separable(g));
        float[] expected = new float[g.outputLength()], y = new float[g.outputLength()];
        MaxPoolValues.forwardScalar(g, x, expected);
        MaxPoolValues.forward(g, x, y);
        assertArrayEquals(expected, y);
    }

    @Test
    void aNanWinsItsWindows() {
        PoolGeometry g = PoolGeometry.pool2d(1, 1, 5, 20, 3, 2, 1);
        float[] x = new float[g.inputLength()];
        x[2 * 20 + 17] = Float.NaN;
        float[] expected = new float[g.outputLength()], y = new float[g.outputLength()];
        MaxPoolValues.forwardScalar(g, x, expected);
        MaxPoolValues.forward(g, x, y);
        assertArrayEquals(expected, y);
        assertTrue(Float.isNaN(y[1 * 10 + 8]) && Float.isNaN(y[1 * 10 + 9]));
    }
}
