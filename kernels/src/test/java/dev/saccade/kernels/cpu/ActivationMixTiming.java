package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import java.util.Random;

/**
 * {@link Depthwise3x3} on planes of 16 channels, one thread, each shape run with ReLU6 and then with no activation in
 * the same JVM: the mix under which C2 once compiled {@link VectorActivation}'s ReLU6 out of line into the stride-1
 * loop (docs/PERF.md, "VectorActivation.apply written out"). Prints the best of 30 × 200 calls, µs a plane. Not a
 * test.
 *
 * <pre>
 * mvn -o -q -B test-compile -pl kernels
 * java --add-modules jdk.incubator.vector -Dsaccade.threads=1 \
 *     -cp kernels/target/test-classes:kernels/target/classes:tensor/target/classes \
 *     dev.saccade.kernels.cpu.ActivationMixTiming
 * </pre>
 */
public final class ActivationMixTiming {
    private ActivationMixTiming() {}

    public static void main(String[] a) {
        Random r = new Random(1);
        for (int[] s : new int[][]{{56, 2}, {112, 2}, {28, 2}, {56, 1}, {112, 1}, {14, 1}}) {
            ConvGeometry g = ConvGeometry.of(1, 16, 16, 16, new int[]{s[0], s[0]}, new int[]{3, 3}, new int[]{s[1], s[1]}, new int[]{1, 1}, new int[]{1, 1});
            float[] x = new float[g.inputLength()], w = new float[16 * 9], b = new float[16], y = new float[g.outputLength()];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
            for (ConvActivation act : new ConvActivation[]{ConvActivation.RELU6, ConvActivation.NONE}) {
                double best = 1e9;
                for (int rep = 0; rep < 30; rep++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 200; i++) Depthwise3x3.forward(g, x, w, b, null, act, y);
                    best = Math.min(best, (System.nanoTime() - t0) / 200.0 / 16 / 1e3);
                }
                System.out.printf("%3d s%d %-6s %.3f us/plane%n", s[0], s[1], act, best);
            }
        }
    }
}
