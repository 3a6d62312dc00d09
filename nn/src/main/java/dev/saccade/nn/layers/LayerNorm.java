package dev.saccade.nn.layers;

import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import java.util.Arrays;

/** Layer normalisation over the trailing {@code normalizedShape}, with or without affine parameters. Reference: {@code torch.nn.LayerNorm}. */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final Tensor weight, bias;

    public LayerNorm(int[] normalizedShape, boolean affine, double eps) {
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = affine ? parameter("weight", Tensor.full(1, dev.saccade.tensor.DType.F32, normalizedShape)) : null;
        this.bias = affine ? parameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    @Override public Tensor forward(Tensor x) { return Functional.layerNorm(x, normalizedShape.length, weight, bias, eps); }

    @Override public String describe() { return "LayerNorm(" + Arrays.toString(normalizedShape) + (weight == null ? ", affine=False" : "") + ")"; }
}
