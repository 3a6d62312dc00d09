package dev.saccade.models.attention;

import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors a module's functional form reads, by their official dotted names ({@code conv_down.weight}). A module
 * passes its own parameters and buffers ({@link #of(Module)}); a gradient check passes F64 copies of them.
 *
 * <pre>{@code
 * Tensor y = M2A.excite(x, 8, Weights.of(m2a));
 * }</pre>
 */
public record Weights(Map<String, Tensor> byName) {
    public Weights {
        byName = Map.copyOf(byName);
    }

    /** The parameters and buffers of {@code m} by dotted name. */
    public static Weights of(Module m) {
        Map<String, Tensor> all = new LinkedHashMap<>(m.namedParameters());
        all.putAll(m.namedBuffers());
        return new Weights(all);
    }

    /** The tensor named {@code name}; an error naming it (and what there is) when absent. */
    public Tensor get(String name) {
        Tensor t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("missing weight '" + name + "'; have " + new java.util.TreeSet<>(byName.keySet()));
        return t;
    }

    /** The tensor named {@code name}, or null. */
    public Tensor optional(String name) { return byName.get(name); }

    /** Whether a tensor named {@code name} is there. */
    public boolean has(String name) { return byName.containsKey(name); }
}
