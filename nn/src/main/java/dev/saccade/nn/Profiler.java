package dev.saccade.nn;

import dev.saccade.tensor.Tensor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A per-thread listener that compute layers ({@code Conv}, {@code Linear}) report their forward calls to, so that a
 * FLOP counter can see layers hidden inside modules it does not know. When no listener is installed anywhere,
 * {@link #report} is one volatile read.
 *
 * <pre>{@code
 * try (var scope = Profiler.listen((module, in, out) -> System.out.println(module.describe() + " " + out.shape()))) {
 *     model.forward(x);
 * }
 * }</pre>
 */
public final class Profiler {
    /** Receives each reported forward call: the layer, its input and its output. */
    @FunctionalInterface
    public interface Listener { void onForward(Module module, Tensor input, Tensor output); }

    /** Removes the listener when closed. */
    public interface Scope extends AutoCloseable { @Override void close(); }

    private static final ThreadLocal<Listener> CURRENT = new ThreadLocal<>();
    private static final AtomicInteger ACTIVE = new AtomicInteger();
    private static volatile boolean anyActive;

    private Profiler() {}

    /** Installs {@code listener} on the calling thread until the returned scope is closed. */
    public static Scope listen(Listener listener) {
        Listener previous = CURRENT.get();
        CURRENT.set(listener);
        anyActive = ACTIVE.incrementAndGet() > 0;
        return () -> {
            CURRENT.set(previous);
            anyActive = ACTIVE.decrementAndGet() > 0;
        };
    }

    /** Called by layers after their forward; does nothing unless a listener is installed on this thread. */
    public static void report(Module module, Tensor input, Tensor output) {
        if (!anyActive) return;
        Listener l = CURRENT.get();
        if (l != null) l.onForward(module, input, output);
    }
}
