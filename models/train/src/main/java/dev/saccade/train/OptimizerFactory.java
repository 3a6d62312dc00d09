package dev.saccade.train;

import dev.saccade.nn.Module;
import dev.saccade.nn.optim.Optimizer;

/**
 * Builds the optimiser of a run: SGD with momentum and weight decay from the config, with the TSN parameter groups
 * when {@link TrainConfig#fcLr5()} is on, one plain group otherwise (M2A).
 *
 * <pre>{@code
 * OptimizerFactory f = (model, cfg) -> new Sgd(ParamGroup.all(model.parameters()), cfg.lr(), cfg.momentum(), cfg.weightDecay());
 * }</pre>
 */
@FunctionalInterface
public interface OptimizerFactory {
    Optimizer create(Module model, TrainConfig config);
}
