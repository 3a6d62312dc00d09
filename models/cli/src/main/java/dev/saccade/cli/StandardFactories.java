package dev.saccade.cli;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.nn.optim.ParamGroup;
import dev.saccade.nn.optim.Sgd;
import dev.saccade.nn.optim.TsnPolicies;
import dev.saccade.tensor.Shape;
import java.util.List;

/**
 * The factories the {@code saccade} commands use: models from {@link ModelRegistry#standard()}, SGD with momentum
 * (PyTorch semantics) over the official parameter groups, and the analytic {@link FlopCounter}.
 *
 * <p>Optimiser groups: with {@code fcLr5} the TSN policies of TSM/ACTION-Net ({@code get_optim_policies}; for
 * {@code action-*} models the learnable shift weights {@code …action_shift.weight} form ACTION-Net's custom group);
 * without it, one group over all parameters, as M2A's {@code main.py} does.
 */
public final class StandardFactories {
    private StandardFactories() {}

    public static ModelFactories create() {
        ModelRegistry registry = ModelRegistry.standard();
        return new ModelFactories(
                registry::create,
                (model, config) -> {
                    List<ParamGroup> groups;
                    if (!config.fcLr5()) groups = List.of(ParamGroup.all(model.parameters()));
                    else if (config.model().startsWith("action-")) groups = TsnPolicies.action(model, "new_fc", true, ".*action_shift\\.weight");
                    else groups = TsnPolicies.tsm(model, "new_fc", true);
                    return new Sgd(groups, config.lr(), config.momentum(), config.weightDecay(), false);
                },
                (model, config) -> FlopCounter.count(model, Shape.of(1, config.frames(), 3, config.inputSize(), config.inputSize())).macs());
    }
}
