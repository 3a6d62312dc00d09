import java.lang.reflect.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;

/**
 * {@link TwoBuilds} for the training step: two builds of saccade in one JVM, one class loader each, running
 * {@code TrainStepBench}'s step (its model, clips, loss and SGD) in interleaved rounds of a few steps each, so that a
 * before/after comparison of training code does not depend on which minute each build ran in. Prints each build's
 * median and best time per step, and the median and quartiles of the per-round speed ratio after ÷ before
 * (above 1: the second build is faster). The thread count is {@code -Dsaccade.threads}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Dsaccade.threads=1 \
 *      jmh/scripts/TwoTrainSteps.java tsm-resnet18 60 before.jar after.jar
 * </pre>
 */
public class TwoTrainSteps {
    static final int STEPS_PER_ROUND = 3;

    record Build(Object bench, Method step, ClassLoader cl) {
        double run() throws Exception {
            Thread.currentThread().setContextClassLoader(cl);
            long t0 = System.nanoTime();
            for (int s = 0; s < STEPS_PER_ROUND; s++) step.invoke(bench);
            return (System.nanoTime() - t0) / 1e6 / STEPS_PER_ROUND;
        }
    }

    static Build load(String jar, String model) throws Exception {
        URLClassLoader cl = new URLClassLoader(new URL[]{Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(cl);
        Class<?> c = cl.loadClass("dev.saccade.jmh.TrainStepBench");
        Object bench = c.getConstructor().newInstance();
        c.getField("width").setInt(bench, 16);
        c.getField("modelId").set(bench, model);
        c.getMethod("setUp").invoke(bench);
        return new Build(bench, c.getMethod("step"), cl);
    }

    public static void main(String[] a) throws Exception {
        String model = a[0];
        int rounds = Integer.parseInt(a[1]);
        List<Build> b = List.of(load(a[2], model), load(a[3], model));
        for (int i = 0; i < 20; i++) for (Build x : b) x.run();
        double[][] ms = new double[2][rounds];
        double[] speed = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int j = (r + k) % 2;
                ms[j][r] = b.get(j).run();
            }
            speed[r] = ms[0][r] / ms[1][r];
        }
        String[] names = {"before", "after"};
        for (int j = 0; j < 2; j++) {
            double[] s = ms[j].clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "%s (%s): median %.2f ms a step, best %.2f%n", names[j], a[2 + j], s[rounds / 2], s[0]);
        }
        Arrays.sort(speed);
        System.out.printf(Locale.ROOT, "speed after ÷ before: median %.3f (quartiles %.3f–%.3f), %d rounds of %d steps%n",
                speed[rounds / 2], speed[rounds / 4], speed[3 * rounds / 4], rounds, STEPS_PER_ROUND);
    }
}
