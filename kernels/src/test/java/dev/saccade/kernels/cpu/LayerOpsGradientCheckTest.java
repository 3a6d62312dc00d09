package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.GradCheck.check;
import static dev.saccade.tensor.testing.GradCheck.randomF64;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.PoolParams;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Finite-difference gradient checks of the layer ops (conv, pooling, norms, dropout, cross-entropy). */
class LayerOpsGradientCheckTest {
    private final SplittableRandom rng = new SplittableRandom(5);

    @Test void conv2dStridePaddingBias() {
        check("conv2d s2 p1 +bias", in -> Functional.conv2d(in[0], in[1], in[2], 2, 1, 1, 1),
                randomF64(rng, 2, 3, 5, 6), randomF64(rng, 4, 3, 3, 3), randomF64(rng, 4));
    }

    @Test void conv2dGroupsDilation() {
        check("conv2d groups2 dil2", in -> Functional.conv2d(in[0], in[1], null, 1, 2, 2, 2),
                randomF64(rng, 1, 4, 5, 5), randomF64(rng, 6, 2, 3, 3));
        check("conv2d depthwise", in -> Functional.conv2d(in[0], in[1], null, 1, 1, 1, 3),
                randomF64(rng, 2, 3, 4, 5), randomF64(rng, 3, 1, 3, 3));
        check("conv2d 1x1", in -> Functional.conv2d(in[0], in[1], in[2], 1, 0, 1, 1),
                randomF64(rng, 2, 5, 3, 3), randomF64(rng, 4, 5, 1, 1), randomF64(rng, 4));
    }

    @Test void conv1dAnd3d() {
        check("conv1d k3 p1 depthwise", in -> Functional.conv1d(in[0], in[1], null, 1, 1, 1, 4),
                randomF64(rng, 3, 4, 5), randomF64(rng, 4, 1, 3));
        check("conv1d dense", in -> Functional.conv1d(in[0], in[1], null, 1, 1, 1, 1),
                randomF64(rng, 2, 3, 5), randomF64(rng, 3, 3, 3));
        check("conv3d 1ch 3x3x3", in -> Functional.conv3d(in[0], in[1], null, 1, 1, 1, 1),
                randomF64(rng, 2, 1, 3, 4, 4), randomF64(rng, 1, 1, 3, 3, 3));
    }

    @Test void pooling() {
        // Distinct values keep max pooling away from ties.
        double[] d = new double[2 * 2 * 5 * 5];
        for (int i = 0; i < d.length; i++) d[i] = ((i * 37) % d.length) / (double) d.length;
        check("max_pool2d 3/2/1", in -> Functional.maxPool2d(in[0], 3, 2, 1), Tensor.of(d, 2, 2, 5, 5));
        check("avg_pool2d 2/2/0", in -> Functional.avgPool(in[0], PoolParams.uniform(2, 2, 2, 0)), randomF64(rng, 1, 2, 4, 5));
        check("avg_pool3d 3/1/1", in -> Functional.avgPool(in[0], PoolParams.uniform(3, 3, 1, 1)), randomF64(rng, 1, 2, 3, 3, 3));
        check("adaptive_avg_pool2d 1", in -> Functional.adaptiveAvgPool(in[0], 1, 1), randomF64(rng, 2, 3, 4, 5));
        check("adaptive_avg_pool2d 3x2", in -> Functional.adaptiveAvgPool(in[0], 3, 2), randomF64(rng, 1, 2, 5, 5));
    }

    @Test void norms() {
        check("batch_norm train affine", in -> Functional.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5),
                randomF64(rng, 3, 2, 2, 3), randomF64(rng, 2), randomF64(rng, 2));
        check("batch_norm train 3d input", in -> Functional.batchNorm(in[0], null, null, null, null, true, 0.1, 1e-5),
                randomF64(rng, 4, 3, 5));
        // batch norm followed by ReLU as one op: random data puts about half of γ x̂ + β on each side of 0
        check("batch_norm_relu train affine", in -> Functional.batchNormRelu(in[0], null, null, in[1], in[2], true, 0.1, 1e-5),
                randomF64(rng, 3, 2, 2, 3), randomF64(rng, 2), randomF64(rng, 2));
        check("batch_norm_relu train no affine", in -> Functional.batchNormRelu(in[0], null, null, null, null, true, 0.1, 1e-5),
                randomF64(rng, 4, 3, 5));
        Tensor rm = randomF64(rng, 2).detach(), rv = randomF64(rng, 2).abs().add(0.5).detach();
        check("batch_norm eval", in -> Functional.batchNorm(in[0], rm, rv, in[1], in[2], false, 0.1, 1e-5),
                randomF64(rng, 3, 2, 2, 2), randomF64(rng, 2), randomF64(rng, 2));
        check("layer_norm no affine", in -> Functional.layerNorm(in[0], 3, null, null, 1e-5), randomF64(rng, 2, 3, 2, 4));
        check("layer_norm affine", in -> Functional.layerNorm(in[0], 1, in[1], in[2], 1e-5),
                randomF64(rng, 3, 5), randomF64(rng, 5), randomF64(rng, 5));
    }

    @Test void dropoutAndCrossEntropy() {
        check("dropout p=0.3", in -> Functional.dropout(in[0], 0.3, true, new SplittableRandom(9)), randomF64(rng, 4, 5));
        check("cross_entropy", in -> Functional.crossEntropy(in[0], Tensor.of(new long[] {2, 0, 1}, 3)), randomF64(rng, 3, 4));
        check("linear", in -> Functional.linear(in[0], in[1], in[2]), randomF64(rng, 3, 4), randomF64(rng, 2, 4), randomF64(rng, 2));
    }
}
