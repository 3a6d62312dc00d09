package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AvgMaxPool;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuAvgMaxPool}'s channel pooling, {@code [mean_C x·c, max_C x·c]}, on planes that take each of its three
 * loops — held in registers (L to 4·L pixels, the last vector overlapping the one before), one channel row at a time
 * (up to {@link CpuAvgMaxPool#ONE_ROW_PLANE_MAX} pixels, and planes smaller than a vector), four rows a sweep (larger
 * planes, channel counts that leave one to three rows over) — at each loop's edges. Every loop adds the channels in
 * their order in float, so the op must give the bits of the plain float loop below; {@code FusedTemporalOpsTest}
 * checks the op against the composed ops and its backward on small planes.
 */
class ChannelPoolingTest {
    private final SplittableRandom rng = new SplittableRandom(31);
    private final Backend cpu = new CpuBackend();

    @Test void everyPlaneSizeGivesTheFloatLoopsBits() {
        int l = Simd.F.length(), big = CpuAvgMaxPool.ONE_ROW_PLANE_MAX;
        int[][] planes = {{1, 1}, {1, l - 1}, {1, l}, {1, l + 1}, {3, l}, {7, 7}, {2, 2 * l - 1}, {1, 3 * l + 1},
                {4, l}, {1, 4 * l}, {1, 4 * l + 1}, {14, 14}, {28, 28}, {1, big}, {1, big + 1}, {33, 32}, {56, 56}};
        for (int[] p : planes) {
            for (int channels : new int[] {1, 4, 7, 10}) {
                for (boolean scaled : new boolean[] {false, true}) check(3, channels, p[0], p[1], scaled);
            }
        }
    }

    @Test void theOverlappingVectorKeepsEachPixelsOwnSumAndMax() {
        int l = Simd.F.length(), sp = 3 * l + 1;            // four vectors, the last one overlapping the third
        float[] x = new float[2 * sp];
        for (int i = 0; i < sp; i++) { x[i] = -i; x[sp + i] = -2 * i; }
        x[sp + sp - 1] = 100;                                 // channel 1, the last pixel: only the overlapping vector holds it
        x[3 * l - 1] = 50;                                    // channel 0, the third vector's last lane, inside the overlap
        Tensor pooled = cpu.avgMaxPool(Tensor.of(x, 1, 2, 1, sp), null, AvgMaxPool.Axis.CHANNEL);
        float[] got = pooled.toFloatArray();
        assertEquals(100f, got[sp + sp - 1]);
        assertEquals(50f, got[sp + 3 * l - 1]);
        assertEquals((-(sp - 1) + 100) / 2f, got[sp - 1], "mean of the last pixel");
        assertEquals((50 - 2 * (3 * l - 1)) / 2f, got[3 * l - 1], "mean of the overlap's last pixel");
    }

    /** The op on (frames, C, h, w) against a float loop over the channels in order. */
    private void check(int frames, int channels, int h, int w, boolean scaled) {
        int sp = h * w;
        Tensor x = Tensor.uniform(rng, -3, 3, frames, channels, h, w);
        Tensor c = scaled ? Tensor.uniform(rng, 0, 1, frames, channels, 1, 1) : null;
        float[] xf = x.toFloatArray(), cf = scaled ? c.toFloatArray() : null, want = new float[frames * 2 * sp];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < sp; i++) {
                float sum = 0, max = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < channels; k++) {
                    float v = xf[(f * channels + k) * sp + i] * (scaled ? cf[f * channels + k] : 1f);
                    sum += v;
                    max = Math.max(max, v);
                }
                want[f * 2 * sp + i] = sum / channels;
                want[f * 2 * sp + sp + i] = max;
            }
        }
        float[] got = cpu.avgMaxPool(x, c, AvgMaxPool.Axis.CHANNEL).toFloatArray();
        assertArrayEquals(want, got, "channel pooling of " + x.shape() + (scaled ? " scaled" : ""));
    }
}
