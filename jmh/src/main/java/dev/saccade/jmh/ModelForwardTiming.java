package dev.saccade.jmh;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A quick latency loop for whole-model inference (evaluation mode, no grad), without JMH: warm-up forwards, then
 * timed ones, printing the median and best latency per model. For iterating on the inference path under a
 * profiler; the figures for docs/PERF.md come from side-by-side runs of several models in one JVM.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dsaccade.threads=2 -cp jmh/target/benchmarks.jar \
 *     dev.saccade.jmh.ModelForwardTiming 5 12 tsn-resnet50 tsm-resnet50 tsm-mobilenetv2
 * </pre>
 * Arguments: warm-up forwards, timed forwards, then model ids (8 frames of 224², one clip, 400 classes).
 * Besides wall-clock latency it prints the process CPU time per forward (all threads, GC included), which a
 * shared machine distorts less. {@code -Dunfused=true} also times each model op by op ({@link InferenceMode#unfused()}) in the same rounds, so
 * the two paths are compared side by side on a noisy machine. {@code -DpauseMs=N} sleeps N ms before each timed
 * forward: the latency of a forward that follows an idle spell, as an application classifying now and then sees it.
 */
public final class ModelForwardTiming {
    private ModelForwardTiming() {}

    public static void main(String[] args) {
        int warmup = Integer.parseInt(args[0]), timed = Integer.parseInt(args[1]);
        int frames = Integer.getInteger("frames", 8), size = Integer.getInteger("size", 224);
        int clips = Integer.getInteger("clips", 1);
        String[] given = Arrays.copyOfRange(args, 2, args.length);
        boolean both = Boolean.getBoolean("unfused");
        long pauseMs = Long.getLong("pauseMs", 0);
        String[] ids = both ? new String[2 * given.length] : given;
        if (both) for (int m = 0; m < given.length; m++) { ids[2 * m] = given[m]; ids[2 * m + 1] = given[m] + " (unfused)"; }
        Tsn[] models = new Tsn[ids.length];
        for (int m = 0; m < ids.length; m++) {
            models[m] = both && m % 2 == 1 ? models[m - 1] : ModelRegistry.standard().create(new ModelConfig(
                    ids[m], frames, 400, size, 0.5, 0, java.util.Map.of()));
            models[m].eval();
        }
        Tensor x = Tensor.uniform(new SplittableRandom(1), -1, 1, clips, frames, 3, size, size); // (N, T, 3, H, W)
        double[][] ms = new double[ids.length][timed], cpu = new double[ids.length][timed];
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try (var noGrad = GradMode.disable()) {
            for (int i = 0; i < warmup; i++) for (int m = 0; m < ids.length; m++) forward(models[m], x, ids[m]);
            for (int i = 0; i < timed; i++)                    // rounds interleaved across models
                for (int m = 0; m < ids.length; m++) {
                    if (pauseMs > 0) sleep(pauseMs);
                    long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
                    forward(models[m], x, ids[m]);
                    ms[m][i] = (System.nanoTime() - t0) / 1e6;
                    cpu[m][i] = (os.getProcessCpuTime() - c0) / 1e6;
                }
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap in use after the runs: %.0f MiB%n", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        for (int m = 0; m < ids.length; m++) {
            double[] s = ms[m].clone(), c = cpu[m].clone();
            Arrays.sort(s);
            Arrays.sort(c);
            System.out.printf("%-26s median %8.1f ms  best %8.1f ms  process CPU median %8.1f ms%n", ids[m],
                    s[s.length / 2], s[0], c[c.length / 2]);
        }
    }

    private static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); throw new IllegalStateException(e); }
    }

    private static void forward(Tsn model, Tensor x, String id) {
        if (!id.endsWith("(unfused)")) { model.forward(x); return; }
        try (var s = InferenceMode.unfused()) { model.forward(x); }
    }
}
