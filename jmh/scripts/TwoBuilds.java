import java.lang.reflect.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;

/**
 * Two builds of saccade in one JVM, one class loader each, running the same model on the same clip in interleaved
 * rounds: a before/after comparison on a machine whose speed drifts by tens of percent from one minute to the next
 * (separate JVMs, run one after the other, then meet different neighbours). Each build is a {@code benchmarks.jar}
 * ({@code mvn -B -pl jmh -am package -DskipTests}, copied aside per commit); the model is built as
 * {@code ModelInferenceBench} builds it, and the clip is the exporter's reference clip when {@code jmh/target/onnx}
 * holds one. Prints each build's median, best and
 * every round, and the median and quartiles of the per-round ratio before / after. {@code -Dsleep} (ms, default 400)
 * pauses before each forward; 0 runs them back to back; {@code -Dspin=true} spends the pause spinning on two threads
 * instead of asleep (the same jar twice then shows what the idle cores cost a forward).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Dsaccade.threads=2 -Xms6g -Xmx6g \
 *      jmh/scripts/TwoBuilds.java tsm-mobilenetv2 60 before.jar after.jar
 * </pre>
 */
public class TwoBuilds {
    static final long SLEEP = Long.getLong("sleep", 400);
    static final boolean SPIN = Boolean.getBoolean("spin");
    record Engine(String name, Object net, Method forward, Object input, Method disable, ClassLoader cl) {
        double run() throws Exception {
            Thread.currentThread().setContextClassLoader(cl);
            Object scope = disable.invoke(null);
            long t0 = System.nanoTime();
            forward.invoke(net, input);
            double ms = (System.nanoTime() - t0) / 1e6;
            ((AutoCloseable) scope).close();
            return ms;
        }
    }
    static Engine load(String name, String jar, String model) throws Exception {
        URLClassLoader cl = new URLClassLoader(new URL[]{Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(cl);
        Class<?> mib = cl.loadClass("dev.saccade.jmh.ModelInferenceBench");
        Method create = mib.getDeclaredMethod("create", String.class); create.setAccessible(true);
        Method clip = mib.getDeclaredMethod("clip", String.class, int.class); clip.setAccessible(true);
        Object net = create.invoke(null, model);
        net.getClass().getMethod("eval").invoke(net);
        Class<?> tensor = cl.loadClass("dev.saccade.tensor.Tensor");
        Object input = tensor.getMethod("of", float[].class, int[].class).invoke(null, clip.invoke(null, model, 1), new int[]{1, 8, 3, 224, 224});
        Method forward = null;
        for (Method m : net.getClass().getMethods()) if (m.getName().equals("forward") && m.getParameterCount() == 1 && m.getParameterTypes()[0] == tensor) forward = m;
        Method disable = cl.loadClass("dev.saccade.tensor.autograd.GradMode").getMethod("disable");
        return new Engine(name, net, forward, input, disable, cl);
    }
    public static void main(String[] a) throws Exception {
        String model = a[0]; int rounds = Integer.parseInt(a[1]);
        List<Engine> e = List.of(load("before", a[2], model), load("after", a[3], model));
        for (int i = 0; i < 20; i++) for (Engine x : e) x.run();
        double[][] ms = new double[2][rounds];
        for (int r = 0; r < rounds; r++) for (int k = 0; k < 2; k++) {
            int j = (r + k) % 2;
            if (SLEEP > 0) pause();
            ms[j][r] = e.get(j).run();
        }
        for (int j = 0; j < 2; j++) {
            System.out.printf("%s: median %.1f ms, best %.1f, every round %s%n", e.get(j).name(), median(ms[j]),
                    Arrays.stream(ms[j]).min().orElseThrow(), Arrays.toString(Arrays.stream(ms[j]).map(v -> Math.round(v)).toArray()));
        }
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) ratio[r] = ms[0][r] / ms[1][r];
        Arrays.sort(ratio);
        System.out.printf("per-round before/after: median %.3f (quartiles %.3f–%.3f)%n", median(ratio), ratio[rounds / 4], ratio[3 * rounds / 4]);
    }

    /** {@code -Dsleep} ms asleep, or with {@code -Dspin=true} spent spinning on two threads (the cores kept busy). */
    static void pause() throws InterruptedException {
        if (!SPIN) { Thread.sleep(SLEEP); return; }
        long end = System.nanoTime() + SLEEP * 1_000_000L;
        Thread other = new Thread(() -> { while (System.nanoTime() < end) Thread.onSpinWait(); });
        other.start();
        while (System.nanoTime() < end) Thread.onSpinWait();
        other.join();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
