package dev.saccade.cli;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.nn.Module;
import dev.saccade.train.OptimizerFactory;
import java.util.function.Function;

/**
 * What the training commands need from the model zoo and the optimisers, wired by the top-level command: a model
 * factory ({@code ModelRegistry::create}), an optimiser factory (SGD with the TSN policies when {@code fcLr5}) and
 * optionally a MAC counter for the demo table.
 *
 * <pre>{@code
 * ModelFactories f = new ModelFactories(ModelRegistry::create, (m, c) -> new Sgd(...), (m, c) -> Flops.macs(m, c));
 * }</pre>
 */
public record ModelFactories(Function<ModelConfig, Module> models, OptimizerFactory optimizers, MacCounter macs) {

    /** Multiply-accumulates of one forward pass of one clip. */
    @FunctionalInterface
    public interface MacCounter {
        long macs(Module model, ModelConfig config);
    }

    static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalStateException("no " + what + " is wired into this command; construct it with ModelFactories (the top-level saccade command does)");
        }
        return value;
    }
}
