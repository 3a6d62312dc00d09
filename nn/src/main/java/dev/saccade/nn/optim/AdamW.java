package dev.saccade.nn.optim;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay, as {@code torch.optim.AdamW} (amsgrad off). For parameter {@code w} with gradient
 * {@code g} at its step {@code t} (counted per parameter, from 1), with the group's {@code lr = base·lrMult} and
 * {@code wd = base·decayMult}:
 * <pre>
 *   w = w·(1 − lr·wd)
 *   m = β1·m + (1 − β1)·g
 *   v = β2·v + (1 − β2)·g²
 *   w = w − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + ε)
 * </pre>
 * Reference: Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization" (ICLR 2019), Algorithm 2; PyTorch docs,
 * {@code torch.optim.AdamW}.
 *
 * <pre>{@code
 * AdamW adam = new AdamW(List.of(ParamGroup.all(model.parameters())), 1e-3, 0.9, 0.999, 1e-8, 0.01);
 * }</pre>
 */
public final class AdamW extends AbstractOptimizer {
    static final String EXP_AVG = "exp_avg", EXP_AVG_SQ = "exp_avg_sq", STEP = "step";

    private final double beta1, beta2, eps;
    private final Map<Integer, Tensor> expAvg = new HashMap<>();     // m, shaped like the parameter
    private final Map<Integer, Tensor> expAvgSq = new HashMap<>();   // v, shaped like the parameter
    private final Map<Integer, Long> steps = new HashMap<>();

    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(groups, lr, weightDecay);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("AdamW: beta1 " + beta1 + " must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("AdamW: beta2 " + beta2 + " must be in [0, 1)");
        if (!(eps >= 0)) throw new IllegalArgumentException("AdamW: eps " + eps + " must be ≥ 0");
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, weight decay 0.01. */
    public AdamW(List<ParamGroup> groups, double lr) { this(groups, lr, 0.9, 0.999, 1e-8, 0.01); }

    @Override void update(int index, Tensor w, Tensor g, double lr, double wd) {
        long t = steps.merge(index, 1L, Long::sum);
        Tensor m = expAvg.computeIfAbsent(index, i -> zerosLike(w));
        Tensor v = expAvgSq.computeIfAbsent(index, i -> zerosLike(w));
        if (wd != 0) assign(w, w.mul(1 - lr * wd));                  // decoupled decay
        assign(m, m.mul(beta1));                                      // m = β1·m + (1 − β1)·g
        m.backend().axpy(1 - beta1, g, m);
        assign(v, v.mul(beta2));                                      // v = β2·v + (1 − β2)·g²
        v.backend().axpy(1 - beta2, g.square(), v);
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        Tensor denom = v.sqrt().div(biasCorrection2Sqrt).add(eps);    // sqrt(v̂) + ε
        w.backend().axpy(-lr / biasCorrection1, m.div(denom), w);     // w −= lr·m̂ / denom
    }

    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        export(EXP_AVG, expAvg, out);
        export(EXP_AVG_SQ, expAvgSq, out);
        steps.keySet().stream().sorted().forEach(i -> out.put(STEP + "." + i, Tensor.of(new long[] {steps.get(i)})));
        return out;
    }

    @Override public void loadState(Map<String, Tensor> state) {
        checkKeys(state, EXP_AVG_SQ, EXP_AVG, STEP);
        Map<Integer, Tensor> m = importPerParam(EXP_AVG, state, true), v = importPerParam(EXP_AVG_SQ, state, true);
        Map<Integer, Tensor> t = importPerParam(STEP, state, false);
        if (!m.keySet().equals(v.keySet()) || !m.keySet().equals(t.keySet())) {
            throw new IllegalArgumentException("AdamW state: exp_avg, exp_avg_sq and step must cover the same parameters, got " + m.keySet() + ", " + v.keySet() + ", " + t.keySet());
        }
        expAvg.clear();
        expAvgSq.clear();
        steps.clear();
        expAvg.putAll(m);
        expAvgSq.putAll(v);
        for (var e : t.entrySet()) {
            if (e.getValue().numel() != 1) throw new IllegalArgumentException("AdamW state: step." + e.getKey() + " must have one element, shape " + e.getValue().shape());
            steps.put(e.getKey(), (long) e.getValue().to(DType.I64).item());
        }
    }

    @Override public String toString() {
        return "AdamW(lr=" + learningRate() + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weightDecay=" + weightDecay() + ", groups=" + groups().size() + ")";
    }
}
