package dev.saccade.models.attention;

import dev.saccade.nn.Module;
import dev.saccade.nn.inference.ResidualEpilogue;
import dev.saccade.nn.layers.Activation;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Linear;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.Functional;
import java.util.SplittableRandom;

/**
 * W3 attention, "what, where and when" (Pérez-Rúa et al., ECCV 2020, §3.1–3.2, Eq. 3–6), on a residual branch's
 * output F (N·T, C, H, W):
 * <pre>
 * channel-temporal  M_c-frm = σ(MLP(avg_HW F) + MLP(max_HW F))          MLP C → C/16 → C, shared, with biases  (N, T, C)
 *                   M_c     = σ(conv1d(relu(conv1d(M_c-frm))))           depthwise k3 over T, no bias
 *                   F_c     = M_c ⊗ F
 * spatio-temporal   M_s-frm = σ(conv7×7([avg_C F_c, max_C F_c]))         2 → 1, pad 3, no bias                 (N, T, 1, H, W)
 *                   M_s     = σ(conv3d(relu(conv3d(M_s-frm))))           3×3×3 over (T, H, W), 1 → 1, no bias
 *                   out     = M_s ⊗ F_c                                  (multiplicative, Eq. 1)
 * </pre>
 * With {@link FusedAttention} on (the default), avg+max pooling reads F once per axis, F_c is never written (the
 * channel pooling scales F by M_c on the way, the output applies M_c and M_s in one pass) and the depthwise temporal
 * convolutions run on (N·T, C, 1, 1) without transposes; in evaluation M_c (Eq. 3–4) is one op
 * ({@code ChannelAttentionGates}), and so is M_s (Eq. 5–6) from the channel-pooled maps ({@code SpatioTemporalMask}).
 * In a ResNet-50 block in inference, F's avg_HW and max_HW
 * come from the epilogue of the convolution that writes F ({@link #forwardResidualRelu(Tensor, Tensor, Tensor)}).
 * Where the paper is silent saccade chooses (and the golden re-statement in {@code scripts/make_attention_goldens.py}
 * follows): reduction 16 and MLP biases as in CBAM, which W3 extends; depthwise temporal convs (the paper's "each
 * channel dimension", and a dense C→C pair would add 6C² parameters); ReLU between the two temporal convs; no bias
 * in the convolutions. Ablations: {@code spatial = false} drops the spatio-temporal part (output F_c, no mask);
 * {@code temporal = false} drops both temporal convs pairs (M_c = M_c-frm, M_s = M_s-frm), which leaves CBAM.
 * The last spatio-temporal mask M_s (N·T, 1, H, W), still attached to the graph, feeds the attention-guided
 * feature refinement ({@link AttentionGuidedRefinement}).
 * Keys: {@code channel.mlp.{0,2}.{weight,bias}}, {@code channel.temporal.{0,2}.weight}, {@code spatial.conv.weight},
 * {@code spatial.temporal.{0,2}.weight}.
 *
 * <pre>{@code
 * W3Attention w3 = new W3Attention(256, 8, true, true, rng);
 * Tensor y = w3.forward(f);            // f, y: (N·8, 256, H, W)
 * Tensor mask = w3.lastSpatialMask();  // (N·8, 1, H, W)
 * }</pre>
 */
public final class W3Attention extends Module implements ResidualEpilogue {
    /** MLP reduction ratio r (CBAM's 16). */
    public static final int REDUCTION = 16;
    /** Kernel of the frame-level spatial conv. */
    public static final int SPATIAL_KERNEL = 7;

    private final int channels, frames;
    private final boolean spatial, temporal;
    /**
     * M_s of this thread's last forward pass. Per thread, so that one model serves several threads at once: the AFR of
     * the same forward (same thread) reads the mask its own pass wrote, never another thread's.
     */
    private final ThreadLocal<Tensor> lastMask = new ThreadLocal<>();

    /** The attended features and the spatio-temporal mask (null without the spatial part). */
    public record Output(Tensor features, Tensor spatialMask) {}

    public W3Attention(int channels, int frames, boolean spatial, boolean temporal, SplittableRandom rng) {
        Clips.checkFrames("W3", frames);
        if (channels < REDUCTION) throw new IllegalArgumentException("W3: channels " + channels + " must be ≥ " + REDUCTION);
        this.channels = channels;
        this.frames = frames;
        this.spatial = spatial;
        this.temporal = temporal;
        int hidden = channels / REDUCTION;
        Container channel = register("channel", new Container());
        channel.add("mlp", new Sequential(new Linear(channels, hidden, true, rng), Activation.relu(), new Linear(hidden, channels, true, rng)));
        if (temporal) {
            channel.add("temporal", new Sequential(Conv.conv1d(channels, channels, 3, 1, 1, channels, false, rng), Activation.relu(),
                    Conv.conv1d(channels, channels, 3, 1, 1, channels, false, rng)));
        }
        if (spatial) {
            Container sp = register("spatial", new Container());
            sp.add("conv", Conv.conv2d(2, 1, SPATIAL_KERNEL, 1, SPATIAL_KERNEL / 2, 1, false, rng));
            if (temporal) {
                sp.add("temporal", new Sequential(Conv.conv3d(1, 1, 3, 1, 1, 1, false, rng), Activation.relu(), Conv.conv3d(1, 1, 3, 1, 1, 1, false, rng)));
            }
        }
    }

    public int channels() { return channels; }
    public int frames() { return frames; }
    public boolean hasSpatial() { return spatial; }
    public boolean hasTemporal() { return temporal; }

    /**
     * M_s of the calling thread's last forward pass (N·T, 1, H, W); an error before any forward pass on this thread or
     * without the spatial part.
     */
    public Tensor lastSpatialMask() {
        if (!spatial) throw new IllegalStateException("W3 built without spatial attention (w3.spatial=false) has no spatial mask");
        Tensor mask = lastMask.get();
        if (mask == null) throw new IllegalStateException("W3: no spatial mask yet; run forward first");
        return mask;
    }

    @Override public Tensor forward(Tensor x) {
        Output out = attend(x, frames, Weights.of(this), spatial, temporal);
        lastMask.set(out.spatialMask());
        return out.features();
    }

    /** {@code relu(W3(x) + residual)}: in inference the output gate adds the shortcut and rectifies in its pass. */
    @Override public Tensor forwardResidualRelu(Tensor x, Tensor residual) {
        Output out = attend(x, frames, Weights.of(this), spatial, temporal, null, residual, false);
        lastMask.set(out.spatialMask());
        return out.features();
    }

    /** The fused ops pool F first (Eq. 3): the block's last convolution may hand the pooling over. */
    @Override public boolean readsSpatialPool() { return FusedAttention.enabled(); }

    /** {@code relu(W3(x) + residual)} with {@code [avg_HW F; max_HW F]} (2, N·T, C) of Eq. 3 given. */
    @Override public Tensor forwardResidualRelu(Tensor x, Tensor pooled, Tensor residual) {
        Output out = attend(x, frames, Weights.of(this), spatial, temporal, pooled, residual, false);
        lastMask.set(out.spatialMask());
        return out.features();
    }

    /** As {@link #forwardResidualRelu(Tensor, Tensor, Tensor)}, the output gate writing into x's storage. */
    @Override public Tensor forwardResidualReluConsuming(Tensor x, Tensor pooled, Tensor residual) {
        Output out = attend(x, frames, Weights.of(this), spatial, temporal, pooled, residual, true);
        lastMask.set(out.spatialMask());
        return out.features();
    }

    /** The W3 output and mask with weights {@code w} (names as this module's). */
    public static Output attend(Tensor x, int frames, Weights w, boolean spatial, boolean temporal) {
        return attend(x, frames, w, spatial, temporal, null, null, false);
    }

    /**
     * As {@link #attend(Tensor, int, Weights, boolean, boolean)}; with {@code pooled} (2, N·T, C) the channel
     * descriptors of Eq. 3 are taken from it instead of from x, with a residual the features are
     * {@code relu(W3(x) + residual)}, written into x's storage when {@code consumeX}.
     */
    private static Output attend(Tensor x, int frames, Weights w, boolean spatial, boolean temporal, Tensor pooled,
                                 Tensor residual, boolean consumeX) {
        int n = Clips.clips("W3", x, frames, w.get("channel.mlp.2.bias").dim(0));
        int nt = x.dim(0), c = x.dim(1);

        Tensor mc;                                                                                // (N·T, C)
        if (FusedAttention.enabled() && !GradMode.isEnabled()) {                                  // Eq. 3–4 as one op
            mc = AttentionMaps.channelAttention(x, pooled, w, "channel.mlp", frames,
                    temporal ? w.get("channel.temporal.0.weight") : null, temporal ? w.get("channel.temporal.2.weight") : null);
        } else {
            mc = AttentionMaps.channelLogits(x, pooled, w, "channel.mlp").sigmoid();             // M_c-frm, Eq. 3
            if (temporal) mc = channelTemporal(mc, n, frames, w);                                // M_c, Eq. 4
        }
        Tensor mc4 = mc.reshape(nt, c, 1, 1);
        if (!spatial) return new Output(AttentionMaps.gateChannel(x, mc4, residual, consumeX), null);                 // F_c = M_c ⊗ F

        // M_s-frm = σ(conv([avg_C F_c, max_C F_c])) (Eq. 5), M_s (Eq. 6), out = M_s ⊗ F_c
        Tensor[] gated = AttentionMaps.gateChannelThenSpatial(x, mc4, w.get("spatial.conv.weight"), temporal
                ? new AttentionMaps.TemporalKernels(w.get("spatial.temporal.0.weight"), w.get("spatial.temporal.2.weight"), frames)
                : null, residual, consumeX);
        return new Output(gated[0], gated[1]);
    }

    /** σ(conv1d(relu(conv1d(M_c-frm)))) depthwise over T; mc (N·T, C) → (N·T, C). */
    private static Tensor channelTemporal(Tensor mc, int n, int frames, Weights w) {
        int nt = mc.dim(0), c = mc.dim(1);
        Tensor k0 = w.get("channel.temporal.0.weight"), k2 = w.get("channel.temporal.2.weight");
        if (FusedAttention.enabled()) {                                                           // on (N·T, C, 1, 1), no transposes
            Tensor maps = mc.reshape(nt, c, 1, 1);
            return Functional.temporalConv(Functional.temporalConv(maps, k0, frames).relu(), k2, frames).sigmoid().reshape(nt, c);
        }
        Tensor seq = mc.reshape(n, frames, c).transpose(1, 2).contiguous();                       // (N, C, T)
        seq = Functional.conv1d(seq, k0, null, 1, 1, 1, c).relu();
        seq = Functional.conv1d(seq, k2, null, 1, 1, 1, c).sigmoid();
        return seq.transpose(1, 2).contiguous().reshape(nt, c);                                   // (N·T, C)
    }

    @Override public String describe() {
        return "W3(" + channels + ", T=" + frames + (spatial ? "" : ", no spatial") + (temporal ? "" : ", no temporal") + ")";
    }
}
