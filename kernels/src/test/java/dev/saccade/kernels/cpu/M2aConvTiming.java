package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;

import java.util.Arrays;
import java.util.Random;

/**
 * M2A's two 1×1 convolutions at the ResNet-50 stage shapes (one clip of 8 frames): conv_down C → C/8, conv_up
 * C/8 → C plain and with the gate {@code x·(1 + σ(z))} in its store ({@link ConvFused#forwardGated}), each the best
 * of 30 calls in GFLOP/s; then the block's conv1 (C → C/4, ReLU) behind TSM's shift reading M2A's output, two ways
 * alternated call by call: the gated conv_up writes u and conv1 reads it, or conv1 makes u as it packs its panels
 * ({@link ConvFused#forwardUpGated}) — medians in ms and the median of the per-call ratio. Not a test.
 *
 * <pre>
 * mvn -o -q -B test-compile -pl kernels -am
 * java --add-modules jdk.incubator.vector -Dsaccade.threads=2 \
 *     -cp kernels/target/test-classes:kernels/target/classes:tensor/target/classes \
 *     dev.saccade.kernels.cpu.M2aConvTiming
 * </pre>
 */
public final class M2aConvTiming {
    private M2aConvTiming() {}

    static final Random r = new Random(1);
    static float[] rnd(int n) { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * 0.1f; return a; }
    public static void main(String[] a) {
        int[][] shapes = {{256, 56}, {512, 28}, {1024, 14}, {2048, 7}};
        for (int round = 0; round < 3; round++) {
            for (int[] s : shapes) {
                int c = s[0], h = s[1], rr = c / 8, N = 8, T = 8, fold = c / 8;
                ConvGeometry down = ConvGeometry.conv2d(N, c, rr, h, h, 1, 1, 0), up = ConvGeometry.conv2d(N, rr, c, h, h, 1, 1, 0);
                ConvGeometry conv1 = ConvGeometry.conv2d(N, c, c / 4, h, h, 1, 1, 0);
                PackedConvWeights wd = PackedConvWeights.pack(rnd(rr * c), rnd(rr), rr, 1, c, false);
                PackedConvWeights wu = PackedConvWeights.pack(rnd(rr * c), rnd(c), c, 1, rr, false);
                PackedConvWeights w1 = PackedConvWeights.pack(rnd(c / 4 * c), rnd(c / 4), c / 4, 1, c, false);
                float[] x = rnd(down.inputLength()), y = new float[down.outputLength()], z = new float[up.outputLength()];
                float[] h1 = new float[conv1.outputLength()], h2 = new float[conv1.outputLength()];
                double td = 1e9, tu = 1e9, tg = 1e9;
                double[] composed = new double[30], fused = new double[30], ratio = new double[30];
                for (int i = 0; i < 30; i++) {
                    long t0 = System.nanoTime(); ConvFused.forward(down, x, wd, null, ConvActivation.NONE, 0, 0, y);
                    long t1 = System.nanoTime(); ConvFused.forward(up, y, wu, null, ConvActivation.NONE, 0, 0, z);
                    long t2 = System.nanoTime(); ConvFused.forwardGated(up, y, wu, x, z);
                    long t3 = System.nanoTime();
                    td = Math.min(td, (t1 - t0) / 1e6); tu = Math.min(tu, (t2 - t1) / 1e6); tg = Math.min(tg, (t3 - t2) / 1e6);
                    long t4 = System.nanoTime();
                    ConvFused.forwardGated(up, y, wu, x, z);                                   // u written ...
                    ConvFused.forward(conv1, z, w1, null, ConvActivation.RELU, T, fold, h1);   // ... and read
                    long t5 = System.nanoTime();
                    ConvFused.forwardUpGated(conv1, x, y, wu, w1, null, ConvActivation.RELU, T, fold, h2);
                    long t6 = System.nanoTime();
                    composed[i] = (t5 - t4) / 1e6; fused[i] = (t6 - t5) / 1e6; ratio[i] = composed[i] / fused[i];
                }
                if (!Arrays.equals(h1, h2)) throw new AssertionError("C=" + c + " " + h + "²: conv1 of u made while packing differs");
                Arrays.sort(composed); Arrays.sort(fused); Arrays.sort(ratio);
                double macs = (double) N * h * h * c * rr;
                if (round == 2) {
                    System.out.printf("C=%d %d²: down %.2f ms (%.0f GFLOP/s), up %.2f ms (%.0f), up gated %.2f ms (%.0f)%n", c, h, td,
                            2 * macs / td / 1e6, tu, 2 * macs / tu / 1e6, tg, 2 * macs / tg / 1e6);
                    System.out.printf("       up gated + shift + conv1 %.2f ms, conv1 making u %.2f ms, per-call ratio %.3f%n",
                            composed[15], fused[15], ratio[15]);
                }
            }
        }
    }
}
