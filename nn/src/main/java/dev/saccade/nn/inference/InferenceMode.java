package dev.saccade.nn.inference;

import dev.saccade.nn.Module;
import dev.saccade.tensor.autograd.GradMode;

/**
 * When a module takes the fused inference path: in evaluation mode, under no-grad
 * ({@code GradMode.disable()}), unless the calling thread asked for the op-by-op path with {@link #unfused()} (the
 * reference the fused path is tested against).
 *
 * <pre>{@code
 * model.eval();
 * try (var noGrad = GradMode.disable()) {
 *     Tensor fused = model.forward(x);
 *     try (var s = InferenceMode.unfused()) { Tensor reference = model.forward(x); }
 * }
 * }</pre>
 */
public final class InferenceMode {
    private static final ThreadLocal<Boolean> UNFUSED = ThreadLocal.withInitial(() -> false);

    private InferenceMode() {}

    /** Whether {@code m} should run fused now. */
    public static boolean active(Module m) {
        return !m.isTraining() && !GradMode.isEnabled() && !UNFUSED.get();
    }

    /** Runs this thread's evaluation-mode forwards op by op until the scope is closed. */
    public static Scope unfused() {
        boolean previous = UNFUSED.get();
        UNFUSED.set(true);
        return () -> UNFUSED.set(previous);
    }

    /** Restores the previous setting on close. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override void close();
    }
}
