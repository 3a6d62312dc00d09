package dev.saccade.kernels.cpu;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The training convolutions of the demo model, per layer, im2col + GEMM ({@link ConvGemm}) against what
 * {@link ConvKernels} runs: forward, backward data and backward filter of every convolution shape of a width-16
 * ResNet-18 on 32×32 frames at N = 128 (16 clips × 8 frames; {@code SmallConvBench}'s shapes, padding k/2), all shapes
 * interleaved in each round as in a training step, so that each route runs with the JIT profile a step gives it, and
 * the two routes of a pass taking turns to run first (the second would find the first's inputs in cache).
 * Prints the median milliseconds of the timed rounds, and the sum over the model's 20 convolutions (the stem's
 * backward data is not run in training and is left out of the sum).
 *
 * <pre>{@code
 * mvn -o -q -B test-compile -pl kernels -am
 * java --add-modules jdk.incubator.vector -Dsaccade.threads=1 \
 *     -cp kernels/target/test-classes:kernels/target/classes:tensor/target/classes \
 *     dev.saccade.kernels.cpu.TrainingConvTiming 60
 * }</pre>
 * Argument: timed rounds (default 60), after as many warm-up rounds.
 */
public final class TrainingConvTiming {
    /** {@code k<k>s<s>_<C_in>_<C_out>_<H=W>}, and how many convolutions of the model have that shape. */
    static final String[] SHAPES = {"k7s2_3_16_32", "k3s1_16_16_8", "k3s2_16_32_8", "k3s1_32_32_4", "k1s2_16_32_8",
            "k3s2_32_64_4", "k3s1_64_64_2", "k1s2_32_64_4", "k3s2_64_128_2", "k3s1_128_128_1", "k1s2_64_128_2"};
    static final int[] COUNT = {1, 4, 1, 3, 1, 1, 3, 1, 1, 3, 1};

    private TrainingConvTiming() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60, m = SHAPES.length;
        ConvGeometry[] g = new ConvGeometry[m];
        float[][] x = new float[m][], w = new float[m][], gy = new float[m][], y = new float[m][];
        float[][] gx = new float[m][], gw = new float[m][];
        for (int s = 0; s < m; s++) {
            g[s] = parse(SHAPES[s], 128);
            Random r = new Random(s);
            x[s] = random(r, g[s].inputLength());
            w[s] = random(r, g[s].weightLength());
            gy[s] = random(r, g[s].outputLength());
            y[s] = new float[g[s].outputLength()];
            gx[s] = new float[g[s].inputLength()];
            gw[s] = new float[g[s].weightLength()];
        }
        double[][][] ms = new double[m][6][rounds];                 // (shape, pass × {im2col, now}, round)
        for (int i = 0; i < 2 * rounds; i++)
            for (int s = 0; s < m; s++)
                for (int pass = 0; pass < 3; pass++)
                    for (int j = 0; j < 2; j++) {
                        boolean gemm = (j == 0) == (i % 2 == 0);            // which route runs first alternates
                        long t0 = System.nanoTime();
                        switch (pass) {
                            case 0 -> { if (gemm) ConvGemm.forward(g[s], x[s], w[s], null, y[s]); else ConvKernels.forward(g[s], x[s], w[s], null, y[s]); }
                            case 1 -> { if (gemm) ConvGemm.backwardData(g[s], gy[s], w[s], gx[s]); else ConvKernels.backwardData(g[s], gy[s], w[s], gx[s]); }
                            default -> { if (gemm) ConvGemm.backwardFilter(g[s], x[s], gy[s], gw[s]); else ConvKernels.backwardFilter(g[s], x[s], gy[s], gw[s]); }
                        }
                        if (i >= rounds) ms[s][2 * pass + (gemm ? 0 : 1)][i - rounds] = (System.nanoTime() - t0) * 1e-6;
                    }
        System.out.printf(Locale.ROOT, "%-15s %8s %8s %6s | %8s %8s %6s | %8s %8s %6s%n", "shape (count)",
                "fwd gemm", "now", "×", "bwdD gemm", "now", "×", "bwdF gemm", "now", "×");
        double[] total = new double[6];
        for (int s = 0; s < m; s++) {
            double[] md = new double[6];
            for (int q = 0; q < 6; q++) {
                md[q] = median(ms[s][q]);
                if (s > 0 || q < 2 || q > 3) total[q] += COUNT[s] * md[q];
            }
            System.out.printf(Locale.ROOT, "%-15s %8.3f %8.3f %6.2f | %8.3f %8.3f %6.2f | %8.3f %8.3f %6.2f%n",
                    SHAPES[s] + " (" + COUNT[s] + ")", md[0], md[1], md[0] / md[1], md[2], md[3], md[2] / md[3],
                    md[4], md[5], md[4] / md[5]);
        }
        System.out.printf(Locale.ROOT, "%-15s %8.2f %8.2f %6.2f | %8.2f %8.2f %6.2f | %8.2f %8.2f %6.2f%n", "per step",
                total[0], total[1], total[0] / total[1], total[2], total[3], total[2] / total[3], total[4], total[5],
                total[4] / total[5]);
        double before = total[0] + total[2] + total[4], now = total[1] + total[3] + total[5];
        System.out.printf(Locale.ROOT, "all three passes per step: %.2f ms with im2col + GEMM, %.2f ms now (%.2f×)%n",
                before, now, before / now);
    }

    /** {@code k<k>s<s>_<C_in>_<C_out>_<H=W>} → a 2-d geometry with padding k/2. */
    static ConvGeometry parse(String shape, int n) {
        String[] p = shape.split("_");
        int k = Integer.parseInt(p[0].substring(1, p[0].indexOf('s'))), s = Integer.parseInt(p[0].substring(p[0].indexOf('s') + 1));
        int hw = Integer.parseInt(p[3]);
        return ConvGeometry.conv2d(n, Integer.parseInt(p[1]), Integer.parseInt(p[2]), hw, hw, k, s, k / 2);
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
