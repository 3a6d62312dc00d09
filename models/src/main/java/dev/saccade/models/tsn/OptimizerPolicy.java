package dev.saccade.models.tsn;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Linear;
import dev.saccade.nn.optim.ParamGroup;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TSN's parameter groups ({@code get_optim_policies}), in the official order: the first conv's weight (lr×1,
 * decay×1) and bias (lr×2, decay×0), other conv/linear weights (×1, ×1) and biases (×2, ×0), BatchNorm γ/β (×1, ×0;
 * with partial BN only the first BN's), other parameters (×1, ×1), and with {@code fcLr5} every Linear's weight
 * (×5, ×1) and bias (×10, ×0) — "Linear" includes new_fc and any Linear inside temporal modules, as officially.
 * Reference: TSM {@code ops/models.py}, {@code TSN.get_optim_policies}.
 *
 * <pre>{@code
 * List<ParamGroup> groups = OptimizerPolicy.groups(model, true);
 * }</pre>
 */
public final class OptimizerPolicy {
    private OptimizerPolicy() {}

    public static List<ParamGroup> groups(Tsn model, boolean fcLr5) {
        List<Tensor> firstW = new ArrayList<>(), firstB = new ArrayList<>(), normalW = new ArrayList<>(), normalB = new ArrayList<>();
        List<Tensor> bn = new ArrayList<>(), custom = new ArrayList<>(), lr5W = new ArrayList<>(), lr10B = new ArrayList<>();
        int convs = 0, bns = 0;
        for (Module m : model.namedModules().values()) {
            if (m instanceof Conv c) {
                boolean first = convs++ == 0;
                (first ? firstW : normalW).add(c.weight());
                if (c.bias() != null) (first ? firstB : normalB).add(c.bias());
            } else if (m instanceof Linear l) {
                (fcLr5 ? lr5W : normalW).add(l.weight());
                if (l.bias() != null) (fcLr5 ? lr10B : normalB).add(l.bias());
            } else if (m instanceof BatchNorm b) {
                if (!model.partialBn() || bns == 0) { bn.add(b.weight()); bn.add(b.bias()); }
                bns++;
            } else {
                for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
                    if (!e.getKey().contains(".")) custom.add(e.getValue());   // the module's own parameters
                }
            }
        }
        return List.of(
                new ParamGroup("first_conv_weight", firstW, 1, 1),
                new ParamGroup("first_conv_bias", firstB, 2, 0),
                new ParamGroup("normal_weight", normalW, 1, 1),
                new ParamGroup("normal_bias", normalB, 2, 0),
                new ParamGroup("BN scale/shift", bn, 1, 0),
                new ParamGroup("custom_ops", custom, 1, 1),
                new ParamGroup("lr5_weight", lr5W, 5, 1),
                new ParamGroup("lr10_bias", lr10B, 10, 0));
    }
}
