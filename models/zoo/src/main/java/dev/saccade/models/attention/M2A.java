package dev.saccade.models.attention;

import dev.saccade.nn.Module;
import dev.saccade.nn.inference.ExcitesThroughConv;
import dev.saccade.nn.inference.FoldedConv;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.nn.inference.LeadsIntoConv.UpGatedInput;
import dev.saccade.nn.inference.OwnsOutput;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.MotionAttention;
import java.util.SplittableRandom;

/**
 * M2A, motion-aware attention (Gebotys, Wong, Clausi, arXiv 2111.09976, §3; gebob19/M2A {@code ops/temporal_shift.py},
 * classes {@code M2A} + {@code CustomMotionAttention} + {@code Motion}, built with {@code --temporal_module motion+attn}).
 * On {@code x} (N·T, C, H, W), with r = C / 8 and E = r·H·W:
 * <pre>
 * y   = conv_down(x)                          1×1, C → r, bias          (N·T, r, H, W)
 * ŷ   = layer_norm(y) per frame over (r,H,W), no affine, ε = 1e-5
 * m   = ŷ[t+1] − ŷ[t],  m[T−1] = −ŷ[T−1]      motion
 * A   = softmax(m mᵀ / √E) over frames        (N, T, T), no projections, one head
 * y'  = A m + y                               residual onto the un-normalised y
 * out = x·σ(conv_up(y')) + x                  1×1, r → C, bias
 * </pre>
 * With {@link FusedAttention} on (the default) the lines from the layer norm to {@code A m + y} are one op, forward
 * and backward ({@link MotionAttention#fused}), and the last line is one {@code SigmoidGate} pass; in inference the two
 * 1×1 convolutions run prepared ({@link FoldedConv} without a batch norm) and the gate is applied by conv_up as it
 * stores its output ({@code InferenceConv.applyGated}: z is never written), and the lines from the layer norm to
 * {@code A m + y} run as one kernel ({@link MotionAttention#inference}). Inside a ResNet block the block's conv1
 * takes the output as its parts ({@link #upGatedOutput}) and computes it as it reads its input, conv_up and the gate
 * included ({@code InferenceConv.applyUpGated}): out is never written either.
 * Parameters are named as the official module's ({@code conv_down.weight/bias}, {@code conv_up.weight/bias}), so its
 * state dict loads as is. Extra parameters: {@code C²/4 + 9C/8} (see {@link AttentionCost}).
 *
 * <pre>{@code
 * M2A m2a = new M2A(64, 8, new SplittableRandom(0));
 * Tensor y = m2a.forward(x);                          // x, y: (N·8, 64, H, W)
 * }</pre>
 */
public final class M2A extends Module implements OwnsOutput, ExcitesThroughConv {
    /** Channel reduction of conv_down, {@code n_div} in the official code ({@code --shift_div 8}). */
    public static final int REDUCTION = 8;
    private static final double LAYER_NORM_EPS = 1e-5;

    private final int channels, frames;
    private final FoldedConv down, up;            // conv_down and conv_up prepared once for inference

    public M2A(int channels, int frames, SplittableRandom rng) {
        Clips.checkFrames("M2A", frames);
        if (channels < REDUCTION) throw new IllegalArgumentException("M2A: channels " + channels + " must be ≥ " + REDUCTION);
        this.channels = channels;
        this.frames = frames;
        int r = channels / REDUCTION;
        down = FoldedConv.of(register("conv_down", Conv.conv2d(channels, r, 1, 1, 0, 1, true, rng)), null);
        up = FoldedConv.of(register("conv_up", Conv.conv2d(r, channels, 1, 1, 0, 1, true, rng)), null);
    }

    public int channels() { return channels; }
    public int frames() { return frames; }

    @Override public Tensor forward(Tensor x) {
        if (InferenceMode.active(this)) return exciteInference(x);
        return excite(x, frames, Weights.of(this));
    }

    /**
     * {@link #excite} in inference: conv_down and conv_up run as prepared inference convolutions (weights packed
     * once, the bias in the epilogue, outputs from the backend's pool), their outputs recycled once consumed.
     */
    private Tensor exciteInference(Tensor x) {
        UpGatedInput parts = upGatedOutput(x);
        if (parts != null) {
            Tensor out = up.forwardGated(parts.attended(), x);                 // x·σ(conv_up(·)) + x, in its store
            InferenceConv.recycle(parts.attended());
            return out;
        }
        Clips.clips("M2A", x, frames, channels);
        Tensor y = down.forward(x, null, ConvActivation.NONE);                  // (N·T, r, H, W)
        Tensor attended = motionAttention(y, frames).add(y);                     // (N·T, r, H, W)
        InferenceConv.recycle(y);
        Tensor z = up.forward(attended, null, ConvActivation.NONE);            // (N·T, C, H, W)
        Tensor out = x.mul(z.sigmoid()).add(x);
        InferenceConv.recycle(z);
        return out;
    }

    /**
     * In inference with the fused ops: conv_down, then the lines from the layer norm to {@code A m + y} as one kernel,
     * and the output left as its parts — {@code x·(1 + σ(conv_up(attended)))} — for the convolution that reads it
     * (the block's conv1 computes it as it packs its input: {@code InferenceConv.applyUpGated}), or for
     * {@link #forward}'s gated conv_up. Null otherwise.
     */
    @Override public UpGatedInput upGatedOutput(Tensor x) {
        if (!InferenceMode.active(this) || !FusedAttention.enabled()) return null;
        Clips.clips("M2A", x, frames, channels);
        Tensor y = down.forward(x, null, ConvActivation.NONE);                  // (N·T, r, H, W)
        Tensor attended = MotionAttention.inference(y, frames, LAYER_NORM_EPS);  // (N·T, r, H, W)
        InferenceConv.recycle(y);
        return new UpGatedInput(x, attended, up);
    }

    /** The gated output is a new tensor (fused or composed), so a following conv may recycle it. */
    @Override public boolean ownsInferenceOutput() { return InferenceMode.active(this); }

    /** The M2A output {@code x·σ(z) + x} with the weights {@code w} (official names). */
    public static Tensor excite(Tensor x, int frames, Weights w) {
        Clips.clips("M2A", x, frames, w.get("conv_down.weight").dim(1));
        Tensor y = Functional.conv2d(x, w.get("conv_down.weight"), w.get("conv_down.bias"), 1, 0, 1, 1); // (N·T, r, H, W)
        Tensor attended = FusedAttention.enabled() ? MotionAttention.fused(y, frames, LAYER_NORM_EPS)     // A m + y, one op
                : motionAttention(y, frames).add(y);                                                     // (N·T, r, H, W)
        Tensor z = Functional.conv2d(attended, w.get("conv_up.weight"), w.get("conv_up.bias"), 1, 0, 1, 1); // (N·T, C, H, W)
        return FusedAttention.enabled() ? Functional.sigmoidGate(x, z, 1) : x.mul(z.sigmoid()).add(x);
    }

    /**
     * {@code CustomMotionAttention} without its residual: softmax(m mᵀ/√E) m for the motion m of the per-frame
     * layer-normalised {@code y} (N·T, r, H, W) ({@link MotionAttention#attention}, differentiable).
     */
    static Tensor motionAttention(Tensor y, int frames) { return MotionAttention.attention(y, frames, LAYER_NORM_EPS); }

    @Override public String describe() { return "M2A(" + channels + ", r=" + channels / REDUCTION + ", T=" + frames + ")"; }
}
