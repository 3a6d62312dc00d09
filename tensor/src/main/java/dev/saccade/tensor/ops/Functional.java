package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.SplittableRandom;

/**
 * The functional form of the layer ops, like {@code torch.nn.functional}: stateless calls that build the op
 * objects. Modules in {@code dev.saccade.nn} call these.
 *
 * <pre>{@code
 * Tensor y = Functional.conv2d(x, w, b, 1, 1, 1, 1);          // 3×3, stride 1, padding 1
 * Tensor p = Functional.maxPool2d(y, 3, 2, 1);
 * }</pre>
 */
public final class Functional {
    private Functional() {}

    /** N-d convolution; the spatial rank is that of the weight minus 2. */
    public static Tensor conv(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        return bias == null ? new Convolution(p).apply(x, w) : new Convolution(p).apply(x, w, bias);
    }

    public static Tensor conv1d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv(x, w, bias, ConvParams.uniform(1, stride, padding, dilation, groups));
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv(x, w, bias, ConvParams.uniform(2, stride, padding, dilation, groups));
    }

    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv(x, w, bias, ConvParams.uniform(3, stride, padding, dilation, groups));
    }

    public static Tensor maxPool(Tensor x, PoolParams p) { return new MaxPool(p).apply(x); }
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) { return maxPool(x, PoolParams.uniform(2, kernel, stride, padding)); }
    public static Tensor avgPool(Tensor x, PoolParams p) { return new AvgPool(p).apply(x); }
    public static Tensor adaptiveAvgPool(Tensor x, int... outSize) { return new AdaptiveAvgPool(outSize).apply(x); }

    /**
     * Batch norm: training mode normalises with batch statistics and updates the running ones; evaluation mode uses
     * the running statistics: {@code y = (x − running_mean) / sqrt(running_var + ε) · γ + β}.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor gamma, Tensor beta,
                                   boolean training, double momentum, double eps) {
        if (training) {
            BatchNorm op = new BatchNorm(eps, momentum, runningMean, runningVar);
            if (gamma == null && beta == null) return op.apply(x);
            return op.apply(x, gamma, beta);
        }
        int[] cs = BatchNorm.channelShape(x);
        Tensor scale = runningVar.add(eps).rsqrt();
        if (gamma != null) scale = scale.mul(gamma);
        Tensor shift = runningMean.mul(scale).neg();
        if (beta != null) shift = shift.add(beta);
        return x.mul(scale.reshape(cs)).add(shift.reshape(cs));
    }

    /**
     * {@code relu(batchNorm(x, …))}: in training one op ({@link BatchNorm} with ReLU: the rectified output written by
     * the normalising pass, the ReLU's gradient applied inside the batch-norm backward); in evaluation the affine map,
     * then ReLU.
     */
    public static Tensor batchNormRelu(Tensor x, Tensor runningMean, Tensor runningVar, Tensor gamma, Tensor beta,
                                       boolean training, double momentum, double eps) {
        if (!training) return batchNorm(x, runningMean, runningVar, gamma, beta, false, momentum, eps).relu();
        BatchNorm op = new BatchNorm(eps, momentum, runningMean, runningVar, true);
        if (gamma == null && beta == null) return op.apply(x);
        return op.apply(x, gamma, beta);
    }

    /** Layer norm over the last {@code normalizedAxes} axes; weight and bias may be null (no affine). */
    public static Tensor layerNorm(Tensor x, int normalizedAxes, Tensor weight, Tensor bias, double eps) {
        LayerNorm op = new LayerNorm(normalizedAxes, eps);
        if (weight == null && bias == null) return op.apply(x);
        if (weight == null || bias == null) throw new IllegalArgumentException("layer_norm: give both weight and bias, or neither");
        return op.apply(x, weight, bias);
    }

    /** Inverted dropout in training mode; the identity otherwise or when p = 0. */
    public static Tensor dropout(Tensor x, double p, boolean training, SplittableRandom rng) {
        if (!training || p == 0) return x;
        return new Dropout(p, rng).apply(x);
    }

    /** Mean cross-entropy of logits (N, K) against class indices (N,). */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) { return new CrossEntropy().apply(logits, targets); }

    /** {@code y = x Wᵀ + b} for x (…, in), W (out, in), b (out). Reference: {@code torch.nn.functional.linear}. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Tensor y = x.matmul(weight.transpose(0, 1));
        return bias == null ? y : y.add(bias);
    }

    /** TSM temporal shift on (N·T, C, H, W). */
    public static Tensor temporalShift(Tensor x, int frames, int foldDiv) { return new TemporalShift(frames, foldDiv).apply(x); }

    /** TSM's uni-directional (online) shift on (N·T, C, H, W): channels [0, C/foldDiv) of frame t come from frame t−1. */
    public static Tensor temporalShiftOnline(Tensor x, int frames, int foldDiv) { return new OnlineTemporalShift(frames, foldDiv).apply(x); }

    /** M2A motion: x[t+1] − x[t], last frame −x[T−1]. */
    public static Tensor frameDifferenceM2a(Tensor x, int frames) { return new FrameDifferenceM2a(frames).apply(x); }

    /** ACTION-Net ME motion: a[t+1] − b[t], zero last frame. */
    public static Tensor frameDifferenceAction(Tensor a, Tensor b, int frames) { return new FrameDifferenceAction(frames).apply(a, b); }

    /** Depthwise temporal convolution (kernel 3, padding 1) of x (N·T, C, H, W) with w (C, 1, 3); see {@link TemporalConv}. */
    public static Tensor temporalConv(Tensor x, Tensor w, int frames) { return new TemporalConv(frames).apply(x, w); }

    /** {@code x·(α + c + s)} for x (M, C, H, W), c (M, C, 1, 1), s (M, 1, H, W), either null; see {@link BroadcastGate}. */
    public static Tensor gateSum(Tensor x, Tensor c, Tensor s, double offset) {
        return new BroadcastGate(BroadcastGate.Combine.SUM, offset).apply(x, c, s);
    }

    /** {@code x·c·s} for x (M, C, H, W), c (M, C, 1, 1), s (M, 1, H, W), either null; see {@link BroadcastGate}. */
    public static Tensor gateProduct(Tensor x, Tensor c, Tensor s) {
        return new BroadcastGate(BroadcastGate.Combine.PRODUCT, 0).apply(x, c, s);
    }

    /** {@code x·(α + σ(z))} for x, z of one shape, in one pass; see {@link SigmoidGate}. */
    public static Tensor sigmoidGate(Tensor x, Tensor z, double offset) { return new SigmoidGate(offset).apply(x, z); }

    /** [mean, max] of x·c over H·W: x (M, C, H, W), c (M, C, 1, 1) or null → (2, M, C); see {@link AvgMaxPool}. */
    public static Tensor spatialAvgMaxPool(Tensor x, Tensor c) {
        AvgMaxPool op = new AvgMaxPool(AvgMaxPool.Axis.SPATIAL);
        return c == null ? op.apply(x) : op.apply(x, c);
    }

    /**
     * [mean, max] of x·c over C: x (M, C, H, W), c (M, C, 1, 1) or null → (M, 2, H, W); see {@link AvgMaxPool}.
     * Under no-grad an open {@link InferenceProfile} records it as {@code channel_avg_max_pool}.
     */
    public static Tensor channelAvgMaxPool(Tensor x, Tensor c) {
        AvgMaxPool op = new AvgMaxPool(AvgMaxPool.Axis.CHANNEL);
        long t0 = GradMode.isEnabled() ? 0 : InferenceProfile.start();
        Tensor pooled = c == null ? op.apply(x) : op.apply(x, c);
        return t0 == 0 ? pooled : InferenceProfile.stopOp(t0, "channel_avg_max_pool", x, pooled);
    }
}
