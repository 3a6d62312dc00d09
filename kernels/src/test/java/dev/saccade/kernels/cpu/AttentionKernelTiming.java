package dev.saccade.kernels.cpu;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.PooledTemporalConv;
import dev.saccade.tensor.ops.TapSums;
import java.util.SplittableRandom;

/**
 * The attention modules' memory-bound kernels at the ResNet-50 stage shapes (one clip of 8 frames), through the
 * public ops: channel avg/max pooling of x·c (CBAM, W3), ACTION's pooled shift with and without ME's tap sums and
 * the tap sums as a pass of their own, the single-output spatial convolutions (7×7 2 → 1; 3×3×3 1 → 1 on the
 * (1, 1, 8, H, W) map), ACTION's CE and ME gates from the pooled means and tap sums (C → C/16 → C) and CBAM's and W3's
 * channel attention M_c from [avg; max] (shared MLP C → C/16 → C, W3's temporal convolutions), composed and as one
 * op, M2A's motion attention on its C/8 channels against a copy of them, and the backward of the avg/max pooling
 * (x·c over H·W and over C, both gradients) by its scalar twin and by vectors. After three warm-up passes, the best of 9 rounds of 20 calls each,
 * in µs. Not a test. Sections {@code pool}, {@code conv} use only ops older than the tap sums, so they also run
 * against an earlier build's jar; without arguments, all sections run.
 *
 * <pre>
 * mvn -o -q -B test-compile -pl kernels -am
 * java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Dsaccade.threads=2 \
 *     -cp kernels/target/test-classes:kernels/target/classes:tensor/target/classes \
 *     dev.saccade.kernels.cpu.AttentionKernelTiming [pool] [taps] [conv] [gates] [motion] [poolgrad]
 * </pre>
 */
public final class AttentionKernelTiming {
    private AttentionKernelTiming() {}

    private static double micros(Runnable r) {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 9; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e3 / 20;
    }

    public static void main(String[] args) {
        java.util.Set<String> sections = new java.util.HashSet<>(java.util.List.of(args.length == 0 ? new String[] {"pool", "taps", "conv", "gates", "motion", "poolgrad"} : args));
        int[][] shapes = {{256, 56}, {512, 28}, {1024, 14}, {2048, 7}};
        SplittableRandom rng = new SplittableRandom(1);
        try (var noGrad = GradMode.disable()) {
            for (int pass = 0; pass < 4; pass++) {                            // the first three passes warm the JIT up
                for (int[] s : shapes) {
                    int c = s[0], hw = s[1];
                    Tensor x = Tensor.uniform(rng, -1, 1, 8, c, hw, hw), scale = Tensor.uniform(rng, 0, 1, 8, c, 1, 1);
                    Tensor shift = Tensor.uniform(rng, -1, 1, c, 1, 3);
                    StringBuilder line = new StringBuilder(String.format("C=%4d %2d²:", c, hw));
                    if (sections.contains("pool")) {
                        line.append(String.format(" channel pool %7.1f", micros(() -> Functional.channelAvgMaxPool(x, scale))));
                    }
                    if (sections.contains("taps")) {
                        line.append(String.format(" | pooled shift %7.1f, with taps %7.1f, then TapSums %7.1f",
                                micros(() -> PooledTemporalConv.inference(x, shift, 8)),
                                micros(() -> PooledTemporalConv.inferenceWithTaps(x, shift, 8)),
                                micros(() -> TapSums.inference(PooledTemporalConv.inference(x, shift, 8)[0]))));
                    }
                    if (sections.contains("conv")) {
                        Tensor maps = Tensor.uniform(rng, -1, 1, 8, 2, hw, hw), k7 = Tensor.uniform(rng, -1, 1, 1, 2, 7, 7);
                        Tensor vol = Tensor.uniform(rng, -1, 1, 1, 1, 8, hw, hw), k3 = Tensor.uniform(rng, -1, 1, 1, 1, 3, 3, 3);
                        line.append(String.format(" | conv 7×7 2→1 %6.1f, conv 3×3×3 1→1 %6.1f",
                                micros(() -> Functional.conv2d(maps, k7, null, 1, 3, 1, 1)),
                                micros(() -> Functional.conv3d(vol, k3, null, 1, 1, 1, 1))));
                    }
                    if (sections.contains("gates")) {
                        int r = c / 16;
                        Tensor xs = Tensor.uniform(rng, -1, 1, 8, c, hw, hw), pooled = xs.mean(true, 2, 3), taps = TapSums.inference(xs);
                        var w = new dev.saccade.tensor.ops.ActionChannelGates.Weights(Tensor.uniform(rng, -0.1, 0.1, r, c, 1, 1),
                                Tensor.uniform(rng, -0.1, 0.1, r, r, 3), Tensor.uniform(rng, -0.1, 0.1, c, r, 1, 1),
                                Tensor.uniform(rng, -0.1, 0.1, r, c, 1, 1), Tensor.uniform(rng, -0.1, 0.1, r),
                                Tensor.uniform(rng, -0.1, 0.1, r, 1, 3, 3), Tensor.uniform(rng, -0.1, 0.1, c, r, 1, 1));
                        line.append(String.format(" | ACTION CE + ME gates: composed %7.1f, one op %7.1f",
                                micros(() -> dev.saccade.tensor.ops.ActionChannelGates.composed(pooled, taps, 8, hw, hw, w)),
                                micros(() -> dev.saccade.tensor.ops.ActionChannelGates.inference(pooled, taps, 8, hw, hw, w))));
                        Tensor both = Tensor.uniform(rng, -1, 1, 2, 8, c);
                        var cbam = new dev.saccade.tensor.ops.ChannelAttentionGates.Weights(Tensor.uniform(rng, -0.1, 0.1, r, c),
                                Tensor.uniform(rng, -0.1, 0.1, r), Tensor.uniform(rng, -0.1, 0.1, c, r),
                                Tensor.uniform(rng, -0.1, 0.1, c), null, null);
                        var w3 = new dev.saccade.tensor.ops.ChannelAttentionGates.Weights(cbam.w1(), cbam.b1(), cbam.w2(), cbam.b2(),
                                Tensor.uniform(rng, -0.5, 0.5, c, 1, 3), Tensor.uniform(rng, -0.5, 0.5, c, 1, 3));
                        line.append(String.format(" | CBAM M_c: composed %6.1f, one op %6.1f | W3 M_c: composed %6.1f, one op %6.1f",
                                micros(() -> dev.saccade.tensor.ops.ChannelAttentionGates.composed(both, 1, cbam)),
                                micros(() -> dev.saccade.tensor.ops.ChannelAttentionGates.inference(both, 1, cbam)),
                                micros(() -> dev.saccade.tensor.ops.ChannelAttentionGates.composed(both, 8, w3)),
                                micros(() -> dev.saccade.tensor.ops.ChannelAttentionGates.inference(both, 8, w3))));
                    }
                    if (sections.contains("motion")) {
                        Tensor y = Tensor.uniform(rng, -1, 1, 8, c / 8, hw, hw);
                        line.append(String.format(" | M2A motion attention on (8, %d, %d²) %6.1f, copy %6.1f",
                                c / 8, hw, micros(() -> dev.saccade.tensor.ops.MotionAttention.inference(y, 8, 1e-5)),
                                micros(() -> y.mul(1f))));
                    }
                    if (sections.contains("poolgrad")) {
                        Tensor cg = Tensor.uniform(rng, 0, 1, 8, c, 1, 1);
                        for (var axis : dev.saccade.tensor.ops.AvgMaxPool.Axis.values()) {
                            Tensor pooled = x.backend().avgMaxPool(x, cg, axis), g = Tensor.uniform(rng, -1, 1, pooled.shape().toArray());
                            Runnable backward = () -> x.backend().avgMaxPoolBackward(g, x, cg, pooled, axis, true, true);
                            line.append(String.format(" | avg/max pool over %s, backward: scalar twin %7.1f, vectors %7.1f", axis,
                                    micros(() -> { Simd.setEnabled(false); backward.run(); Simd.setEnabled(true); }), micros(backward)));
                        }
                    }
                    if (pass == 3) System.out.println(line);
                }
            }
        }
    }
}
