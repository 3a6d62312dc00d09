package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import java.util.Arrays;
import java.util.Random;

/**
 * ResNet-50's convolutions at batch 1 (8 frames of 224²) as the inference path runs them — 3×3 stride-1 layers by
 * {@link WinogradConv}, the others by {@link ConvFused#forward}, pre-packed weights, their epilogues, conv3 written into
 * its residual's array — one distinct
 * layer at a time, random data: two untimed passes over all layers, then per layer the median and best of 10 to 200
 * calls, GFLOP/s, and the layer's count in the network; the total is the sum of medians times counts. The
 * layer-by-layer view to hold against ONNX Runtime's per-node profile of tsn-resnet50 (docs/PERF.md). Not a test.
 *
 * <pre>
 * mvn -o -q -B test-compile -pl kernels -am
 * java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Dsaccade.threads=2 \
 *     -cp kernels/target/test-classes:kernels/target/classes:tensor/target/classes \
 *     dev.saccade.kernels.cpu.ResNet50LayerTiming
 * </pre>
 */
public final class ResNet50LayerTiming {
    private ResNet50LayerTiming() {}

    private static final Random RANDOM = new Random(1);
    private static boolean quiet;   // the untimed passes
    private static double total;

    private static float[] rnd(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) RANDOM.nextGaussian() * 0.1f;
        return a;
    }

    private static void time(String name, int count, ConvGeometry g, boolean residual, ConvActivation act) {
        int kvol = g.kernelVolume();
        float[] w = rnd(g.cOut() * g.cInPerGroup() * kvol), b = rnd(g.cOut());
        float[] x = rnd(g.inputLength()), r = residual ? rnd(g.outputLength()) : null;
        // with a residual, y is written into it as the blocks do (InferenceConv.applyIntoResidual; the residual is then
        // the previous call's output)
        float[] y = r != null && !WinogradConv.supports(g) ? r : new float[g.outputLength()];
        Runnable call;
        if (WinogradConv.supports(g)) {
            WinogradWeights u = WinogradWeights.transform(w, b, g.cOut(), g.cInPerGroup());
            call = () -> WinogradConv.forward(g, x, u, r, act, y);
        } else {
            PackedConvWeights pw = PackedConvWeights.pack(w, b, g.cOut(), g.groups(), g.cInPerGroup() * kvol, g.isDepthwise());
            call = () -> ConvFused.forward(g, x, pw, r, act, 0, 0, y);
        }
        double macs = (double) g.outputLength() * g.cInPerGroup() * kvol;
        int reps = (int) Math.min(quiet ? 10 : 200, Math.max(10, 4e9 / macs));
        double[] t = new double[reps];
        for (int i = 0; i < 3; i++) call.run();
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            call.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        double median = t[reps / 2];
        total += count * median;
        if (quiet) return;
        System.out.printf("%-34s ×%d %7.3f ms (best %7.3f)  %6.1f GFLOP/s  ×count %7.2f ms%n",
                name, count, median, t[0], 2 * macs / median / 1e6, count * median);
    }

    public static void main(String[] args) {
        quiet = true;
        run();
        run();
        quiet = false;
        total = 0;
        run();
    }

    private static void run() {
        int n = 8;
        time("conv1 7x7/2 3->64 @224", 1, ConvGeometry.conv2d(n, 3, 64, 224, 224, 7, 2, 3), false, ConvActivation.RELU);
        int[] blocks = {3, 4, 6, 3}, widths = {64, 128, 256, 512};
        int in = 64, h = 56;
        for (int s = 0; s < 4; s++) {
            int w = widths[s], out = 4 * w, stride = s == 0 ? 1 : 2, oh = h / stride;
            String at = " @" + h;
            // first block: conv1 1×1 at the input plane, conv2 3×3 (stride here), conv3 + downsample
            time("l" + (s + 1) + ".0 conv1 1x1 " + in + "->" + w + at, 1, ConvGeometry.conv2d(n, in, w, h, h, 1, 1, 0), false, ConvActivation.RELU);
            time("l" + (s + 1) + ".0 conv2 3x3/" + stride + " " + w + at, 1, ConvGeometry.conv2d(n, w, w, h, h, 3, stride, 1), false, ConvActivation.RELU);
            time("l" + (s + 1) + ".0 down 1x1/" + stride + " " + in + "->" + out + at, 1, ConvGeometry.conv2d(n, in, out, h, h, 1, stride, 0), false, ConvActivation.NONE);
            time("l" + (s + 1) + ".x conv3 1x1 " + w + "->" + out + " +res @" + oh, blocks[s], ConvGeometry.conv2d(n, w, out, oh, oh, 1, 1, 0), true, ConvActivation.RELU);
            // the other blocks
            time("l" + (s + 1) + ".x conv1 1x1 " + out + "->" + w + " @" + oh, blocks[s] - 1, ConvGeometry.conv2d(n, out, w, oh, oh, 1, 1, 0), false, ConvActivation.RELU);
            time("l" + (s + 1) + ".x conv2 3x3 " + w + " @" + oh, blocks[s] - 1, ConvGeometry.conv2d(n, w, w, oh, oh, 3, 1, 1), false, ConvActivation.RELU);
            in = out;
            h = oh;
        }
        if (!quiet) System.out.printf("total %.2f ms%n", total);
    }
}
