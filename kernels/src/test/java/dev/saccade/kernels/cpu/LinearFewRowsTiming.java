package dev.saccade.kernels.cpu;

import java.util.SplittableRandom;

/**
 * Linear layers on a few vectors, {@code y = x · Wᵀ}, at the shapes the attention modules meet (x (M, K), W (N, K)):
 * {@link GemmFewRows} (W read in place) against the packed path {@link GemmBlocked} in the same JVM, calls
 * alternated. "Warm": the best of 15 rounds of 50 calls; "cold": the mean of 30 calls, each after a 64 MB sweep that
 * evicts W from the caches (as in a model, where each layer's weights are read once per forward). In µs. Not a test.
 *
 * <pre>
 * mvn -o -q -B test-compile -pl kernels -am
 * java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Dsaccade.threads=2 \
 *     -cp kernels/target/test-classes:kernels/target/classes:tensor/target/classes \
 *     dev.saccade.kernels.cpu.LinearFewRowsTiming
 * </pre>
 */
public final class LinearFewRowsTiming {
    private LinearFewRowsTiming() {}

    private static final float[] SWEEP = new float[16 << 20];

    private static double warm(Runnable r) {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 15; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e3 / 50;
    }

    private static double cold(Runnable r) {
        long total = 0;
        for (int call = 0; call < 30; call++) {
            for (int i = 0; i < SWEEP.length; i += 16) SWEEP[i] += 1f;
            long t0 = System.nanoTime();
            r.run();
            total += System.nanoTime() - t0;
        }
        return total / 1e3 / 30;
    }

    public static void main(String[] args) {
        // {M, N, K}: CBAM/W3's first MLP layer on [avg; max] of 8 frames, ACTION's squeezes on 8 frames, a classifier
        int[][] shapes = {{16, 16, 256}, {16, 32, 512}, {16, 64, 1024}, {16, 128, 2048}, {8, 16, 256}, {8, 128, 2048},
            {8, 174, 2048}};
        SplittableRandom rng = new SplittableRandom(3);
        for (int pass = 0; pass < 2; pass++) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                float[] x = new float[m * k], w = new float[n * k], y = new float[m * n];
                for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
                for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
                Runnable few = () -> GemmFewRows.gemm(m, n, k, 1f, x, 0, k, w, 0, k, 0f, y, 0, n);
                Runnable packed = () -> GemmBlocked.gemm(false, true, m, n, k, 1f, x, 0, k, w, 0, k, 0f, y, 0, n);
                double fw = warm(few), pw = warm(packed), fc = cold(few), pc = cold(packed);
                if (pass == 1) {
                    System.out.printf("M=%2d N=%4d K=%4d: warm few rows %7.1f, packed %7.1f | cold few rows %7.1f, packed %7.1f%n",
                            m, n, k, fw, pw, fc, pc);
                }
            }
        }
    }
}
