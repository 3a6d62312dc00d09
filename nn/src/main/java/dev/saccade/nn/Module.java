package dev.saccade.nn;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or model: parameters (tensors that require grad), buffers (state that is saved but not trained, such as
 * BatchNorm's running statistics) and child modules, all addressed by PyTorch-style dotted names
 * ({@code layer1.0.conv1.weight}) so that official state dicts load by name.
 *
 * <pre>{@code
 * final class TwoLayer extends Module {
 *     private final Linear fc1 = register("fc1", new Linear(8, 16, true, rng));
 *     private final Linear fc2 = register("fc2", new Linear(16, 2, true, rng));
 *     public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x).relu()); }
 * }
 * }</pre>
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Bumped whenever parameters or buffers may have changed through the library (see {@link #parameterVersion}). */
    private static final java.util.concurrent.atomic.AtomicLong PARAMETER_VERSION = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A counter that moves whenever some module's parameters or buffers may have changed through the library: a
     * {@link #loadStateDict}, a {@link #train} switch, an optimizer step, {@link Init#assign}. Caches derived from
     * weights (the inference path's folded, pre-packed convolutions) are rebuilt when it moves. Code that writes
     * into a parameter directly (through its backend) calls {@link #markParametersChanged()}.
     */
    public static long parameterVersion() { return PARAMETER_VERSION.get(); }

    /** Invalidates every cache derived from parameter values (see {@link #parameterVersion}). */
    public static void markParametersChanged() { PARAMETER_VERSION.incrementAndGet(); }

    /** Runs the module on one input. */
    public abstract Tensor forward(Tensor x);

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M register(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    /** Registers a trainable parameter (marked as requiring grad) and returns it. */
    protected final Tensor parameter(String name, Tensor value) {
        checkName(name);
        Tensor p = value.detach().contiguous().setRequiresGrad(true);
        parameters.put(name, p);
        return p;
    }

    /** Registers a buffer (saved in the state dict, not trained) and returns it. */
    protected final Tensor buffer(String name, Tensor value) {
        checkName(name);
        Tensor b = value.detach().contiguous();
        buffers.put(name, b);
        return b;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("module member name '" + name + "' must be non-empty and contain no '.'");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": '" + name + "' is already registered");
        }
    }

    /** The direct children in registration order. */
    public final Map<String, Module> children() { return Collections.unmodifiableMap(children); }

    /** The child named {@code name}, or null. */
    public final Module child(String name) { return children.get(name); }

    /** All parameters, recursively, by dotted name, in registration order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    /** All buffers, recursively, by dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false, true);
        return out;
    }

    /** All parameters as a list. */
    public final List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** All modules, recursively, by dotted name (the root is ""). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        for (var e : children.entrySet()) e.getValue().collectModules(name.isEmpty() ? e.getKey() : name + "." + e.getKey(), out);
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean params, boolean bufs) {
        if (params) for (var e : parameters.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        if (bufs) for (var e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out, params, bufs);
    }

    /** Parameters and buffers by dotted name, as {@code torch.nn.Module.state_dict()} (names in PyTorch's order). */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        stateDictInto("", out);
        return out;
    }

    private void stateDictInto(String prefix, Map<String, Tensor> out) {
        for (var e : parameters.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().stateDictInto(prefix + e.getKey() + ".", out);
    }

    /**
     * Copies values into this module's parameters and buffers by name. With {@code strict}, a missing or unexpected
     * name is an error listing them all; a shape mismatch is always an error naming the entry and both shapes.
     * Values are converted to each tensor's dtype and device.
     */
    public final void loadStateDict(Map<String, Tensor> values, boolean strict) {
        markParametersChanged();
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String k : own.keySet()) if (!values.containsKey(k)) missing.add(k);
        for (String k : values.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new IllegalArgumentException("state dict does not match " + getClass().getSimpleName() + ": missing " + missing + ", unexpected " + unexpected);
        }
        for (var e : own.entrySet()) {
            Tensor src = values.get(e.getKey());
            if (src == null) continue;
            Tensor dst = e.getValue();
            if (!src.shape().equals(dst.shape())) {
                if (src.numel() == dst.numel() && src.numel() == 1) src = src.reshape(dst.shape().toArray());
                else throw new ShapeException("state dict entry '" + e.getKey() + "' has shape " + src.shape() + ", the module expects " + dst.shape());
            }
            Tensor converted = src.detach().to(dst.dtype()).to(dst.device());
            dst.backend().copy(converted, dst);
        }
        markParametersChanged();
    }

    /** Sets training mode on this module and all children; returns this. */
    public Module train(boolean on) {
        markParametersChanged();
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    /** Evaluation mode (BatchNorm uses running statistics, dropout is off). */
    public final Module eval() { return train(false); }

    public final boolean isTraining() { return training; }

    /** Clears every parameter's gradient. */
    public final void zeroGrad() { for (Tensor p : parameters()) p.zeroGrad(); }

    /** Total number of trainable elements. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) n += p.numel();
        return n;
    }

    /** One line describing this module's configuration, e.g. {@code Conv2d(64, 64, k=3, s=1, p=1)}. */
    public String describe() { return getClass().getSimpleName(); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        print(sb, "", "");
        return sb.toString();
    }

    private void print(StringBuilder sb, String indent, String name) {
        sb.append(indent).append(name.isEmpty() ? "" : "(" + name + "): ").append(describe()).append('\n');
        for (var e : children.entrySet()) e.getValue().print(sb, indent + "  ", e.getKey());
    }
}
