package dev.saccade.nn;

import dev.saccade.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * PyTorch's parameter initialisers ({@code torch.nn.init}), so that a model built in saccade is distributed like
 * one built in PyTorch. Fan-in of a weight (out, in, *k) is {@code in · Πk}; fan-out is {@code out · Πk}.
 */
public final class Init {
    private Init() {}

    public static int fanIn(int... weightShape) {
        int f = weightShape.length > 1 ? weightShape[1] : weightShape[0];
        for (int i = 2; i < weightShape.length; i++) f *= weightShape[i];
        return f;
    }

    public static int fanOut(int... weightShape) {
        int f = weightShape[0];
        for (int i = 2; i < weightShape.length; i++) f *= weightShape[i];
        return f;
    }

    /**
     * {@code kaiming_uniform_(w, a=√5)}, the default of Linear and Conv layers: U(−b, b) with
     * {@code b = gain·sqrt(3/fan_in)}, {@code gain = sqrt(2/(1+a²))}, which is {@code 1/sqrt(fan_in)}.
     */
    public static Tensor kaimingUniformDefault(SplittableRandom rng, int... shape) {
        double bound = 1.0 / Math.sqrt(fanIn(shape));
        return Tensor.uniform(rng, -bound, bound, shape);
    }

    /** The default bias of Linear and Conv layers: U(−1/sqrt(fan_in), 1/sqrt(fan_in)). */
    public static Tensor defaultBias(SplittableRandom rng, int fanIn, int size) {
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0;
        return Tensor.uniform(rng, -bound, bound, size);
    }

    /** {@code kaiming_normal_(w, mode='fan_out', nonlinearity='relu')}, torchvision's ResNet conv init: N(0, 2/fan_out). */
    public static Tensor kaimingNormalFanOut(SplittableRandom rng, int... shape) {
        return Tensor.randn(rng, shape).mul(Math.sqrt(2.0 / fanOut(shape)));
    }

    /** N(0, std²). */
    public static Tensor normal(SplittableRandom rng, double std, int... shape) { return Tensor.randn(rng, shape).mul(std); }

    /** Copies {@code value} into the parameter {@code p} in place (no graph). */
    public static void assign(Tensor p, Tensor value) {
        p.backend().copy(value.detach().to(p.dtype()).to(p.device()), p);
        Module.markParametersChanged();
    }
}
