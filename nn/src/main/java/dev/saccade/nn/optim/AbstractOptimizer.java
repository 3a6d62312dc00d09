package dev.saccade.nn.optim;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Sgd} and {@link AdamW} share: the groups, the base learning rate and weight decay, the parameter
 * indices that key the resumable state, and the no-grad loop over parameters that have a gradient.
 *
 * <p>Parameter index {@code i} is the position of a parameter when the groups' lists are concatenated in order; it
 * keys the per-parameter state in {@link #state()} (e.g. {@code momentum_buffer.3}), like the integer keys of
 * {@code torch.optim.Optimizer.state_dict()['state']}.
 */
abstract class AbstractOptimizer implements Optimizer {
    private final List<ParamGroup> groups;
    private final List<Tensor> flat = new ArrayList<>();
    private double learningRate;
    private final double weightDecay;

    AbstractOptimizer(List<ParamGroup> groups, double learningRate, double weightDecay) {
        if (groups.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups");
        if (!(learningRate >= 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate " + learningRate + " must be ≥ 0");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": weight decay " + weightDecay + " must be ≥ 0");
        this.groups = List.copyOf(groups);
        Map<Tensor, String> seen = new IdentityHashMap<>();
        for (ParamGroup g : this.groups) {
            for (Tensor p : g.params()) {
                String previous = seen.put(p, g.name());
                if (previous != null) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": a parameter " + p.shape() + " is in group '" + previous + "' and in group '" + g.name() + "'");
                }
                if (!p.dtype().isFloating()) throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter " + p.shape() + " in group '" + g.name() + "' is " + p.dtype() + ", not floating point");
                flat.add(p);
            }
        }
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    @Override public final List<ParamGroup> groups() { return groups; }
    @Override public final double learningRate() { return learningRate; }

    @Override public final void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate " + lr + " must be finite and ≥ 0");
        this.learningRate = lr;
    }

    /** The base weight decay (each group uses {@code base · decayMult}). */
    public final double weightDecay() { return weightDecay; }

    /** Number of parameters over all groups. */
    public final int parameterCount() { return flat.size(); }

    /** The parameter with index {@code i} (groups concatenated in order). */
    public final Tensor parameter(int i) { return flat.get(i); }

    @Override public final void zeroGrad() { for (Tensor p : flat) p.zeroGrad(); }

    @Override public final void step() {
        dev.saccade.nn.Module.markParametersChanged();
        try (var noGrad = GradMode.disable()) {
            int index = 0;
            for (ParamGroup g : groups) {
                double lr = learningRate * g.lrMult(), wd = weightDecay * g.decayMult();
                for (Tensor p : g.params()) {
                    Tensor grad = p.grad();
                    if (grad != null) update(index, p, grad.detach(), lr, wd);
                    index++;
                }
            }
        }
    }

    /** Updates parameter {@code index} in place from its gradient with the group's effective lr and weight decay. */
    abstract void update(int index, Tensor param, Tensor grad, double lr, double wd);

    /** A zero tensor shaped, typed and placed like {@code p}. */
    static Tensor zerosLike(Tensor p) { return Tensor.zeros(p.dtype(), p.device(), p.shape().toArray()); }

    /** In place {@code dst ← src} (same shape). */
    static void assign(Tensor dst, Tensor src) { dst.backend().copy(src, dst); }

    /** Copies of the entries of {@code perParam} under {@code prefix.index}. */
    static void export(String prefix, Map<Integer, Tensor> perParam, Map<String, Tensor> out) {
        List<Integer> keys = new ArrayList<>(perParam.keySet());
        Collections.sort(keys);
        for (int i : keys) {
            Tensor t = perParam.get(i);
            Tensor copy = zerosLike(t);
            assign(copy, t);
            out.put(prefix + "." + i, copy);
        }
    }

    /** Parses {@code prefix.index} keys of {@code state} into copies shaped like their parameters. */
    final Map<Integer, Tensor> importPerParam(String prefix, Map<String, Tensor> state, boolean shapedLikeParam) {
        Map<Integer, Tensor> out = new LinkedHashMap<>();
        for (var e : state.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(prefix + ".")) continue;
            int i;
            try {
                i = Integer.parseInt(key.substring(prefix.length() + 1));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(getClass().getSimpleName() + " state: key '" + key + "' does not end in a parameter index");
            }
            if (i < 0 || i >= flat.size()) {
                throw new IllegalArgumentException(getClass().getSimpleName() + " state: key '" + key + "' names parameter " + i + " but there are " + flat.size());
            }
            Tensor p = flat.get(i), v = e.getValue();
            Tensor copy;
            if (shapedLikeParam) {
                if (!v.shape().equals(p.shape())) {
                    throw new ShapeException(getClass().getSimpleName() + " state: '" + key + "' has shape " + v.shape() + " but parameter " + i + " has " + p.shape());
                }
                copy = zerosLike(p);
            } else {
                copy = Tensor.zeros(v.dtype(), p.device(), v.shape().toArray());
            }
            assign(copy, v.detach().to(copy.dtype()).to(copy.device()));
            out.put(i, copy);
        }
        return out;
    }

    /** Fails naming the first key of {@code state} that no prefix in {@code known} accounts for. */
    final void checkKeys(Map<String, Tensor> state, String... known) {
        outer:
        for (String key : state.keySet()) {
            for (String k : known) if (key.startsWith(k + ".")) continue outer;
            throw new IllegalArgumentException(getClass().getSimpleName() + " state: unexpected key '" + key + "' (expected " + String.join(".<i>, ", known) + ".<i>)");
        }
    }
}
