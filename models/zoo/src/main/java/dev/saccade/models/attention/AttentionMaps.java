package dev.saccade.models.attention;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ChannelAttentionGates;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.InferenceGate;
import dev.saccade.tensor.ops.SpatialAttentionGate;
import dev.saccade.tensor.ops.SpatioTemporalMask;
import java.util.List;

/** The pooled descriptors and masks shared by CBAM and W3 (Woo et al., ECCV 2018, Eq. 2–3; Pérez-Rúa et al., ECCV 2020, Eq. 3, 5). */
final class AttentionMaps {
    private AttentionMaps() {}

    /**
     * {@code MLP(avg_HW(x)) + MLP(max_HW(x))} for the shared MLP {@code Linear(C, C/r) → ReLU → Linear(C/r, C)}
     * named {@code <mlp>.0} and {@code <mlp>.2}; x (N·T, C, H, W) → (N·T, C), before the sigmoid.
     */
    static Tensor channelLogits(Tensor x, Weights w, String mlp) { return channelLogits(x, null, w, mlp); }

    /**
     * As {@link #channelLogits(Tensor, Weights, String)}, with x's {@code [avg_HW; max_HW]} (2, N·T, C) given
     * ({@code pooled}, from the epilogue of the convolution that wrote x) or, when null, pooled here.
     */
    static Tensor channelLogits(Tensor x, Tensor pooled, Weights w, String mlp) {
        int nt = x.dim(0), c = x.dim(1);
        if (pooled != null) {
            checkPooled(pooled, nt, c);
            return sharedMlpSum(pooled.reshape(2 * nt, c), w, mlp, nt);
        }
        if (FusedAttention.enabled()) {
            Tensor both = Functional.spatialAvgMaxPool(x, null).reshape(2 * nt, c);   // (2·N·T, C): [avg; max], one read
            return sharedMlpSum(both, w, mlp, nt);
        }
        Tensor avg = x.mean(2, 3);                                  // (N·T, C)
        Tensor max = x.amax(false, 2, 3);                           // (N·T, C)
        return sharedMlp(avg, w, mlp).add(sharedMlp(max, w, mlp));
    }

    /**
     * M_c (N·T, C) in evaluation as one op ({@link ChannelAttentionGates}): {@code σ(MLP(avg_HW x) + MLP(max_HW x))}
     * with x's {@code [avg; max]} (2, N·T, C) given ({@code pooled}) or pooled here, then W3's temporal convolutions
     * over clips of {@code frames} when {@code k0}, {@code k2} (C, 1, 3) are given (CBAM: null, frames 1).
     */
    static Tensor channelAttention(Tensor x, Tensor pooled, Weights w, String mlp, int frames, Tensor k0, Tensor k2) {
        int nt = x.dim(0), c = x.dim(1);
        if (pooled != null) checkPooled(pooled, nt, c);
        Tensor both = pooled != null ? pooled : Functional.spatialAvgMaxPool(x, null).reshape(2, nt, c);   // (2, N·T, C)
        return ChannelAttentionGates.inference(both, frames, new ChannelAttentionGates.Weights(w.get(mlp + ".0.weight"),
                w.get(mlp + ".0.bias"), w.get(mlp + ".2.weight"), w.get(mlp + ".2.bias"), k0, k2));
    }

    private static void checkPooled(Tensor pooled, int nt, int c) {
        if (pooled.rank() != 3 || pooled.dim(0) != 2 || pooled.dim(1) != nt || pooled.dim(2) != c) {
            throw new IllegalArgumentException("channel attention: pooled " + pooled.shape() + " is not (2, " + nt + ", " + c + ")");
        }
    }

    /** {@code MLP(avg) + MLP(max)} for {@code [avg; max]} (2·N·T, C) through the MLP at once → (N·T, C). */
    private static Tensor sharedMlpSum(Tensor both, Weights w, String mlp, int nt) {
        Tensor logits = sharedMlp(both, w, mlp);                                       // (2·N·T, C)
        return logits.narrow(0, 0, nt).add(logits.narrow(0, nt, nt));
    }

    private static Tensor sharedMlp(Tensor v, Weights w, String mlp) {
        Tensor hidden = Functional.linear(v, w.get(mlp + ".0.weight"), w.get(mlp + ".0.bias")).relu(); // (N·T, C/r)
        return Functional.linear(hidden, w.get(mlp + ".2.weight"), w.get(mlp + ".2.bias"));             // (N·T, C)
    }

    /** [mean over C, max over C] of x (N·T, C, H, W) → (N·T, 2, H, W). */
    static Tensor channelPool(Tensor x) {
        return Tensor.cat(List.of(x.mean(true, 1), x.amax(true, 1)), 1);
    }

    /** σ(conv7×7([avg_C, max_C])) with a (1, 2, 7, 7) kernel, no bias → (N·T, 1, H, W). */
    static Tensor spatialMask(Tensor x, Tensor kernel) { return mask(channelPool(x), kernel); }

    /**
     * W3's temporal refinement of the spatial mask (Eq. 6): two 3×3×3 convolutions (1, 1, 3, 3, 3), no bias, over the
     * (T, H, W) of each clip of {@code frames}, ReLU between them, σ after.
     */
    record TemporalKernels(Tensor k0, Tensor k2, int frames) {}

    /**
     * The spatial mask of the channel-attended F' = x·mc, {@code σ(conv7×7([avg_C F', max_C F']))} (refined over
     * time by {@code temporal}, W3 Eq. 6, when not null), and with it {@code out = F'·M_s}: fused, F' is never
     * written (the pooling scales x by mc on the way, the gate applies mc and M_s in one pass) and in evaluation the
     * refined mask is one {@link SpatioTemporalMask} op; composed, F' is materialised and pooled as the equations
     * read. x (N·T, C, H, W), mc (N·T, C, 1, 1); returns {out, M_s (N·T, 1, H, W)}. Without {@code temporal} each
     * frame's mask gates that frame alone: then, in evaluation, the mask and the gate are one
     * {@link SpatialAttentionGate} op, which pools and gates a frame while it is in the core's cache.
     * With a {@code residual} (N·T, C, H, W), out is the residual block's {@code relu(F'·M_s + residual)}; with
     * {@code consumeX} as well (x dead after the call), the inference pass may write out into x's storage.
     */
    static Tensor[] gateChannelThenSpatial(Tensor x, Tensor mc, Tensor kernel, TemporalKernels temporal,
                                           Tensor residual, boolean consumeX) {
        if (FusedAttention.enabled() && temporal == null && !GradMode.isEnabled()) {              // per frame in evaluation: one op
            ConvActivation act = residual != null ? ConvActivation.RELU : ConvActivation.NONE;
            return consumeX ? SpatialAttentionGate.inferenceInPlace(x, mc, kernel, residual, act)
                    : SpatialAttentionGate.inference(x, mc, kernel, residual, act);
        }
        if (FusedAttention.enabled()) {
            Tensor pooled = Functional.channelAvgMaxPool(x, mc);                                  // (N·T, 2, H, W)
            Tensor ms = temporal == null ? mask(pooled, kernel)
                    : GradMode.isEnabled() ? SpatioTemporalMask.composed(pooled, kernel, temporal.k0(), temporal.k2(), temporal.frames())
                    : SpatioTemporalMask.inference(pooled, kernel, temporal.k0(), temporal.k2(), temporal.frames());
            return new Tensor[] {gate(x, mc, ms, residual, consumeX), ms};
        }
        Tensor fc = x.mul(mc);                                                                    // (N·T, C, H, W)
        Tensor ms = temporal == null ? spatialMask(fc, kernel)
                : SpatioTemporalMask.composed(channelPool(fc), kernel, temporal.k0(), temporal.k2(), temporal.frames());
        return new Tensor[] {addRelu(fc.mul(ms), residual), ms};
    }

    /** σ(conv_k×k(pooled)) for pooled maps (N·T, 2, H, W) and a (1, 2, k, k) kernel → (N·T, 1, H, W). */
    private static Tensor mask(Tensor pooled, Tensor kernel) {
        return Functional.conv2d(pooled, kernel, null, 1, kernel.dim(2) / 2, 1, 1).sigmoid();
    }

    /** x·mc for mc (N·T, C, 1, 1): the channel-attended features when no spatial mask follows; with a residual, relu(x·mc + residual). */
    static Tensor gateChannel(Tensor x, Tensor mc, Tensor residual, boolean consumeX) {
        return FusedAttention.enabled() ? gate(x, mc, null, residual, consumeX) : addRelu(x.mul(mc), residual);
    }

    /**
     * x·mc·ms, or {@code relu(x·mc·ms + residual)} with a residual: in inference one {@link InferenceGate} pass
     * (into x's own storage when {@code consumeX}: {@link InferenceGate#applyInPlace}), otherwise the gate op
     * followed by the add and the ReLU (the ops autograd differentiates).
     */
    private static Tensor gate(Tensor x, Tensor mc, Tensor ms, Tensor residual, boolean consumeX) {
        if (residual != null && !GradMode.isEnabled()) {
            return consumeX ? InferenceGate.applyInPlace(x, mc, ms, BroadcastGate.Combine.PRODUCT, 0, residual, ConvActivation.RELU)
                    : InferenceGate.apply(x, mc, ms, BroadcastGate.Combine.PRODUCT, 0, residual, ConvActivation.RELU);
        }
        return addRelu(Functional.gateProduct(x, mc, ms), residual);
    }

    /** y, or relu(y + residual) with a residual. */
    private static Tensor addRelu(Tensor y, Tensor residual) { return residual == null ? y : y.add(residual).relu(); }
}
