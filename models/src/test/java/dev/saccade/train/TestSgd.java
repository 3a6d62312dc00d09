package dev.saccade.train;

import dev.saccade.nn.optim.Optimizer;
import dev.saccade.nn.optim.ParamGroup;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only SGD with momentum and weight decay, as {@code torch.optim.SGD}: {@code g ← g + wd·p},
 * {@code b ← μ·b + g} (b = g on the first step), {@code p ← p − lr·b}. Its momentum buffers are its state.
 */
final class TestSgd implements Optimizer, OptimizerState {
    private final List<ParamGroup> groups;
    private final double momentum;
    private final double weightDecay;
    private final List<Tensor> params = new ArrayList<>();
    private final Map<Integer, Tensor> buffers = new LinkedHashMap<>();
    private double lr;

    TestSgd(List<Tensor> params, double lr, double momentum, double weightDecay) {
        this.groups = List.of(ParamGroup.all(params));
        this.params.addAll(params);
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override public void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            Tensor g = p.grad();
            if (g == null) continue;
            if (weightDecay != 0) g = g.add(p.detach().mul(weightDecay));
            Tensor b = buffers.get(i);
            b = b == null ? g : b.mul(momentum).add(g);
            buffers.put(i, b.detach().contiguous());
            Tensor updated = p.detach().sub(b.mul(lr));
            p.backend().copy(updated, p);
        }
    }

    @Override public void zeroGrad() { for (Tensor p : params) p.zeroGrad(); }
    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double lr) { this.lr = lr; }
    @Override public List<ParamGroup> groups() { return groups; }

    @Override public Map<String, Tensor> optimizerState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        buffers.forEach((i, b) -> out.put("momentum." + i, b));
        return out;
    }

    /** The same state under the name the nn optimiser contract uses. */
    public Map<String, Tensor> state() { return optimizerState(); }

    public void loadState(Map<String, Tensor> state) { loadOptimizerState(state); }

    @Override public void loadOptimizerState(Map<String, Tensor> state) {
        buffers.clear();
        state.forEach((k, v) -> {
            if (!k.startsWith("momentum.")) throw new IllegalArgumentException("unexpected optimizer state '" + k + "'");
            int i = Integer.parseInt(k.substring("momentum.".length()));
            if (!v.shape().equals(params.get(i).shape())) throw new IllegalArgumentException("state '" + k + "' has shape " + v.shape());
            buffers.put(i, v);
        });
    }
}
