package dev.saccade.kernels.cuda.fakezoo;

import dev.saccade.tensor.Tensor;
import java.util.List;

/**
 * Stand-in for the zoo's {@code ModelRegistry} with the API {@code ModelTiming} reaches by reflection:
 * {@code standard().create(ModelConfig)} returning a module with {@code forward(Tensor)}, {@code train(boolean)} and
 * {@code parameters()}. The module multiplies its input by one parameter.
 */
public final class ModelRegistry {
    private ModelRegistry() {}

    public static ModelRegistry standard() { return new ModelRegistry(); }

    public Model create(ModelConfig cfg) {
        if (!cfg.id().equals("tsm-resnet50")) throw new IllegalArgumentException("unknown model id '" + cfg.id() + "'");
        return new Model(cfg);
    }

    /** The created model: y = w·x, remembering its config and training flag. */
    public static final class Model {
        public final ModelConfig config;
        public final Tensor weight = Tensor.of(new float[] {2f}, 1).setRequiresGrad(true);
        public boolean training;

        Model(ModelConfig config) { this.config = config; }

        public Tensor forward(Tensor x) { return x.mul(weight); }

        public Model train(boolean on) { training = on; return this; }

        public List<Tensor> parameters() { return List.of(weight); }
    }
}
