package dev.saccade.train;

import dev.saccade.nn.optim.Optimizer;
import dev.saccade.tensor.Tensor;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Reaches an optimiser's saveable state: through {@link OptimizerState} when implemented, otherwise through public
 * {@code Map<String, Tensor> state()} / {@code loadState(Map)} methods when the optimiser has them (the shape of the
 * state accessors of the nn optimisers). {@code null} when neither exists: such an optimiser is checkpointed without
 * state and a resumed run restarts its moments.
 *
 * <pre>{@code
 * OptimizerState s = OptimizerStates.of(optimizer);   // may be null
 * }</pre>
 */
public final class OptimizerStates {
    private OptimizerStates() {}

    public static OptimizerState of(Optimizer optimizer) {
        if (optimizer == null) return null;
        if (optimizer instanceof OptimizerState s) return s;
        try {
            Method get = optimizer.getClass().getMethod("state");
            Method load = optimizer.getClass().getMethod("loadState", Map.class);
            if (!Map.class.isAssignableFrom(get.getReturnType())) return null;
            return new OptimizerState() {
                @SuppressWarnings("unchecked")
                @Override public Map<String, Tensor> optimizerState() { return (Map<String, Tensor>) invoke(get); }
                @Override public void loadOptimizerState(Map<String, Tensor> state) { invoke(load, state); }
                private Object invoke(Method m, Object... args) {
                    try {
                        return m.invoke(optimizer, args);
                    } catch (ReflectiveOperationException e) {
                        Throwable cause = e.getCause() != null ? e.getCause() : e;
                        if (cause instanceof RuntimeException r) throw r;
                        throw new IllegalStateException(optimizer.getClass().getSimpleName() + "." + m.getName() + " failed", cause);
                    }
                }
            };
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
