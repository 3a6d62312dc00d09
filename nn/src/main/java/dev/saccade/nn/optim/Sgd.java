package dev.saccade.nn.optim;

import dev.saccade.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, weight decay and optional Nesterov momentum, exactly as
 * {@code torch.optim.SGD} (dampening 0). For each parameter {@code w} with gradient {@code g} in a group with
 * multipliers ({@code lrMult}, {@code decayMult}):
 * <pre>
 *   d = g + wd·decayMult·w
 *   v = μ·v + d            (first step: v = d)
 *   d = d + μ·v  (Nesterov)   or   d = v
 *   w = w − lr·lrMult·d
 * </pre>
 * Updates are in place on the parameter storage (modules keep their tensors). Reference: PyTorch docs,
 * {@code torch.optim.SGD}; Sutskever et al. 2013 for the Nesterov form.
 *
 * <pre>{@code
 * Sgd sgd = new Sgd(TsnPolicies.tsm(model, "new_fc", true), 0.01, 0.9, 5e-4, false);
 * sgd.zeroGrad(); loss.backward(); sgd.step();
 * }</pre>
 */
public final class Sgd extends AbstractOptimizer {
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final double momentum;
    private final boolean nesterov;
    private final Map<Integer, Tensor> buffers = new HashMap<>(); // parameter index → v, shaped like the parameter

    public Sgd(List<ParamGroup> groups, double lr, double momentum, double weightDecay, boolean nesterov) {
        super(groups, lr, weightDecay);
        if (!(momentum >= 0)) throw new IllegalArgumentException("Sgd: momentum " + momentum + " must be ≥ 0");
        if (nesterov && momentum == 0) throw new IllegalArgumentException("Sgd: Nesterov momentum needs momentum > 0");
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /** Plain SGD with momentum on one group. */
    public Sgd(List<Tensor> params, double lr, double momentum, double weightDecay) {
        this(List.of(ParamGroup.all(params)), lr, momentum, weightDecay, false);
    }

    public double momentum() { return momentum; }
    public boolean nesterov() { return nesterov; }

    @Override void update(int index, Tensor w, Tensor g, double lr, double wd) {
        Tensor v = null;
        boolean first = false;
        if (momentum != 0) {
            v = buffers.get(index);
            if (v == null) {                                         // first step: v = d
                v = zerosLike(w);
                buffers.put(index, v);
                first = true;
            }
        }
        w.backend().sgdStep(w, g, v, lr, wd, momentum, nesterov, first);   // in place, one pass on the CPU
    }

    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        export(MOMENTUM_BUFFER, buffers, out);
        return out;
    }

    @Override public void loadState(Map<String, Tensor> state) {
        checkKeys(state, MOMENTUM_BUFFER);
        Map<Integer, Tensor> loaded = importPerParam(MOMENTUM_BUFFER, state, true);
        buffers.clear();
        buffers.putAll(loaded);
    }

    @Override public String toString() {
        return "Sgd(lr=" + learningRate() + ", momentum=" + momentum + ", weightDecay=" + weightDecay() + (nesterov ? ", nesterov" : "") + ", groups=" + groups().size() + ")";
    }
}
