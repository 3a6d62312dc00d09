package dev.saccade.models.attention;

import dev.saccade.nn.Init;
import dev.saccade.nn.Module;
import dev.saccade.nn.inference.FoldedConv;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.nn.inference.LeadsIntoConv;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ActionChannelGates;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.PooledTemporalConv;
import dev.saccade.tensor.ops.TapSums;
import dev.saccade.tensor.autograd.GradMode;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * ACTION, the multi-path excitation of ACTION-Net (Wang, She, Smolic, CVPR 2021, §3; V-Sense/ACTION-Net
 * {@code models/action.py}, class {@code Action}), wrapping a block's first conv as child {@code net}. On {@code x}
 * (N·T, C, H, W), r = C / 16, fold = C / 8:
 * <pre>
 * xs  = action_shift(x)       depthwise Conv1d k3 over T on the (N·H·W, C, T) view, initialised to TSM's shift
 * STE : p  = σ(action_p1_conv1(mean_C(xs)))                    Conv3d 1→1, 3×3×3 over (T,H,W)      (N·T, 1, H, W)
 * CE  : q  = σ(expand(relu(Conv1d_T(squeeze(avgpool(xs))))))   C→r→C, Conv1d r→r k3 over T        (N·T, C, 1, 1)
 * ME  : m  = bn(squeeze(xs)),  d[t] = dw3×3(m)[t+1] − m[t],  d[T−1] = 0
 *       s  = σ(expand(avgpool(d)))                                                               (N·T, C, 1, 1)
 * out = net(xs·p + xs  +  xs·q + xs  +  xs·s + xs)
 * </pre>
 * With {@link FusedAttention} on (the default) the shift runs as {@code TemporalConv} directly on (N·T, C, H, W),
 * STE's channel mean through the {@code AvgMaxPool} kernel, and the three gates as one {@code BroadcastGate} pass, {@code xs·(3 + p + q + s)}; off, as the composed ops above.
 * Under no-grad (evaluation) the shift, CE's spatial mean and STE's channel mean come from one pass over x
 * ({@code PooledTemporalConv}).
 * Children are named as the official ones ({@code net}, {@code action_shift}, {@code action_p1_conv1},
 * {@code action_p2_squeeze}, {@code action_p2_conv1}, {@code action_p2_expand}, {@code action_p3_squeeze},
 * {@code action_p3_bn1}, {@code action_p3_conv1}, {@code action_p3_expand}). Extra parameters
 * {@code 0.26171875·C² + 3C + 11C/16 + 27} (see {@link AttentionCost}). In inference the block's batch norm and
 * ReLU after {@code net} fold into it ({@link LeadsIntoConv}), and ME's plane mean comes from the sums each 3×3 tap
 * reads of xs ({@link TapSums}) through the squeeze (with {@code action_p3_bn1} folded) and the depthwise kernel: ME
 * is linear up to its pooling, so neither full-resolution map is made. CE and ME then run from the pooled means
 * and the tap sums as one op ({@link ActionChannelGates}).
 *
 * <pre>{@code
 * Module conv1 = new ActionModule(Conv.conv2d(256, 64, 1, 1, 0, 1, false, rng), 8, 8, rng);
 * }</pre>
 */
public final class ActionModule extends Module implements LeadsIntoConv {
    /** Channel reduction of the CE and ME paths (hard-coded 16 in the official code). */
    public static final int REDUCTION = 16;

    private final Conv net;
    private final BatchNorm meNorm;
    private final int channels, frames, shiftDiv;
    private final FoldedConv meSqueeze, meDepthwise;   // ME's squeeze (with its BN folded) and depthwise 3×3, for inference

    /** @param net the wrapped first conv; {@code shiftDiv} is the official {@code shift_div} (8) */
    public ActionModule(Conv net, int frames, int shiftDiv, SplittableRandom rng) {
        Clips.checkFrames("ACTION", frames);
        int c = net.inChannels();
        if (c < REDUCTION) throw new IllegalArgumentException("ACTION: channels " + c + " must be ≥ " + REDUCTION);
        this.channels = c;
        this.frames = frames;
        this.shiftDiv = shiftDiv;
        int r = c / REDUCTION;
        this.net = register("net", net);
        Conv shift = register("action_shift", Conv.conv1d(c, c, 3, 1, 1, c, false, rng));
        Init.assign(shift.weight(), tsmShiftKernel(c, shiftDiv));
        register("action_p1_conv1", Conv.conv3d(1, 1, 3, 1, 1, 1, false, rng));
        register("action_p2_squeeze", Conv.conv2d(c, r, 1, 1, 0, 1, false, rng));
        register("action_p2_conv1", Conv.conv1d(r, r, 3, 1, 1, 1, false, rng));
        register("action_p2_expand", Conv.conv2d(r, c, 1, 1, 0, 1, false, rng));
        Conv squeeze = register("action_p3_squeeze", Conv.conv2d(c, r, 1, 1, 0, 1, false, rng));
        this.meNorm = register("action_p3_bn1", new BatchNorm(r));
        this.meSqueeze = FoldedConv.of(squeeze, meNorm);
        this.meDepthwise = FoldedConv.of(register("action_p3_conv1", Conv.conv2d(r, r, 3, 1, 1, r, false, rng)), null);
        register("action_p3_expand", Conv.conv2d(r, c, 1, 1, 0, 1, false, rng));
    }

    /**
     * The depthwise kernel (C, 1, 3) that makes {@code action_shift} TSM's shift: channels [0, fold) take t+1
     * (tap 2), [fold, 2·fold) take t−1 (tap 0), the rest themselves (tap 1); fold = C / shiftDiv.
     */
    public static Tensor tsmShiftKernel(int channels, int shiftDiv) {
        int fold = channels / shiftDiv;
        float[] k = new float[channels * 3];                         // (C, 1, 3)
        for (int c = 0; c < channels; c++) {
            int tap = c < fold ? 2 : c < 2 * fold ? 0 : 1;
            k[c * 3 + tap] = 1;
        }
        return Tensor.of(k, channels, 1, 3);
    }

    public Conv net() { return net; }
    public int channels() { return channels; }
    public int frames() { return frames; }
    public int shiftDiv() { return shiftDiv; }

    @Override public Tensor forward(Tensor x) { return net.forward(excite(x, frames, Weights.of(this), meNorm::forward)); }

    // ---- inference: the block folds its batch norm (and ReLU) into net, which reads the excited input

    @Override public Conv lastConv() { return net; }

    /** xs and the excited sum are x's shift and gating: (N·T, C, H, W) as x. */
    @Override public boolean convInputKeepsShape() { return true; }

    @Override public Tensor convInput(Tensor x) {
        if (!InferenceMode.active(this) || !FusedAttention.enabled()) return excite(x, frames, Weights.of(this), meNorm::forward);
        return exciteWith(x, frames, Weights.of(this), motionFromTaps());
    }

    /**
     * With the fused ops in inference: xs and the gates {@code q + s} (N·T, C, 1, 1) and p (N·T, 1, H, W), which
     * {@code net} applies as it reads xs ({@code InferenceConv.applyExcited}): the excited sum
     * {@code xs·(3 + p + q + s)} is never written.
     */
    @Override public ExcitedInput excitedConvInput(Tensor x) {
        if (!InferenceMode.active(this) || !FusedAttention.enabled()) return null;
        Excitations e = excitations(x, frames, Weights.of(this), motionFromTaps());
        return new ExcitedInput(e.xs(), e.channel(), e.p(), 3, e.inference());
    }

    /** ME from the tap sums of xs, through the prepared squeeze (its batch norm folded) and depthwise kernel. */
    private Motion motionFromTaps() {
        return new Motion() {
            @Override public Tensor mean(Tensor xs) { return motionMean(xs, frames, Weights.of(ActionModule.this), meNorm::forward); }
            @Override public Tensor[] folded(Backend backend) {
                Tensor[] squeeze = meSqueeze.foldedWeights(backend);
                return new Tensor[] {squeeze[0], squeeze[1], meDepthwise.foldedWeights(backend)[0]};
            }
        };
    }

    /** The excited sum is a new tensor (the gate's output) in both the fused and the composed form. */
    @Override public boolean ownsConvInput() { return true; }

    /**
     * The input of {@code net}: the sum of the three excited copies of the shifted {@code x}, with weights {@code w}
     * (official names) and {@code meNorm} the ME path's BatchNorm (the module's own, or a functional stand-in).
     */
    public static Tensor excite(Tensor x, int frames, Weights w, UnaryOperator<Tensor> meNorm) {
        return exciteWith(x, frames, w, xs -> motionMean(xs, frames, w, meNorm));
    }

    /** ME: its pooled difference (N·T, r, 1, 1) of xs from the maps, or its prepared weights for the fused gates. */
    @FunctionalInterface
    private interface Motion {
        Tensor mean(Tensor xs);

        /**
         * ME's squeeze with its batch norm folded, {W' (r, C, 1, 1), b' (r) or null}, and depthwise kernel (r, 1, 3, 3):
         * in evaluation, CE and ME then run from the tap sums of xs as {@link ActionChannelGates}; null: ME from the maps.
         */
        default Tensor[] folded(Backend backend) { return null; }
    }

    /**
     * ME's pooled difference as the equations read it: {@code m = bn(squeeze(xs))}, {@code d[t] = dw3×3(m)[t+1] − m[t]}
     * (zero at the last frame), averaged over the plane; xs (N·T, C, H, W) → (N·T, r, 1, 1).
     */
    private static Tensor motionMean(Tensor xs, int frames, Weights w, UnaryOperator<Tensor> meNorm) {
        Tensor m = meNorm.apply(Functional.conv2d(xs, w.get("action_p3_squeeze.weight"), null, 1, 0, 1, 1));  // (N·T, r, H, W)
        Tensor md = Functional.conv2d(m, w.get("action_p3_conv1.weight"), null, 1, 1, 1, m.dim(1));           // (N·T, r, H, W)
        return Functional.adaptiveAvgPool(Functional.frameDifferenceAction(md, m, frames), 1, 1);
    }

    /** As above, with ME's pooled difference (N·T, r, 1, 1) of xs given by {@code motion}. */
    private static Tensor exciteWith(Tensor x, int frames, Weights w, Motion motion) {
        Excitations e = excitations(x, frames, w, motion);
        Tensor xs = e.xs(), p = e.p(), q = e.q(), s = e.s();
        if (FusedAttention.enabled()) {
            Tensor out = Functional.gateSum(xs, e.channel(), p, 3);                               // xs·(3 + p + q + s), one pass
            if (e.inference()) InferenceConv.recycle(xs);                                         // the shift's output, consumed
            return out;
        }
        Tensor x1 = xs.mul(p).add(xs), x2 = xs.mul(q).add(xs), x3 = xs.mul(s).add(xs);
        return x1.add(x2).add(x3);
    }

    /**
     * The shifted input and the three excitations: xs (N·T, C, H, W), STE's p (N·T, 1, H, W), CE's q and ME's s
     * (N·T, C, 1, 1), or their sum alone ({@code qs}, from {@link ActionChannelGates}; q and s then null);
     * {@code inference} when xs came from the evaluation kernel (a fresh tensor the caller hands back).
     */
    private record Excitations(Tensor xs, Tensor p, Tensor q, Tensor s, Tensor qs, boolean inference) {
        /** q + s (N·T, C, 1, 1). */
        Tensor channel() { return qs != null ? qs : q.add(s); }
    }

    private static Excitations excitations(Tensor x, int frames, Weights w, Motion motion) {
        int n = Clips.clips("ACTION", x, frames, w.get("action_shift.weight").dim(0));
        int c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        Tensor xs, meanC, pooled, taps = null;
        boolean inference = FusedAttention.enabled() && !GradMode.isEnabled();   // xs is then handed back
        Tensor[] folded = inference ? motion.folded(x.backend()) : null;           // ME's prepared weights, or null
        if (inference) {
            // evaluation: the shift, both means (and ME's tap sums) in one pass over x (all of xs)
            Tensor[] shifted = folded != null
                    ? PooledTemporalConv.inferenceWithTaps(x, w.get("action_shift.weight"), frames)
                    : PooledTemporalConv.inference(x, w.get("action_shift.weight"), frames);
            xs = shifted[0];                                                                      // (N·T, C, H, W)
            pooled = shifted[1];                                                                  // (N·T, C, 1, 1)
            meanC = shifted[2];                                                                   // (N·T, 1, H, W)
            taps = folded != null ? shifted[3] : null;                                            // (N·T, 3, 3, C)
        } else {
            xs = learnableShift(x, n, frames, w.get("action_shift.weight"));                      // (N·T, C, H, W)
            meanC = FusedAttention.enabled()
                    ? Functional.channelAvgMaxPool(xs, null).narrow(1, 0, 1).contiguous()      // (N·T, 1, H, W), one vector pass
                    : xs.mean(true, 1);                                                           // (N·T, 1, H, W)
            pooled = Functional.adaptiveAvgPool(xs, 1, 1);                                        // (N·T, C, 1, 1)
        }

        // STE: channel mean → Conv3d over (T, H, W) → σ
        Tensor p = meanC.reshape(n, frames, 1, h, wd).permute(0, 2, 1, 3, 4).contiguous();      // (N, 1, T, H, W)
        p = Functional.conv3d(p, w.get("action_p1_conv1.weight"), null, 1, 1, 1, 1);             // (N, 1, T, H, W)
        p = p.permute(0, 2, 1, 3, 4).contiguous().reshape(n * frames, 1, h, wd).sigmoid();        // (N·T, 1, H, W)

        if (taps != null) {                                                                       // CE and ME as one op
            Tensor qs = ActionChannelGates.inference(pooled, taps, frames, h, wd, new ActionChannelGates.Weights(
                    w.get("action_p2_squeeze.weight"), w.get("action_p2_conv1.weight"), w.get("action_p2_expand.weight"),
                    folded[0], folded[1], folded[2], w.get("action_p3_expand.weight")));
            return new Excitations(xs, p, null, null, qs, inference);
        }

        // CE: avgpool → squeeze → Conv1d over T → relu → expand → σ
        Tensor q = pointwise(pooled, w.get("action_p2_squeeze.weight"));                          // (N·T, r, 1, 1)
        int r = q.dim(1);
        q = q.reshape(n, frames, r).transpose(1, 2).contiguous();                                 // (N, r, T)
        q = Functional.conv1d(q, w.get("action_p2_conv1.weight"), null, 1, 1, 1, 1).relu();      // (N, r, T)
        q = q.transpose(1, 2).contiguous().reshape(n * frames, r, 1, 1);                          // (N·T, r, 1, 1)
        q = pointwise(q, w.get("action_p2_expand.weight")).sigmoid();                              // (N·T, C, 1, 1)

        // ME: the plane mean of dw3×3(bn(squeeze(xs)))[t+1] − bn(squeeze(xs))[t] → expand → σ
        Tensor s = pointwise(motion.mean(xs), w.get("action_p3_expand.weight")).sigmoid();         // (N·T, C, 1, 1)
        return new Excitations(xs, p, q, s, null, inference);
    }

    /**
     * A 1×1 convolution without bias of pooled vectors v (M, C_in, 1, 1) by w (C_out, C_in, 1, 1): with the fused ops
     * on, the same product as a linear layer (no convolution set-up or weight packing for one pixel per image);
     * composed, the official {@code Conv2d}.
     */
    private static Tensor pointwise(Tensor v, Tensor w) {
        if (!FusedAttention.enabled()) return Functional.conv2d(v, w, null, 1, 0, 1, 1);
        int m = v.dim(0), cIn = v.dim(1), cOut = w.dim(0);
        return Functional.linear(v.reshape(m, cIn), w.reshape(cOut, cIn), null).reshape(m, cOut, 1, 1);
    }

    /**
     * action_shift: depthwise Conv1d k3, pad 1, over T. Fused: directly on (N·T, C, H, W); composed: on the
     * (N·H·W, C, T) permuted copy of x, as the official code.
     */
    static Tensor learnableShift(Tensor x, int n, int frames, Tensor kernel) {
        if (FusedAttention.enabled()) return Functional.temporalConv(x, kernel, frames);
        int c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        Tensor seq = x.reshape(n, frames, c, h, wd).permute(0, 3, 4, 2, 1).contiguous().reshape(n * h * wd, c, frames); // (N·H·W, C, T)
        Tensor shifted = Functional.conv1d(seq, kernel, null, 1, 1, 1, c);                      // (N·H·W, C, T)
        return shifted.reshape(n, h, wd, c, frames).permute(0, 4, 3, 1, 2).contiguous().reshape(n * frames, c, h, wd); // (N·T, C, H, W)
    }

    @Override public String describe() { return "Action(" + channels + ", r=" + channels / REDUCTION + ", T=" + frames + ", shift_div=" + shiftDiv + ")"; }
}
