package dev.saccade.tensor.autograd;

/**
 * Whether operations record a graph on the current thread.
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) { model.forward(x); }   // like torch.no_grad()
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> true);

    private GradMode() {}

    public static boolean isEnabled() { return ENABLED.get(); }

    /** A scope with recording switched off; closing it restores the previous mode. */
    public static Scope disable() { return set(false); }

    /** A scope with recording switched on. */
    public static Scope enable() { return set(true); }

    private static Scope set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return () -> ENABLED.set(previous);
    }

    /** Restores the previous grad mode on close. */
    public interface Scope extends AutoCloseable {
        @Override void close();
    }
}
