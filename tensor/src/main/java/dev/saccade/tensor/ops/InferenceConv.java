package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;

/**
 * The inference convolution {@code y = act(conv(shift(x), w) + b + residual)}: a convolution with its batch norm
 * folded into w and b, the residual add and the activation applied in the convolution's epilogue, and TSM's shift
 * (Lin et al., ICCV 2019, §3) read in place. Evaluation only: no autograd history is recorded, so it refuses to run
 * while gradients are enabled. References: {@code torch.nn.functional.conv2d}, {@code torch.nn.utils.fusion
 * .fuse_conv_bn_eval}; ONNX Runtime {@code FusedConv} with a {@code Sum} input.
 *
 * <pre>{@code
 * PreparedConv c = x.backend().prepareConv(wFolded, bFolded, params);
 * try (var noGrad = GradMode.disable()) {
 *     Tensor y = InferenceConv.apply(x, c, identity, ConvActivation.RELU, 0, 0);
 * }
 * }</pre>
 */
public final class InferenceConv {
    private InferenceConv() {}

    /**
     * Hands {@code t} back to its backend for reuse ({@link dev.saccade.tensor.Backend#recycle}): call it only on an
     * intermediate this forward produced and nothing else holds, after its last use.
     */
    public static void recycle(Tensor t) {
        if (t != null) t.backend().recycle(t);
    }

    /**
     * @param x           (N, C_in, *spatial)
     * @param residual    (N, C_out, *out) added before the activation, or null
     * @param shiftFrames T for TSM's shift of x viewed (N/T, T, C_in, …), or 0 for none
     * @param shiftFoldDiv the shifted fraction of channels each way is {@code 1/shiftFoldDiv} (fold = C_in / div)
     */
    public static Tensor apply(Tensor x, PreparedConv c, Tensor residual, ConvActivation act, int shiftFrames,
                               int shiftFoldDiv) {
        check("inference_conv", x, c, residual, shiftFrames, shiftFoldDiv);
        long t0 = InferenceProfile.start();
        return InferenceProfile.stop(t0, "inference_conv", x, c, x.backend().convInference(x, c, residual, act, shiftFrames, shiftFoldDiv));
    }

    /**
     * {@link #apply} for a residual that is dead after this call: the backend may write the output into the
     * residual's own storage instead of a new buffer, as ONNX Runtime's NCHWc convolution accumulates into its
     * {@code Sum} input's buffer — the output's lines are then in the cache already, read as the residual, so no
     * memory is read again to be overwritten. The caller must not read the residual afterwards, and recycles it
     * only when the result does not {@linkplain #sharesStorage share its storage}. The same floats as {@link #apply}.
     *
     * <pre>{@code
     * Tensor out = InferenceConv.applyIntoResidual(h, c, shortcut, ConvActivation.RELU, 0, 0);
     * if (!InferenceConv.sharesStorage(out, shortcut)) InferenceConv.recycle(shortcut);
     * }</pre>
     *
     * @param residual (N, C_out, *out), not null; must not share storage with x
     */
    public static Tensor applyIntoResidual(Tensor x, PreparedConv c, Tensor residual, ConvActivation act, int shiftFrames,
                                           int shiftFoldDiv) {
        String op = "inference_conv";
        if (residual == null) throw new IllegalArgumentException(op + ": applyIntoResidual needs a residual");
        check(op, x, c, residual, shiftFrames, shiftFoldDiv);
        if (sharesStorage(x, residual)) {
            throw new IllegalArgumentException(op + ": the residual shares storage with the input; the output cannot be written into it");
        }
        long t0 = InferenceProfile.start();
        return InferenceProfile.stop(t0, "inference_conv", x, c, x.backend().convInferenceIntoResidual(x, c, residual, act, shiftFrames, shiftFoldDiv));
    }

    /** Whether a and b are views of one storage (an output written into its residual shares the residual's). */
    public static boolean sharesStorage(Tensor a, Tensor b) { return a.storage() == b.storage(); }

    private static void check(String op, Tensor x, PreparedConv c, Tensor residual, int shiftFrames, int shiftFoldDiv) {
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        Tensor w = c.weight();
        checkInput(op, x, c);
        if (x.dtype() != w.dtype()) throw new ShapeException(op + ": input is " + x.dtype() + ", weight " + w.dtype());
        if (shiftFrames > 0) {
            if (x.rank() != 4 || x.dim(0) % shiftFrames != 0) {
                throw new ShapeException(op + ": the temporal shift needs (N·T, C, H, W) with T=" + shiftFrames + ", got " + x.shape());
            }
            if (shiftFoldDiv < 1) throw new IllegalArgumentException(op + ": shift fold_div " + shiftFoldDiv + " must be ≥ 1");
        }
        if (residual != null) {
            if (residual.dim(0) != x.dim(0) || residual.dim(1) != w.dim(0)) {
                throw new ShapeException(op + ": residual " + residual.shape() + " does not match the output (" + x.dim(0)
                        + ", " + w.dim(0) + ", …)");
            }
        }
    }

    /**
     * One convolution of {@link #applyChain}: {@code act(conv(shift(x), w) + b)} as {@link #apply} takes it.
     *
     * @param shiftFrames  T for TSM's shift of the link's input, or 0 (a backend may run a chain only when the first
     *                     link alone shifts)
     */
    public record Link(PreparedConv conv, ConvActivation act, int shiftFrames, int shiftFoldDiv) {
        public Link {
            if (conv == null || act == null) throw new IllegalArgumentException("InferenceConv.Link: conv and act are required");
            if (shiftFrames < 0 || shiftFrames > 0 && shiftFoldDiv < 1) {
                throw new IllegalArgumentException("InferenceConv.Link: shift T=" + shiftFrames + ", fold_div " + shiftFoldDiv);
            }
        }
    }

    /**
     * Inference convolutions in a row, {@code y = link_k(… link_1(x) …)} with the residual added by the last link
     * before its activation: {@link #apply} link by link, as a unit, so that a backend may carry a few images at a
     * time through every link (the CPU does, for MobileNetV2's inverted residuals: the expanded intermediate stays in
     * the cache). The same floats as the links applied one by one. Evaluation only.
     *
     * <pre>{@code
     * Tensor y = InferenceConv.applyChain(x, List.of(
     *         new InferenceConv.Link(expand, ConvActivation.RELU6, 8, 8),
     *         new InferenceConv.Link(depthwise, ConvActivation.RELU6, 0, 0),
     *         new InferenceConv.Link(project, ConvActivation.NONE, 0, 0)), x);
     * }</pre>
     *
     * @param x        (N, C_in, *spatial), the first link's input
     * @param residual the last link's output shape, or null
     */
    public static Tensor applyChain(Tensor x, java.util.List<Link> links, Tensor residual) {
        long macs = checkChain(x, links, residual);
        long t0 = InferenceProfile.start();
        return InferenceProfile.stopChain(t0, "inference_conv_chain", x, links, macs, x.backend().convInferenceChain(x, links, residual));
    }

    /**
     * {@link #applyChain} with a residual that is dead after the call: the output may be written into the residual's
     * own storage, which may be x's (a residual block's shortcut) — the backend does so only where no link reads an
     * element after the output has overwritten it (not when the first link shifts x and the residual is x). Check
     * with {@link #sharesStorage} before recycling the residual.
     *
     * <pre>{@code
     * Tensor out = InferenceConv.applyChainIntoResidual(x, links, shortcut);
     * if (!InferenceConv.sharesStorage(out, shortcut)) InferenceConv.recycle(shortcut);
     * }</pre>
     *
     * @param residual the last link's output shape, not null
     */
    public static Tensor applyChainIntoResidual(Tensor x, java.util.List<Link> links, Tensor residual) {
        if (residual == null) throw new IllegalArgumentException("inference_conv_chain: applyChainIntoResidual needs a residual");
        long macs = checkChain(x, links, residual);
        long t0 = InferenceProfile.start();
        return InferenceProfile.stopChain(t0, "inference_conv_chain", x, links, macs, x.backend().convInferenceChainIntoResidual(x, links, residual));
    }

    /**
     * {@link #applyChain} without a residual whose last link pools its output as it stores it, as {@link #applyPooled}
     * does: {y, [mean; max] over each image's plane (2, N, C_out)}, the spatial descriptors an attention after the
     * chain reads (W3, Pérez-Rúa et al., ECCV 2020, Eq. 3). The last link has no activation. The maxes are those of
     * {@link #applyPooled}; the means may differ in the last bits (summed in another order).
     *
     * <pre>{@code
     * Tensor[] yp = InferenceConv.applyChainPooled(x, List.of(conv1, conv2, conv3NoActivation));
     * }</pre>
     */
    public static Tensor[] applyChainPooled(Tensor x, java.util.List<Link> links) {
        long macs = checkChain(x, links, null);
        if (links.getLast().act() != ConvActivation.NONE) {
            throw new IllegalArgumentException("inference_conv_chain_pooled: the last link ends with " + links.getLast().act()
                    + "; the pooled output is the convolution's own (give NONE)");
        }
        long t0 = InferenceProfile.start();
        Tensor[] yp = x.backend().convInferenceChainPooled(x, links);
        InferenceProfile.stopChain(t0, "inference_conv_chain_pooled", x, links, macs, yp[0]);
        return yp;
    }

    /**
     * What a chain's first link (a 1×1 convolution) applies to its input as it reads it: the temporal module before a
     * residual block's conv1, whose output is then never written as a tensor — {@link Excited}, ACTION-Net's three
     * gates as {@link #applyExcited} takes them, or {@link UpGated}, M2A's excitation as {@link #applyUpGated} takes it.
     */
    public sealed interface InputGate permits InputGate.Excited, InputGate.UpGated {
        /**
         * The link reads {@code x·(offset + channel + pixel)}.
         *
         * @param channel (N, C_in, 1, 1)
         * @param pixel   (N, 1, H, W)
         */
        record Excited(Tensor channel, Tensor pixel, double offset) implements InputGate {}

        /**
         * The link reads {@code x·(1 + σ(conv_up(attended)))}, behind the link's shift if it has one.
         *
         * @param attended conv_up's input, whose output under {@code up} has x's shape
         */
        record UpGated(Tensor attended, PreparedConv up) implements InputGate {}
    }

    /**
     * {@link #applyChain} (or, with {@code intoResidual}, {@link #applyChainIntoResidual}) whose first link reads x
     * through {@code gate}: {@link #applyExcited} or {@link #applyUpGated} followed by the other links, as a unit, so
     * that a backend may carry a few frames at a time through the whole residual branch of an ACTION-Net or M2A block
     * (the CPU does where the planes are large, {@link #runsDepthFirst}). The same floats as the ops one by one.
     * Evaluation only.
     *
     * <pre>{@code
     * Tensor out = InferenceConv.applyChain(xs, new InferenceConv.InputGate.Excited(channel, pixel, 3),
     *         List.of(conv1, conv2, conv3), x, true);               // ACTION: relu(conv3(conv2(conv1(xs·(3+q+s+p)))) + x)
     * }</pre>
     *
     * @param x        (N, C_in, *spatial): what the gate multiplies (ACTION's shifted xs, M2A's input)
     * @param residual the last link's output shape; not null with {@code intoResidual}
     */
    public static Tensor applyChain(Tensor x, InputGate gate, java.util.List<Link> links, Tensor residual, boolean intoResidual) {
        String op = gate instanceof InputGate.Excited ? "inference_conv_chain_excited" : "inference_conv_chain_up_gated";
        if (intoResidual && residual == null) throw new IllegalArgumentException(op + ": intoResidual needs a residual");
        long macs = checkChain(x, links, residual);
        switch (gate) {
            case InputGate.Excited e -> {
                if (links.getFirst().shiftFrames() > 0) throw new IllegalArgumentException(op + ": the gates are read without a shift");
                if (x.rank() != 4) throw new ShapeException(op + ": the gates multiply a 2-d convolution's (N, C, H, W) input, got " + x.shape());
                checkExcitation(op, x, e.channel(), e.pixel());
            }
            case InputGate.UpGated u -> macs += checkUpGate(op, x, u.attended(), u.up());
        }
        long t0 = InferenceProfile.start();
        return InferenceProfile.stopChain(t0, op, x, links, macs, x.backend().convInferenceChainGated(x, gate, links, residual, intoResidual));
    }

    /**
     * Whether x's backend runs these links depth first ({@link dev.saccade.tensor.Backend#convChainDepthFirst}): a
     * few images at a time through every link. When it does not, {@link #applyChain} would run them link by link, as
     * a caller may itself.
     */
    public static boolean runsDepthFirst(Tensor x, java.util.List<Link> links) {
        return !links.isEmpty() && x.backend().convChainDepthFirst(x, links);
    }

    /** The checks of {@link #applyChain}; returns the chain's multiply-adds. */
    static long checkChain(Tensor x, java.util.List<Link> links, Tensor residual) {
        String op = "inference_conv_chain";
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        if (links.isEmpty()) throw new IllegalArgumentException(op + ": no links");
        int[] shape = x.shape().toArray();
        long macs = 0;
        for (int i = 0; i < links.size(); i++) {
            Link l = links.get(i);
            Tensor w = l.conv().weight();
            String where = op + " link " + i;
            if (shape.length != w.rank()) throw new ShapeException(where + ": input (" + java.util.Arrays.toString(shape) + ") and weight " + w.shape() + " differ in rank");
            if (shape[1] != w.dim(1) * l.conv().params().groups()) {
                throw new ShapeException(where + ": input has " + shape[1] + " channels, weight " + w.shape() + " with groups="
                        + l.conv().params().groups() + " expects " + w.dim(1) * l.conv().params().groups());
            }
            if (w.dtype() != x.dtype()) throw new ShapeException(where + ": input is " + x.dtype() + ", weight " + w.dtype());
            if (l.shiftFrames() > 0 && (shape.length != 4 || shape[0] % l.shiftFrames() != 0)) {
                throw new ShapeException(where + ": the temporal shift needs (N·T, C, H, W) with T=" + l.shiftFrames());
            }
            int[] next = shape.clone();
            next[1] = w.dim(0);
            for (int a = 2; a < shape.length; a++) next[a] = l.conv().params().outputSize(a - 2, shape[a], w.dim(a));
            shape = next;
            long outputs = 1;
            for (int d : next) outputs *= d;
            macs += outputs * (w.numel() / w.dim(0));
        }
        if (residual != null && !java.util.Arrays.equals(residual.shape().toArray(), shape)) {
            throw new ShapeException(op + ": residual " + residual.shape() + " is not the output's shape " + java.util.Arrays.toString(shape));
        }
        return macs;
    }

    /** x against the prepared weight: the same rank, and the channels the weight and its groups expect. */
    /**
     * The checks of the ops that take a 2-d convolution's input: evaluation only (gradients off), x (N, C, H, W)
     * matching the weight's channels and dtype. Returns the weight.
     */
    private static Tensor evaluation2d(String op, Tensor x, PreparedConv c) {
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        Tensor w = c.weight();
        if (x.rank() != 4) throw new ShapeException(op + ": needs a 2-d convolution's (N, C, H, W) input, got " + x.shape());
        checkInput(op, x, c);
        if (x.dtype() != w.dtype()) throw new ShapeException(op + ": input is " + x.dtype() + ", weight " + w.dtype());
        return w;
    }

    private static void checkInput(String op, Tensor x, PreparedConv c) {
        Tensor w = c.weight();
        if (x.rank() != w.rank()) throw new ShapeException(op + ": input " + x.shape() + " and weight " + w.shape() + " differ in rank");
        if (x.dim(1) != w.dim(1) * c.params().groups()) {
            throw new ShapeException(op + ": input " + x.shape() + " has " + x.dim(1) + " channels, weight " + w.shape()
                    + " with groups=" + c.params().groups() + " expects " + w.dim(1) * c.params().groups());
        }
    }

    /**
     * {@code y = gate·(1 + σ(conv(x, w) + b))}: the convolution followed by {@link Functional#sigmoidGate} with offset
     * 1, M2A's {@code x·σ(conv_up(y')) + x} (Gebotys et al., arXiv 2111.09976, §3; gebob19/M2A {@code M2A.forward}),
     * with the gate applied as the convolution's output is stored. Evaluation only.
     *
     * @param x    (N, C_in, *spatial)
     * @param gate (N, C_out, *out), the shape of the convolution's output
     */
    public static Tensor applyGated(Tensor x, PreparedConv c, Tensor gate) {
        String op = "inference_conv_gated";
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        Tensor w = c.weight();
        checkInput(op, x, c);
        if (x.dtype() != w.dtype() || gate.dtype() != w.dtype()) {
            throw new ShapeException(op + ": input is " + x.dtype() + ", gate " + gate.dtype() + ", weight " + w.dtype());
        }
        int[] out = new int[x.rank() - 2];
        for (int i = 0; i < out.length; i++) out[i] = c.params().outputSize(i, x.dim(i + 2), w.dim(i + 2));
        boolean same = gate.rank() == x.rank() && gate.dim(0) == x.dim(0) && gate.dim(1) == w.dim(0);
        for (int i = 0; same && i < out.length; i++) same = gate.dim(i + 2) == out[i];
        if (!same) throw new ShapeException(op + ": gate " + gate.shape() + " is not the output's shape (" + x.dim(0) + ", " + w.dim(0) + ", " + java.util.Arrays.toString(out) + ")");
        long t0 = InferenceProfile.start();
        return InferenceProfile.stop(t0, "inference_conv_gated", x, c, x.backend().convInferenceGated(x, c, gate));
    }

    /**
     * {@code y = act(conv(shift(u), w) + b + residual)} where u is M2A's excitation {@code x·(1 + σ(conv_up(attended)))}
     * (Gebotys et al., arXiv 2111.09976, §3; gebob19/M2A {@code make_temporal_shift}: a block's
     * {@code Sequential(M2A, TemporalShift, conv1)}): {@link #applyGated}{@code (attended, up, x)} followed by
     * {@link #apply}, as a unit, so that a backend may compute u as the convolution reads it and never write it (the
     * CPU does when both convolutions are 1×1 stride-1 and ungrouped, with the same floats). Evaluation only.
     *
     * <pre>{@code
     * Tensor y = InferenceConv.applyUpGated(x, attended, convUp, conv1, null, ConvActivation.RELU, 8, 8);
     * }</pre>
     *
     * @param x        (N, C, *spatial), M2A's input: the gate, and u's shape
     * @param attended conv_up's input, whose output under {@code up} has x's shape
     * @param shiftFrames T for TSM's shift of u, or 0 for none
     */
    public static Tensor applyUpGated(Tensor x, Tensor attended, PreparedConv up, PreparedConv c, Tensor residual,
                                      ConvActivation act, int shiftFrames, int shiftFoldDiv) {
        String op = "inference_conv_up_gated";
        check(op, x, c, residual, shiftFrames, shiftFoldDiv);
        long upMacs = checkUpGate(op, x, attended, up);
        long t0 = InferenceProfile.start();
        return InferenceProfile.stop(t0, "inference_conv_up_gated", x, c, upMacs,
                x.backend().convInferenceUpGated(x, attended, up, c, residual, act, shiftFrames, shiftFoldDiv));
    }

    /** conv_up's input against its weight and x's shape (u = x·(1 + σ(conv_up(attended))) has x's shape); its MACs. */
    private static long checkUpGate(String op, Tensor x, Tensor attended, PreparedConv up) {
        checkInput(op, attended, up);
        Tensor wu = up.weight();
        if (attended.dtype() != wu.dtype() || x.dtype() != wu.dtype()) {
            throw new ShapeException(op + ": conv_up's input is " + attended.dtype() + ", its weight " + wu.dtype() + ", x " + x.dtype());
        }
        boolean same = x.rank() == attended.rank() && x.dim(0) == attended.dim(0) && x.dim(1) == wu.dim(0);
        for (int i = 0; same && i < x.rank() - 2; i++) same = x.dim(i + 2) == up.params().outputSize(i, attended.dim(i + 2), wu.dim(i + 2));
        if (!same) throw new ShapeException(op + ": conv_up maps " + attended.shape() + " by " + wu.shape() + " to another shape than x " + x.shape());
        return x.numel() * (wu.numel() / wu.dim(0));
    }

    /** ACTION's gates against x (N, C, H, W): channel (N, C, 1, 1), pixel (N, 1, H, W). */
    private static void checkExcitation(String op, Tensor x, Tensor channel, Tensor pixel) {
        int n = x.dim(0), cIn = x.dim(1), h = x.dim(2), wd = x.dim(3);
        if (channel.rank() != 4 || channel.dim(0) != n || channel.dim(1) != cIn || channel.dim(2) != 1 || channel.dim(3) != 1) {
            throw new ShapeException(op + ": channel gate " + channel.shape() + " is not (" + n + ", " + cIn + ", 1, 1)");
        }
        if (pixel.rank() != 4 || pixel.dim(0) != n || pixel.dim(1) != 1 || pixel.dim(2) != h || pixel.dim(3) != wd) {
            throw new ShapeException(op + ": pixel gate " + pixel.shape() + " is not (" + n + ", 1, " + h + ", " + wd + ")");
        }
    }

    /**
     * {@code y = act(conv(x·(offset + channel + pixel), w) + b + residual)}: the convolution of a gated input,
     * {@link Functional#gateSum} followed by {@link #apply}, ACTION-Net's wrapped convolution reading the sum of its
     * three excitations {@code xs·(3 + q + s + p)} (Wang, She, Smolic, CVPR 2021, Eq. 2; V-Sense/ACTION-Net
     * {@code models/action.py}). A backend may apply the gates as it reads x, so that the gated tensor is never
     * written (the CPU does for 1×1 stride-1 convolutions, with the same floats). Evaluation only.
     *
     * @param x       (N, C_in, H, W)
     * @param channel (N, C_in, 1, 1), the per-channel term
     * @param pixel   (N, 1, H, W), the per-pixel term
     */
    public static Tensor applyExcited(Tensor x, PreparedConv c, Tensor channel, Tensor pixel, double offset, Tensor residual,
                                      ConvActivation act) {
        String op = "inference_conv_excited";
        Tensor w = evaluation2d(op, x, c);
        checkExcitation(op, x, channel, pixel);
        int n = x.dim(0);
        if (residual != null && (residual.dim(0) != n || residual.dim(1) != w.dim(0))) {
            throw new ShapeException(op + ": residual " + residual.shape() + " does not match the output (" + n + ", " + w.dim(0) + ", …)");
        }
        long t0 = InferenceProfile.start();
        return InferenceProfile.stop(t0, op, x, c, x.backend().convInferenceExcited(x, c, channel, pixel, offset, residual, act));
    }

    /**
     * {@code y = conv(x, w) + b} and {@code pooled = [mean, max]} of y over H·W per (image, channel), the input of a
     * channel attention's shared MLP (CBAM, Woo et al., ECCV 2018, Eq. 2; W3, Pérez-Rúa et al., ECCV 2020, Eq. 3):
     * the convolution followed by {@link Functional#spatialAvgMaxPool}, which a backend may compute as the
     * convolution stores y, so that y is not read a second time. The maxes are those of the separate op; the means
     * may differ from it in the last bits (another summation order). Evaluation only.
     *
     * @param x (N, C_in, H, W)
     * @return {y (N, C_out, H', W'), pooled (2, N, C_out)}
     */
    public static Tensor[] applyPooled(Tensor x, PreparedConv c) {
        evaluation2d("inference_conv_pooled", x, c);
        long t0 = InferenceProfile.start();
        Tensor[] out = x.backend().convInferencePooled(x, c);
        InferenceProfile.stop(t0, "inference_conv_pooled", x, c, out[0]);
        return out;
    }
}
