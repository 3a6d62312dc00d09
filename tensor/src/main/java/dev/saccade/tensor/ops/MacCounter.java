package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the multiply-accumulates of the ops that do them (convolution and matrix product), for FLOP counting of
 * modules that are only known by running them. Zero cost when no listener is installed.
 *
 * <pre>{@code
 * try (var scope = MacCounter.listen((op, output, macs) -> total[0] += macs)) { module.forward(x); }
 * }</pre>
 */
public final class MacCounter {
    /** Receives each op's name, output shape and multiply-accumulates. */
    @FunctionalInterface
    public interface Listener { void onOp(String op, Shape output, long macs); }

    /** Removes the listener when closed. */
    public interface Scope extends AutoCloseable { @Override void close(); }

    private static final ThreadLocal<Listener> CURRENT = new ThreadLocal<>();
    private static final AtomicInteger ACTIVE = new AtomicInteger();
    private static volatile boolean anyActive;

    private MacCounter() {}

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

    static void report(String op, Shape output, long macs) {
        if (!anyActive) return;
        Listener l = CURRENT.get();
        if (l != null) l.onOp(op, output, macs);
    }
}
