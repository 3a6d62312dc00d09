package dev.saccade.models.attention;

import dev.saccade.nn.Module;
import dev.saccade.nn.inference.ResidualEpilogue;
import dev.saccade.nn.layers.Activation;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Linear;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.AttendedChain;
import dev.saccade.tensor.ops.ChannelAttentionGates;
import java.util.SplittableRandom;

/**
 * CBAM, the convolutional block attention module (Woo, Park, Lee, Kweon, ECCV 2018, §3, Eq. 1–3), per frame on a
 * residual branch's output F (N·T, C, H, W):
 * <pre>
 * M_c = σ(MLP(avg_HW F) + MLP(max_HW F))        shared MLP C → C/16 → C, with biases      F' = M_c ⊗ F
 * M_s = σ(conv7×7([avg_C F', max_C F']))        2 → 1, pad 3, no bias                     out = M_s ⊗ F'
 * </pre>
 * With {@link FusedAttention} on (the default), F' is never written: the pooling reads F once per axis (the channel
 * pooling scales it by M_c on the way) and the output applies M_c and M_s in one pass; in evaluation M_c is one op
 * ({@code ChannelAttentionGates}) and M_s with the output another ({@code SpatialAttentionGate}, a frame pooled
 * and gated while it is in cache). In a ResNet-50 block in inference, F's avg_HW and max_HW come from the epilogue
 * of the convolution that writes F ({@link #forwardResidualRelu(Tensor, Tensor, Tensor)}).
 * This follows the paper's equations; the authors' code additionally puts a BatchNorm after the 7×7 conv and
 * concatenates [max, avg]. Keys: {@code mlp.{0,2}.{weight,bias}}, {@code spatial.weight}.
 *
 * <pre>{@code
 * Tensor y = new Cbam(256, rng).forward(f);   // f, y: (N·T, 256, H, W)
 * }</pre>
 */
public final class Cbam extends Module implements ResidualEpilogue {
    public static final int REDUCTION = 16;
    private final int channels;

    public Cbam(int channels, SplittableRandom rng) {
        if (channels < REDUCTION) throw new IllegalArgumentException("CBAM: channels " + channels + " must be ≥ " + REDUCTION);
        this.channels = channels;
        int hidden = channels / REDUCTION;
        register("mlp", new Sequential(new Linear(channels, hidden, true, rng), Activation.relu(), new Linear(hidden, channels, true, rng)));
        register("spatial", Conv.conv2d(2, 1, 7, 1, 3, 1, false, rng));
    }

    @Override public Tensor forward(Tensor x) { return attend(x, Weights.of(this)); }

    /** {@code relu(CBAM(x) + residual)}: in inference the output gate adds the shortcut and rectifies in its pass. */
    @Override public Tensor forwardResidualRelu(Tensor x, Tensor residual) { return attend(x, Weights.of(this), null, residual, false); }

    /** The fused ops pool F first (Eq. 2): the block's last convolution may hand the pooling over. */
    @Override public boolean readsSpatialPool() { return FusedAttention.enabled(); }

    /** {@code relu(CBAM(x) + residual)} with {@code [avg_HW F; max_HW F]} (2, N·T, C) of Eq. 2 given. */
    @Override public Tensor forwardResidualRelu(Tensor x, Tensor pooled, Tensor residual) {
        return attend(x, Weights.of(this), pooled, residual, false);
    }

    /** As {@link #forwardResidualRelu(Tensor, Tensor, Tensor)}, the output gate writing into x's storage. */
    @Override public Tensor forwardResidualReluConsuming(Tensor x, Tensor pooled, Tensor residual) {
        return attend(x, Weights.of(this), pooled, residual, true);
    }

    /** With the fused ops on, this module's weights for a block that attends each frame as it writes it. */
    @Override public AttendedChain.Attention frameAttention() {
        if (!FusedAttention.enabled()) return null;
        Weights w = Weights.of(this);
        return new AttendedChain.Attention(new ChannelAttentionGates.Weights(w.get("mlp.0.weight"), w.get("mlp.0.bias"),
                w.get("mlp.2.weight"), w.get("mlp.2.bias"), null, null), w.get("spatial.weight"));
    }

    /** CBAM with weights {@code w} (this module's names). */
    public static Tensor attend(Tensor x, Weights w) { return attend(x, w, null, null, false); }

    /**
     * CBAM with weights {@code w}; with {@code pooled} (2, N·T, C) the descriptors of Eq. 2 are taken from it instead
     * of from x, with a residual (N·T, C, H, W) the output is {@code relu(CBAM(x) + residual)}, written into x's
     * storage when {@code consumeX}.
     */
    private static Tensor attend(Tensor x, Weights w, Tensor pooled, Tensor residual, boolean consumeX) {
        Clips.clips("CBAM", x, 1, w.get("mlp.2.bias").dim(0));
        int nt = x.dim(0), c = x.dim(1);
        Tensor mc = FusedAttention.enabled() && !GradMode.isEnabled()                // (N·T, C), Eq. 2
                ? AttentionMaps.channelAttention(x, pooled, w, "mlp", 1, null, null)         // one op in evaluation
                : AttentionMaps.channelLogits(x, pooled, w, "mlp").sigmoid();
        // F' = M_c ⊗ F, M_s = σ(conv([avg_C F', max_C F'])) (Eq. 3), out = M_s ⊗ F'
        return AttentionMaps.gateChannelThenSpatial(x, mc.reshape(nt, c, 1, 1), w.get("spatial.weight"), null, residual, consumeX)[0];
    }

    @Override public String describe() { return "CBAM(" + channels + ", r=" + REDUCTION + ")"; }
}
