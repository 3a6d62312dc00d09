package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import java.util.Random;

/**
 * ResNet-50's stage 3–4 convolutions (and one at 28²) through {@link ConvFused#forward} with bias + ReLU (+ residual),
 * one clip of 8 frames: the planes of 7² and 14² whose GEMM tiles straddle two images, where the store runs
 * {@link ConvTileKernel}'s per-image path. After two warm-up rounds, the best of 40 calls per layer, ms. Not a test;
 * run it on two builds' classes alternately to compare them.
 *
 * <pre>
 * mvn -o -q -B test-compile -pl kernels -am
 * java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Dsaccade.threads=2 \
 *     -cp kernels/target/test-classes:kernels/target/classes:tensor/target/classes \
 *     dev.saccade.kernels.cpu.SmallPlaneConvTiming
 * </pre>
 */
public final class SmallPlaneConvTiming {
    private SmallPlaneConvTiming() {}

    private static final Random RNG = new Random(1);

    private static float[] gaussian(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) RNG.nextGaussian() * 0.1f;
        return a;
    }

    public static void main(String[] args) {
        // C_in, C_out, H = W, kernel, residual (1) or not (0)
        int[][] layers = {{2048, 512, 7, 1, 0}, {512, 2048, 7, 1, 1}, {512, 512, 7, 3, 0}, {1024, 256, 14, 1, 0},
                {256, 1024, 14, 1, 1}, {256, 256, 14, 3, 0}, {128, 512, 28, 1, 1}};
        StringBuilder line = new StringBuilder();
        for (int round = 0; round < 3; round++) {                                  // the first two warm the JIT up
            line.setLength(0);
            for (int[] l : layers) {
                ConvGeometry g = ConvGeometry.conv2d(8, l[0], l[1], l[2], l[2], l[3], 1, l[3] / 2);
                int k = l[0] * l[3] * l[3];
                PackedConvWeights w = PackedConvWeights.pack(gaussian(l[1] * k), gaussian(l[1]), l[1], 1, k, false);
                float[] x = gaussian(g.inputLength()), y = new float[g.outputLength()];
                float[] residual = l[4] == 1 ? gaussian(g.outputLength()) : null;
                double best = Double.MAX_VALUE;
                for (int i = 0; i < 40; i++) {
                    long t0 = System.nanoTime();
                    ConvFused.forward(g, x, w, residual, ConvActivation.RELU, 0, 0, y);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                }
                line.append(String.format(" %d→%d %d×%d at %d²%s %.3f |", l[0], l[1], l[3], l[3], l[2], residual != null ? " +res" : "", best));
            }
        }
        System.out.println(line);
    }
}
