package dev.saccade.nn.layers;

import dev.saccade.nn.Init;
import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import java.util.SplittableRandom;

/** {@code y = x Wᵀ + b}, W (out, in). Reference: {@code torch.nn.Linear} (same initialisation). */
public final class Linear extends Module {
    private final int in, out;
    private final Tensor weight, bias;

    public Linear(int in, int out, boolean bias, SplittableRandom rng) {
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", Init.kaimingUniformDefault(rng, out, in));
        this.bias = bias ? parameter("bias", Init.defaultBias(rng, in, out)) : null;
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }
    public int inFeatures() { return in; }
    public int outFeatures() { return out; }

    @Override public Tensor forward(Tensor x) {
        Tensor y = Functional.linear(x, weight, bias);
        return y;
    }

    @Override public String describe() { return "Linear(" + in + ", " + out + (bias == null ? ", bias=False" : "") + ")"; }
}
