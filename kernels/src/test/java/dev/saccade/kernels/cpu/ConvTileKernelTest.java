package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.saccade.tensor.ops.ConvActivation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ConvTileKernel}, the tile with its epilogue from the registers, against the path it short-cuts —
 * {@link GemmMicroKernel#accumulate} then {@link ConvEpilogue#store} — bit for bit, for every KC-block position
 * (first, middle, last, only), with and without bias and residual, every activation, and the sigmoid gate of
 * {@link ConvFused#forwardGated}; y holds other data around the tile, which must be left as it was. The gate itself
 * is checked against the ungated store followed by {@code r·(σ(z) + 1)} as {@link CpuSigmoidGate} computes it.
 */
class ConvTileKernelTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (boolean first : new boolean[] {true, false})
            for (boolean last : new boolean[] {true, false})
                for (boolean bias : new boolean[] {false, true})
                    for (boolean residual : new boolean[] {false, true})
                        for (ConvActivation act : ConvActivation.values()) out.add(Arguments.of(first, last, bias, residual, act, false));
        for (boolean first : new boolean[] {true, false})
            for (boolean last : new boolean[] {true, false})
                for (boolean bias : new boolean[] {false, true}) out.add(Arguments.of(first, last, bias, true, ConvActivation.NONE, true));
        return out.stream();
    }

    @ParameterizedTest(name = "first={0} last={1} bias={2} residual={3} {4} gate={5}")
    @MethodSource("cases")
    void matchesAccumulateThenStore(boolean first, boolean last, boolean withBias, boolean withResidual, ConvActivation act,
                                    boolean gate) {
        SplittableRandom rng = new SplittableRandom(7);
        int kc = 37, cOut = 2 * MR + 3, plane = NR + 13, n = 2, co0 = MR, n0 = 1;
        float[] ap = random(rng, kc * MR), bp = random(rng, kc * NR);
        float[] bias = withBias ? random(rng, cOut) : null;
        float[] residual = withResidual ? random(rng, n * cOut * plane) : null;
        float[] y0 = random(rng, n * cOut * plane);
        // image 1 from its first position; inside it; straddling images 0 and 1; a short tile at the end of image 1
        int[][] tiles = {{plane, NR}, {plane + 13, NR}, {plane - 5, NR}, {2 * plane - 9, 9}};
        for (int[] tile : tiles) {
            int c = tile[0], nr = tile[1];
            ConvEpilogue out = new ConvEpilogue(y0.clone(), residual, gate, bias, act, cOut, plane, 0);
            float[] acc = new float[MR * NR];
            GemmMicroKernel.accumulate(kc, ap, 0, bp, 0, acc);
            out.store(acc, MR, nr, co0, c, first, last);
            float[] expected = out.y(), actual = y0.clone();
            int[] offset = new int[ConvEpilogue.maxSegments(plane)];
            long[] lanes = new long[offset.length];
            int segments = out.segments(c, nr, offset, lanes);
            if (gate) {
                ConvTileKernel.tileGated(kc, ap, 0, bp, 0, new float[MR * NR], actual, co0 * plane, plane, offset, lanes,
                        segments, first, last, bias, co0, residual);
            } else {
                ConvTileKernel.tile(kc, ap, 0, bp, 0, new float[MR * NR], actual, co0 * plane, plane, offset, lanes,
                        segments, first, last, bias, co0, residual, act);
            }
            assertArrayEquals(expected, actual, "columns " + c + " + " + nr);
            if (gate && last) {                                  // the gate is r·(σ(z) + 1) of the ungated output z
                ConvEpilogue plain = new ConvEpilogue(y0.clone(), null, false, bias, act, cOut, plane, 0);
                plain.store(acc, MR, nr, co0, c, first, true);
                float[] z = plain.y(), gated = y0.clone();
                for (int r = 0; r < MR; r++)
                    for (int t = 0; t < nr; t++) {
                        int col = c + t, i = ((col / plane) * cOut + co0 + r) * plane + col % plane;
                        gated[i] = residual[i] * (VectorExp.sigmoid(z[i]) + 1f);
                    }
                assertArrayEquals(gated, expected, 1e-5f, "gate, columns " + c + " + " + nr);
            }
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextDouble(-2, 2);
        return a;
    }
}
