package dev.saccade.tensor;

import dev.saccade.tensor.ops.AvgMaxPool;
import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.PoolParams;
import dev.saccade.tensor.ops.ReduceOp;
import dev.saccade.tensor.ops.SigmoidGate;
import dev.saccade.tensor.ops.TemporalConv;
import dev.saccade.tensor.ops.UnaryOp;

/**
 * The primitives a device implements; everything in saccade's tensor layer is built from these.
 * Implementations are found with {@link java.util.ServiceLoader} (see {@link Backends}).
 *
 * <p>Contract: inputs may have any layout (views, broadcast strides of 0); outputs are new contiguous tensors
 * with no autograd history. Shapes are checked by the ops before they call a backend.
 */
public interface Backend {
    /** Short name ({@code cpu}, {@code cuda}). */
    String name();
    /** The device whose storage this backend computes on. */
    Device device();
    /** Higher wins when several backends are available and none is asked for. */
    int priority();
    /** False when this backend cannot run on this machine; {@link #unavailableReason()} says why. */
    boolean isAvailable();
    String unavailableReason();

    // ---- memory
    /** A zero-filled buffer. */
    Storage allocate(DType dtype, int length);
    /** Copies host data onto this backend's device. */
    Storage upload(HostStorage host);
    /** Copies a storage of this backend to the host. */
    HostStorage download(Storage storage);
    /** Copies {@code src} into the view {@code dst} (same shape; dtype converted), element by element. */
    void copy(Tensor src, Tensor dst);
    /** Sets every element of the view {@code dst} to {@code value}. */
    void fill(Tensor dst, double value);

    // ---- elementwise
    /** {@code y = op(x; alpha)}. */
    Tensor unary(UnaryOp op, Tensor x, double alpha);
    /** {@code gx = op'(x, y; alpha) · gy}. */
    Tensor unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, double alpha);
    /** {@code out = op(a, b)}; a and b have the same shape (broadcasting is already applied as stride-0 views). */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);
    /** In place {@code dst += alpha · src} (same shape); used by optimizers and gradient accumulation. */
    void axpy(double alpha, Tensor src, Tensor dst);

    /**
     * One SGD step on one parameter, in place: {@code torch.optim.SGD}'s single-tensor update with dampening 0
     * (<a href="https://pytorch.org/docs/stable/generated/torch.optim.SGD.html">torch.optim.SGD</a>):
     * <pre>
     *   d = g + wd·w
     *   v = d  (first step)   or   v = μ·v + d          (momentum &gt; 0 only; v null without momentum)
     *   d = d + μ·v  (Nesterov)   or   d = v            (momentum &gt; 0 only)
     *   w = w − lr·d
     * </pre>
     * w, g and v have the same shape. The default composes {@link #binary}, {@link #unary}, {@link #copy} and
     * {@link #axpy} ({@link dev.saccade.tensor.ops.SgdStep#composed}, two to four temporaries a call); a backend may do it in one pass with none, rounding as the
     * composed ops do.
     */
    default void sgdStep(Tensor w, Tensor g, Tensor v, double lr, double wd, double momentum, boolean nesterov,
                         boolean firstStep) {
        dev.saccade.tensor.ops.SgdStep.composed(this, w, g, v, lr, wd, momentum, nesterov, firstStep);
    }

    // ---- reductions
    /** Reduces over {@code axes} (sorted, distinct), keeping them with size 1. */
    Tensor reduce(ReduceOp op, Tensor x, int[] axes);
    /** Index (I64) of the max or min along {@code axis}, kept with size 1; first occurrence wins. */
    Tensor argReduce(ReduceOp op, Tensor x, int axis);
    /** Softmax (or log-softmax) over the last axis. */
    Tensor softmax(Tensor x, boolean log);
    /** Gradient of softmax (or log-softmax) over the last axis, given its output y. */
    Tensor softmaxBackward(Tensor y, Tensor gy, boolean log);

    // ---- linear algebra
    /** Batched product: a (B, M, K) · b (B, K, N) → (B, M, N); batch strides may be 0 (broadcast). */
    Tensor matmul(Tensor a, Tensor b);

    // ---- convolution and pooling, on (N, C, *spatial) with weights (C_out, C_in/groups, *kernel)
    Tensor conv(Tensor x, Tensor w, Tensor biasOrNull, ConvParams p);
    Tensor convBackwardData(Tensor gy, Tensor w, Shape xShape, ConvParams p);
    Tensor convBackwardFilter(Tensor x, Tensor gy, Shape wShape, ConvParams p);
    /** Max pooling; returns {output, argmax (I32, flat index within each (n, c) plane)}. */
    Tensor[] maxPool(Tensor x, PoolParams p);
    Tensor maxPoolBackward(Tensor gy, Tensor argmax, Shape xShape, PoolParams p);
    Tensor avgPool(Tensor x, PoolParams p);
    Tensor avgPoolBackward(Tensor gy, Shape xShape, PoolParams p);
    /** Adaptive average pooling to {@code outSize} per spatial axis (PyTorch's floor/ceil bins). */
    Tensor adaptiveAvgPool(Tensor x, int[] outSize);
    Tensor adaptiveAvgPoolBackward(Tensor gy, Shape xShape);

    // ---- normalisation on (N, C, *spatial)
    /**
     * Forward of training-mode batch normalisation over every axis but 1 (Ioffe &amp; Szegedy 2015, Alg. 1;
     * {@code torch.nn.functional.batch_norm(training=True)}): with M = N·|spatial| values per channel,
     * {@code μ = Σx/M}, {@code σ² = Σ(x − μ)²/M} (biased, two passes), {@code invStd = 1/sqrt(σ² + ε)},
     * {@code x̂ = (x − μ)·invStd}, {@code y = γ x̂ + β}. Returns {@code {y, x̂, μ, σ², invStd}}, the last three shaped
     * (1, C, 1, …); γ and β may be null. The default composes the elementwise and reduction primitives; a backend may
     * fuse them.
     */
    default Tensor[] batchNormTraining(Tensor x, Tensor gammaOrNull, Tensor betaOrNull, double eps) {
        int[] axes = new int[x.rank() - 1], channel = new int[x.rank()];
        for (int i = 1; i < axes.length; i++) axes[i] = i + 1;
        java.util.Arrays.fill(channel, 1);
        channel[1] = x.dim(1);
        Tensor mean = x.mean(true, axes);                       // (1, C, 1, …)
        Tensor centered = x.sub(mean);
        Tensor var = centered.square().mean(true, axes);        // biased
        Tensor invStd = var.add(eps).rsqrt();
        Tensor xhat = centered.mul(invStd);
        Tensor y = xhat;
        if (gammaOrNull != null) y = y.mul(gammaOrNull.reshape(channel));
        if (betaOrNull != null) y = y.add(betaOrNull.reshape(channel));
        return new Tensor[] {y, xhat, mean, var, invStd};
    }

    /**
     * Backward of training-mode batch normalisation over every axis but 1 (Ioffe &amp; Szegedy 2015, Alg. 1), given
     * the upstream gradient g (N, C, *spatial), the forward's {@code x̂ = (x − μ)·invStd} and {@code invStd}
     * (1, C, 1, …), with M = N·|spatial| values per channel: {@code gβ = Σ g}, {@code gγ = Σ g x̂},
     * {@code gx = γ·invStd/M · (M g − gβ − x̂ gγ)}. Returns {@code {gx (null unless needInputGrad), gγ, gβ}}, the
     * last two shaped (1, C, 1, …). The default composes the elementwise and reduction primitives; a backend may
     * fuse them.
     */
    default Tensor[] batchNormTrainingBackward(Tensor g, Tensor xhat, Tensor invStd, Tensor gammaOrNull,
                                               boolean needInputGrad) {
        int[] axes = new int[g.rank() - 1], channel = new int[g.rank()];
        for (int i = 1; i < axes.length; i++) axes[i] = i + 1;
        java.util.Arrays.fill(channel, 1);
        channel[1] = g.dim(1);
        int count = g.numel() / g.dim(1);
        Tensor gBeta = g.sum(true, axes);                       // (1, C, 1, …)
        Tensor gGamma = g.mul(xhat).sum(true, axes);
        Tensor gx = null;
        if (needInputGrad) {
            Tensor scale = invStd.div(count);
            if (gammaOrNull != null) scale = scale.mul(gammaOrNull.reshape(channel));
            gx = g.mul(count).sub(gBeta).sub(xhat.mul(gGamma)).mul(scale);
        }
        return new Tensor[] {gx, gGamma, gBeta};
    }

    /**
     * {@link #batchNormTraining} followed by ReLU on y ({@code torch.nn.functional.relu(batch_norm(...))}, every
     * ResNet block's first layer): returns {@code {max(γ x̂ + β, 0), x̂, μ, σ², invStd}}. The default composes
     * {@link #batchNormTraining} and {@link #unary}; a backend may write the rectified y in the same pass.
     */
    default Tensor[] batchNormReluTraining(Tensor x, Tensor gammaOrNull, Tensor betaOrNull, double eps) {
        Tensor[] r = batchNormTraining(x, gammaOrNull, betaOrNull, eps);
        r[0] = unary(UnaryOp.RELU, r[0], 0);
        return r;
    }

    /**
     * Backward of {@link #batchNormReluTraining}: the upstream gradient where the forward's {@code γ x̂ + β} was
     * positive (recomputed from x̂ with the forward's operations, so the same positions), zero elsewhere, then
     * {@link #batchNormTrainingBackward}. The default composes them; a backend may mask on the fly without a copy of g.
     */
    default Tensor[] batchNormReluTrainingBackward(Tensor g, Tensor xhat, Tensor invStd, Tensor gammaOrNull,
                                                   Tensor betaOrNull, boolean needInputGrad) {
        int[] channel = new int[g.rank()];
        java.util.Arrays.fill(channel, 1);
        channel[1] = g.dim(1);
        Tensor y = xhat;                                         // γ x̂ + β, as the forward computed it
        if (gammaOrNull != null) y = y.mul(gammaOrNull.reshape(channel));
        if (betaOrNull != null) y = y.add(betaOrNull.reshape(channel));
        Tensor masked = unaryBackward(UnaryOp.RELU, y, y, g, 0);
        return batchNormTrainingBackward(masked, xhat, invStd, gammaOrNull, needInputGrad);
    }

    // ---- inference (evaluation, no autograd): a prepared convolution with a fused epilogue
    /**
     * Prepares a convolution's weights once for {@link #convInference}: w (C_out, C_in/groups, *kernel), with any
     * batch norm already folded in, and bias (C_out) or null. The default keeps them as they are; a backend may
     * pack them into the layout its kernels stream (the result is shared across threads, so it must be immutable).
     */
    default dev.saccade.tensor.ops.PreparedConv prepareConv(Tensor w, Tensor biasOrNull, ConvParams p) {
        return new dev.saccade.tensor.ops.PreparedConv(w, biasOrNull, p, null);
    }

    /**
     * {@code y = act(conv(shift(x), w) + b + residual)} ({@link dev.saccade.tensor.ops.InferenceConv}, which checks
     * the shapes); no autograd. The default composes {@link #temporalShift}, {@link #conv}, {@link #binary} and
     * {@link #unary}; a backend may apply the shift, the residual add and the activation inside the convolution.
     */
    default Tensor convInference(Tensor x, dev.saccade.tensor.ops.PreparedConv c, Tensor residualOrNull,
                                 dev.saccade.tensor.ops.ConvActivation act, int shiftFrames, int shiftFoldDiv) {
        Tensor in = shiftFrames > 0 ? temporalShift(x, shiftFrames, shiftFoldDiv, false) : x;
        Tensor y = conv(in, c.weight(), c.bias(), c.params());
        if (residualOrNull != null) y = binary(BinaryOp.ADD, y, residualOrNull);
        return switch (act) {
            case NONE -> y;
            case RELU -> unary(UnaryOp.RELU, y, 0);
            case RELU6 -> unary(UnaryOp.RELU6, y, 0);
        };
    }

    /**
     * {@link #convInference} with a residual that is dead after the call
     * ({@link dev.saccade.tensor.ops.InferenceConv#applyIntoResidual}): the backend may write y into the residual's
     * own storage, reading each element of the residual before it writes the same element of y, and return a tensor
     * over that storage. The default runs {@link #convInference} into a new output.
     */
    default Tensor convInferenceIntoResidual(Tensor x, dev.saccade.tensor.ops.PreparedConv c, Tensor residual,
                                             dev.saccade.tensor.ops.ConvActivation act, int shiftFrames, int shiftFoldDiv) {
        return convInference(x, c, residual, act, shiftFrames, shiftFoldDiv);
    }

    /**
     * A chain of inference convolutions, each link's output the next one's input, the residual added by the last
     * ({@link dev.saccade.tensor.ops.InferenceConv#applyChain}, which checks the shapes); no autograd. The default
     * runs {@link #convInference} link by link and recycles the intermediates; a backend may carry a few images at
     * a time through every link, so that the intermediates stay in its cache.
     */
    default Tensor convInferenceChain(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                      Tensor residualOrNull) {
        Tensor in = x;
        for (int i = 0; i < links.size(); i++) {
            var l = links.get(i);
            Tensor out = convInference(in, l.conv(), i == links.size() - 1 ? residualOrNull : null, l.act(),
                    l.shiftFrames(), l.shiftFoldDiv());
            if (in != x) recycle(in);
            in = out;
        }
        return in;
    }

    /**
     * {@link #convInferenceChain} with a residual that is dead after the call: the output may be written into the
     * residual's own storage ({@link dev.saccade.tensor.ops.InferenceConv#applyChainIntoResidual}). The default runs
     * {@link #convInferenceChain} into a new output.
     */
    default Tensor convInferenceChainIntoResidual(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                                  Tensor residual) {
        return convInferenceChain(x, links, residual);
    }

    /**
     * {@link #convInferenceChain} (or, with {@code intoResidual}, {@link #convInferenceChainIntoResidual}) whose first
     * link reads x through an input gate ({@link dev.saccade.tensor.ops.InferenceConv#applyChain(Tensor,
     * dev.saccade.tensor.ops.InferenceConv.InputGate, java.util.List, Tensor, boolean)}, which checks the shapes); no
     * autograd. The default runs the first link by {@link #convInferenceExcited} or {@link #convInferenceUpGated} and
     * the others as a chain; a backend may carry a few images at a time through every link.
     */
    default Tensor convInferenceChainGated(Tensor x, dev.saccade.tensor.ops.InferenceConv.InputGate gate,
                                           java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                           Tensor residualOrNull, boolean intoResidual) {
        var first = links.getFirst();
        Tensor residualHere = links.size() == 1 ? residualOrNull : null;
        dev.saccade.tensor.ops.ConvActivation act = first.act();
        Tensor h = switch (gate) {
            case dev.saccade.tensor.ops.InferenceConv.InputGate.Excited e ->
                    convInferenceExcited(x, first.conv(), e.channel(), e.pixel(), e.offset(), residualHere, act);
            case dev.saccade.tensor.ops.InferenceConv.InputGate.UpGated u ->
                    convInferenceUpGated(x, u.attended(), u.up(), first.conv(), residualHere, act, first.shiftFrames(),
                            first.shiftFoldDiv());
        };
        if (links.size() == 1) return h;
        var rest = links.subList(1, links.size());
        Tensor y = intoResidual ? convInferenceChainIntoResidual(h, rest, residualOrNull) : convInferenceChain(h, rest, residualOrNull);
        recycle(h);
        return y;
    }

    /**
     * {@link #convInferenceChain} without a residual, the last link pooling its output: {y, [mean; max] (2, N, C_out)}
     * ({@link dev.saccade.tensor.ops.InferenceConv#applyChainPooled}, which checks the shapes); no autograd. The
     * default runs the links one by one, the last by {@link #convInferencePooled}.
     */
    default Tensor[] convInferenceChainPooled(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links) {
        Tensor in = x;
        for (int i = 0; i < links.size() - 1; i++) {
            var l = links.get(i);
            Tensor out = convInference(in, l.conv(), null, l.act(), l.shiftFrames(), l.shiftFoldDiv());
            if (in != x) recycle(in);
            in = out;
        }
        Tensor[] yp = convInferencePooled(in, links.getLast().conv());
        if (in != x) recycle(in);
        return yp;
    }

    /**
     * A residual block's links, CBAM on their output and {@code relu(· + residual)}
     * ({@link dev.saccade.tensor.ops.AttendedChain#inference}, which checks the shapes); no autograd. With
     * {@code intoResidual} the residual is dead after the call and y may be written into its storage. The default
     * runs the links one by one (the last pooling as it stores), the channel attention and the spatial gate.
     */
    default Tensor convInferenceChainAttended(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                              dev.saccade.tensor.ops.AttendedChain.Attention attention, Tensor residual,
                                              boolean intoResidual) {
        Tensor[] fp = convInferenceChainPooled(x, links);                          // F, (2, N·T, C)
        int nt = fp[0].dim(0), c = fp[0].dim(1);
        Tensor mc = channelAttentionGates(fp[1], 1, attention.channel()).reshape(nt, c, 1, 1);
        Tensor y = spatialAttentionGate(fp[0], mc, attention.spatialKernel(), residual,
                dev.saccade.tensor.ops.ConvActivation.RELU, true)[0];
        if (y.storage() != fp[0].storage()) recycle(fp[0]);
        return y;
    }

    /**
     * Whether {@link #convInferenceChain} carries images through these links depth first on x (rather than link by
     * link, which a caller may as well run itself, op by op); the default: never.
     */
    default boolean convChainDepthFirst(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links) {
        return false;
    }

    /**
     * {@code y = gate·(1 + σ(conv(x, w) + b))} ({@link dev.saccade.tensor.ops.InferenceConv#applyGated}, which checks
     * the shapes): M2A's excitation {@code x·σ(conv_up(·)) + x}; no autograd. The default composes {@link #conv} and
     * {@link #sigmoidGate}; a backend may apply the gate as the convolution stores its output.
     */
    default Tensor convInferenceGated(Tensor x, dev.saccade.tensor.ops.PreparedConv c, Tensor gate) {
        return sigmoidGate(gate, conv(x, c.weight(), c.bias(), c.params()), 1);
    }

    /**
     * {@code y = act(conv(shift(u), w) + b + residual)} with M2A's excitation {@code u = x·(1 + σ(conv_up(attended)))}
     * ({@link dev.saccade.tensor.ops.InferenceConv#applyUpGated}, which checks the shapes); no autograd. The default
     * composes {@link #convInferenceGated} and {@link #convInference}; a backend may compute u as the convolution
     * reads it.
     */
    default Tensor convInferenceUpGated(Tensor x, Tensor attended, dev.saccade.tensor.ops.PreparedConv up,
                                        dev.saccade.tensor.ops.PreparedConv c, Tensor residualOrNull,
                                        dev.saccade.tensor.ops.ConvActivation act, int shiftFrames, int shiftFoldDiv) {
        Tensor u = convInferenceGated(attended, up, x);
        Tensor y = convInference(u, c, residualOrNull, act, shiftFrames, shiftFoldDiv);
        recycle(u);
        return y;
    }

    /**
     * {@code y = act(conv(x·(offset + channel + pixel), w) + b + residual)}
     * ({@link dev.saccade.tensor.ops.InferenceConv#applyExcited}, which checks the shapes); no autograd. The default
     * composes {@link #broadcastGate} (SUM) and {@link #convInference}; a backend may apply the gates as it reads x.
     */
    default Tensor convInferenceExcited(Tensor x, dev.saccade.tensor.ops.PreparedConv c, Tensor channel, Tensor pixel,
                                        double offset, Tensor residualOrNull, dev.saccade.tensor.ops.ConvActivation act) {
        Tensor gated = broadcastGate(x, channel, pixel, BroadcastGate.Combine.SUM, offset);
        Tensor y = convInference(gated, c, residualOrNull, act, 0, 0);
        recycle(gated);
        return y;
    }

    /**
     * {@code y = conv(x, w) + b} and its spatial {@code [mean, max]} (2, N, C_out) for a 2-d x
     * ({@link dev.saccade.tensor.ops.InferenceConv#applyPooled}, which checks the shapes): the avg/max descriptors of
     * a channel attention (CBAM, Woo et al., ECCV 2018, Eq. 2; W3, Pérez-Rúa et al., ECCV 2020, Eq. 3); no autograd.
     * Returns {y, pooled}. The default composes {@link #convInference} and {@link #avgMaxPool}; a backend may pool
     * the output as the convolution stores it.
     */
    default Tensor[] convInferencePooled(Tensor x, dev.saccade.tensor.ops.PreparedConv c) {
        Tensor y = convInference(x, c, null, dev.saccade.tensor.ops.ConvActivation.NONE, 0, 0);
        return new Tensor[] {y, avgMaxPool(y, null, AvgMaxPool.Axis.SPATIAL)};
    }

    /**
     * M2A's {@code softmax(m mᵀ/√E) m + y} ({@link dev.saccade.tensor.ops.MotionAttention}, which checks the shape),
     * no autograd: the op's forward in training and in inference. The default runs
     * {@link dev.saccade.tensor.ops.MotionAttention#composed}.
     */
    default Tensor motionAttention(Tensor y, int frames, double eps) {
        return dev.saccade.tensor.ops.MotionAttention.composed(y, frames, eps);
    }

    /**
     * ∂L/∂y of {@link #motionAttention} for ∂L/∂y' = g (the shape y's). The default runs
     * {@link dev.saccade.tensor.ops.MotionAttention#composedBackward}.
     */
    default Tensor motionAttentionBackward(Tensor g, Tensor y, int frames, double eps) {
        return dev.saccade.tensor.ops.MotionAttention.composedBackward(g, y, frames, eps);
    }

    /**
     * A hint that {@code t}, an intermediate of an inference forward, is dead: nothing reads it again and no view
     * of its storage is held. A backend may reuse the storage for a later output of the same size. Default: none.
     */
    default void recycle(Tensor t) {}

    /** Max pooling's output alone, for inference (no argmax is kept: nothing will route a gradient). */
    default Tensor maxPoolInference(Tensor x, PoolParams p) { return maxPool(x, p)[0]; }

    // ---- temporal ops on (N·T, C, H, W)
    /** TSM shift, or with {@code inverse} its backward. */
    Tensor temporalShift(Tensor x, int frames, int foldDiv, boolean inverse);
    /** M2A motion {@code x[t+1] − x[t]}, last frame {@code −x[T−1]}. */
    Tensor frameDifferenceM2a(Tensor x, int frames);
    Tensor frameDifferenceM2aBackward(Tensor gy, int frames);
    /** ACTION-Net ME {@code a[t+1] − b[t]}, zero last frame. */
    Tensor frameDifferenceAction(Tensor a, Tensor b, int frames);
    /** Returns {ga, gb}. */
    Tensor[] frameDifferenceActionBackward(Tensor gy, int frames);

    // ---- fused temporal attention on (N·T, C, H, W); the defaults compose the primitives above, a backend fuses them
    /**
     * Depthwise temporal convolution, kernel 3, padding 1, of x (N·T, C, H, W) with w (C, 1, 3) over T, on this
     * layout (no permute copies); see {@link TemporalConv}. New contiguous (N·T, C, H, W).
     */
    default Tensor temporalConv(Tensor x, Tensor w, int frames) { return TemporalConv.composed(this, x, w, frames); }

    /**
     * ACTION's shift with its spatial and channel means, {xs, (N·T, C, 1, 1), (N·T, 1, H, W)}
     * ({@link dev.saccade.tensor.ops.PooledTemporalConv#inference}, which checks the shapes); no autograd. The default
     * runs {@link dev.saccade.tensor.ops.PooledTemporalConv#composed}.
     */
    default Tensor[] pooledTemporalConv(Tensor x, Tensor w, int frames) {
        return dev.saccade.tensor.ops.PooledTemporalConv.composed(x, w, frames);
    }

    /**
     * {@link #pooledTemporalConv} and the {@link #tapSums} of xs, {xs, spatial, channel, taps (N·T, 3, 3, C)}
     * ({@link dev.saccade.tensor.ops.PooledTemporalConv#inferenceWithTaps}); no autograd. The default runs the two
     * ops one after the other; a backend may take the tap sums while each xs plane is in cache.
     */
    default Tensor[] pooledTemporalConvTaps(Tensor x, Tensor w, int frames) {
        Tensor[] r = pooledTemporalConv(x, w, frames);
        return new Tensor[] {r[0], r[1], r[2], tapSums(r[0])};
    }

    /**
     * The sums each tap of a 3×3 "same" convolution reads of every plane of x (N, C, H, W), (N, 3, 3, C)
     * ({@link dev.saccade.tensor.ops.TapSums#inference}, which checks the shape); no autograd. The default runs
     * {@link dev.saccade.tensor.ops.TapSums#composed}.
     */
    default Tensor tapSums(Tensor x) { return dev.saccade.tensor.ops.TapSums.composed(x); }

    /**
     * CBAM's and W3's channel attention M_c (N·T, C) from a map's spatial {@code [avg; max]} (2, N·T, C)
     * ({@link dev.saccade.tensor.ops.ChannelAttentionGates#inference}, which checks the shapes); no autograd. The
     * default runs {@link dev.saccade.tensor.ops.ChannelAttentionGates#composed}.
     */
    default Tensor channelAttentionGates(Tensor pooled, int frames, dev.saccade.tensor.ops.ChannelAttentionGates.Weights w) {
        return dev.saccade.tensor.ops.ChannelAttentionGates.composed(pooled, frames, w);
    }

    /**
     * ACTION-Net's CE and ME gates q + s (N·T, C, 1, 1) from xs's plane means and tap sums
     * ({@link dev.saccade.tensor.ops.ActionChannelGates#inference}, which checks the shapes); no autograd. The default
     * runs {@link dev.saccade.tensor.ops.ActionChannelGates#composed}.
     */
    default Tensor actionChannelGates(Tensor pooled, Tensor taps, int frames, int height, int width,
                                      dev.saccade.tensor.ops.ActionChannelGates.Weights w) {
        return dev.saccade.tensor.ops.ActionChannelGates.composed(pooled, taps, frames, height, width, w);
    }

    /** Gradients of {@link #temporalConv}: {gx (N·T, C, H, W) or null unless needX, gw (C, 1, 3) or null unless needW}. */
    default Tensor[] temporalConvBackward(Tensor gy, Tensor x, Tensor w, int frames, boolean needX, boolean needW) {
        return TemporalConv.composedBackward(this, gy, x, w, frames, needX, needW);
    }

    /**
     * x (M, C, H, W) gated by c (M, C, 1, 1) and s (M, 1, H, W), either null: {@code x·(α + c + s)} or {@code x·c·s};
     * see {@link BroadcastGate}. New contiguous (M, C, H, W).
     */
    default Tensor broadcastGate(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset) {
        return BroadcastGate.composed(x, c, s, combine, offset);
    }

    /** Gradients of {@link #broadcastGate}: {gx, gc, gs}, each null unless asked for (and gc, gs null for a null gate). */
    default Tensor[] broadcastGateBackward(Tensor gy, Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset,
                                           boolean needX, boolean needC, boolean needS) {
        return BroadcastGate.composedBackward(gy, x, c, s, combine, offset, needX, needC, needS);
    }

    /**
     * {@code act(gate(x) + residual)} for the gate of {@link #broadcastGate} (c, s and residual each may be null); see
     * {@link dev.saccade.tensor.ops.InferenceGate}. Evaluation only. New contiguous (M, C, H, W) that nothing else
     * references (a backend may hand it out of its {@link #recycle} pool).
     */
    default Tensor gateInference(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset, Tensor residual,
                                 dev.saccade.tensor.ops.ConvActivation act) {
        return dev.saccade.tensor.ops.InferenceGate.composed(x, c, s, combine, offset, residual, act);
    }

    /**
     * {@link #gateInference} with x dead after the call ({@link dev.saccade.tensor.ops.InferenceGate#applyInPlace}):
     * the backend may write y into x's own storage (each element of x is read by the step that writes the same
     * element of y) and return a tensor over it. The default runs {@link #gateInference} into a new output.
     */
    default Tensor gateInferenceInPlace(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset,
                                        Tensor residual, dev.saccade.tensor.ops.ConvActivation act) {
        return gateInference(x, c, s, combine, offset, residual, act);
    }

    /**
     * CBAM's spatial attention with its output gate, {y = act(x·c·M_s + residual), M_s} (see
     * {@link dev.saccade.tensor.ops.SpatialAttentionGate}); with {@code intoX} x is dead after the call and the
     * backend may write y into x's own storage. The default runs the composed ops into a new output.
     */
    default Tensor[] spatialAttentionGate(Tensor x, Tensor c, Tensor kernel, Tensor residual,
                                          dev.saccade.tensor.ops.ConvActivation act, boolean intoX) {
        return dev.saccade.tensor.ops.SpatialAttentionGate.composed(x, c, kernel, residual, act);
    }

    /**
     * W3's spatio-temporal mask M_s (N·T, 1, H, W) from its channel-pooled maps (N·T, 2, H, W) (see
     * {@link dev.saccade.tensor.ops.SpatioTemporalMask}, which checks the shapes); no autograd. The default runs the
     * composed ops.
     */
    default Tensor spatioTemporalMask(Tensor pooled, Tensor frameKernel, Tensor k0, Tensor k2, int frames) {
        return dev.saccade.tensor.ops.SpatioTemporalMask.composed(pooled, frameKernel, k0, k2, frames);
    }

    /**
     * Mean and max of v = x·c (c (M, C, 1, 1) or null) over H·W → (2, M, C), or over C → (M, 2, H, W), in one read;
     * see {@link AvgMaxPool}. New contiguous output.
     */
    default Tensor avgMaxPool(Tensor x, Tensor c, AvgMaxPool.Axis axis) { return AvgMaxPool.composed(x, c, axis); }

    /** Gradients of {@link #avgMaxPool} given its output {@code pooled}: {gx, gc}, each null unless asked for. */
    default Tensor[] avgMaxPoolBackward(Tensor gy, Tensor x, Tensor c, Tensor pooled, AvgMaxPool.Axis axis, boolean needX, boolean needC) {
        return AvgMaxPool.composedBackward(gy, x, c, pooled, axis, needX, needC);
    }

    /** {@code x·(α + σ(z))}, x and z of one shape; see {@link SigmoidGate}. New contiguous output. */
    default Tensor sigmoidGate(Tensor x, Tensor z, double offset) { return SigmoidGate.composed(x, z, offset); }

    /** Gradients of {@link #sigmoidGate}: {gx, gz}, each null unless asked for. */
    default Tensor[] sigmoidGateBackward(Tensor gy, Tensor x, Tensor z, double offset, boolean needX, boolean needZ) {
        return SigmoidGate.composedBackward(gy, x, z, offset, needX, needZ);
    }

    // ---- indexing
    /** {@code out = x.index_select(axis, indices)}; indices I64 or I32, 1-d. */
    Tensor indexSelect(Tensor x, int axis, Tensor indices);
    /** Backward of index_select: zeros of {@code shape} with {@code src} rows added at {@code indices}. */
    Tensor indexAdd(Shape shape, int axis, Tensor indices, Tensor src);
    /** {@code out[i][j] = x[i][idx[i][j]]} along {@code axis} (torch.gather). */
    Tensor gather(Tensor x, int axis, Tensor indices);
    /** Backward of gather: zeros of {@code shape} with src scattered-added (torch.scatter_add). */
    Tensor scatterAdd(Shape shape, int axis, Tensor indices, Tensor src);
}
