package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import java.util.*;
/**
 * TSM-MobileNetV2's convolutions at batch 1 (8 frames of 224²) one by one through {@link ConvFused#forward} with
 * pre-packed weights and their epilogues (the shift left out), random data: two untimed passes over all layers, then
 * per layer the median and best of 40 to 200 calls, GFLOP/s and the output's size; the total is the sum of medians.
 * The layer-by-layer view to hold against ONNX Runtime's per-node profile (docs/PERF.md). Not a test.
 *
 * <pre>
 * mvn -o -q -B test-compile -pl kernels -am
 * java --add-modules jdk.incubator.vector -Dsaccade.threads=2 \
 *     -cp kernels/target/test-classes:kernels/target/classes:tensor/target/classes \
 *     dev.saccade.kernels.cpu.MobileNetV2LayerTiming
 * </pre>
 */
public final class MobileNetV2LayerTiming {
    private MobileNetV2LayerTiming() {}

    private static final Random r = new Random(1);
    private static float[] rnd(int n) { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * 0.1f; return a; }
    private static double total = 0;
    private static void time(String name, ConvGeometry g, boolean res, ConvActivation act) {
        int kvol = g.kernelVolume();
        float[] w = rnd(g.cOut() * g.cInPerGroup() * kvol), b = rnd(g.cOut());
        PackedConvWeights pw = PackedConvWeights.pack(w, b, g.cOut(), g.groups(), g.cInPerGroup() * kvol, g.isDepthwise());
        float[] x = rnd(g.inputLength()), y = new float[g.outputLength()], rr = res ? rnd(g.outputLength()) : null;
        int reps = Math.max(40, (int) (4e8 / Math.max(1, g.outputLength() * (long) g.cInPerGroup() * kvol)));
        reps = Math.min(reps, quiet ? 10 : 200);
        double[] t = new double[reps];
        for (int i = 0; i < 3; i++) ConvFused.forward(g, x, pw, rr, act, 0, 0, y);
        for (int i = 0; i < reps; i++) { long t0 = System.nanoTime(); ConvFused.forward(g, x, pw, rr, act, 0, 0, y); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t);
        double med = t[reps / 2];
        total += med;
        if (quiet) return;
        double macs = (double) g.outputLength() * g.cInPerGroup() * kvol;
        System.out.printf("%-34s %7.3f ms (best %7.3f)  %6.1f GFLOP/s  out %5.1f MB%n", name, med, t[0], 2 * macs / med / 1e6, g.outputLength() * 4 / 1e6);
    }
    private static boolean quiet;   // the untimed passes
    public static void main(String[] a) {
        quiet = true; run(); run(); quiet = false; total = 0; run();
    }
    private static void run() {
        int N = 8, H = 224;
        time("features.0 stem 3->32 s2", ConvGeometry.conv2d(N, 3, 32, H, H, 3, 2, 1), false, ConvActivation.RELU6);
        int h = 112, c = 32;
        time("f1 dw 32 @112", ConvGeometry.of(N, 32, 32, 32, new int[]{h, h}, new int[]{3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}), false, ConvActivation.RELU6);
        time("f1 proj 32->16 @112", ConvGeometry.conv2d(N, 32, 16, h, h, 1, 1, 0), false, ConvActivation.NONE);
        c = 16;
        int[][] cfg = {{24, 2, 2}, {32, 3, 2}, {64, 4, 2}, {96, 3, 1}, {160, 3, 2}, {320, 1, 1}};
        int f = 2;
        for (int[] s : cfg) for (int i = 0; i < s[1]; i++, f++) {
            int stride = i == 0 ? s[2] : 1, e = 6 * c, oh = h / stride;
            time("f" + f + " exp " + c + "->" + e + " @" + h, ConvGeometry.conv2d(N, c, e, h, h, 1, 1, 0), false, ConvActivation.RELU6);
            time("f" + f + " dw " + e + " s" + stride + " @" + h, ConvGeometry.of(N, e, e, e, new int[]{h, h}, new int[]{3, 3}, new int[]{stride, stride}, new int[]{1, 1}, new int[]{1, 1}), false, ConvActivation.RELU6);
            boolean res = stride == 1 && c == s[0];
            time("f" + f + " proj " + e + "->" + s[0] + " @" + oh + (res ? " +res" : ""), ConvGeometry.conv2d(N, e, s[0], oh, oh, 1, 1, 0), res, ConvActivation.NONE);
            c = s[0]; h = oh;
        }
        time("f18 1x1 320->1280 @7", ConvGeometry.conv2d(N, 320, 1280, 7, 7, 1, 1, 0), false, ConvActivation.RELU6);
        if (!quiet) System.out.printf("total %.2f ms%n", total);
    }
}
