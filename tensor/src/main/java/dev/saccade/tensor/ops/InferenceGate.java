package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;

/**
 * The attention gate of {@link BroadcastGate} with a residual block's epilogue, {@code y = act(gate(x) + residual)}
 * in one pass: x (N·T, C, H, W) is the residual branch's output, {@code gate(x) = x·c·s} (PRODUCT) or
 * {@code x·(α + c + s)} (SUM) with c (N·T, C, 1, 1) and s (N·T, 1, H, W) either absent, residual (N·T, C, H, W) the
 * shortcut or absent. With both gates absent and PRODUCT it is the block's plain {@code relu(x + residual)}. The
 * composed form writes the gated tensor, the sum and the activation, one full-size tensor each; this reads x and
 * the residual once and writes y once. Evaluation only (no autograd history, like {@link InferenceConv}): training
 * runs {@link BroadcastGate}, {@code add} and {@code relu}, which compute the same function. References: Woo et al.,
 * ECCV 2018, Fig. 3 (CBAM in a ResNet block); torchvision {@code resnet.py} ({@code out += identity; relu(out)}).
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) {
 *     Tensor y = InferenceGate.apply(branch, mc, ms, BroadcastGate.Combine.PRODUCT, 0, identity, ConvActivation.RELU);
 * }
 * }</pre>
 */
public final class InferenceGate {
    private InferenceGate() {}

    /**
     * @param x        (M, C, H, W)
     * @param c        (M, C, 1, 1) or null
     * @param s        (M, 1, H, W) or null
     * @param offset   α of SUM (ignored by PRODUCT)
     * @param residual (M, C, H, W) added before the activation, or null
     * @return a new contiguous (M, C, H, W) that nothing else references
     */
    public static Tensor apply(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset, Tensor residual,
                               ConvActivation act) {
        check(x, c, s, residual);
        long t0 = InferenceProfile.start();
        return InferenceProfile.stopOp(t0, "inference_gate", x,
                x.backend().gateInference(x, c, s, combine, offset, residual, java.util.Objects.requireNonNull(act, "act")));
    }

    /**
     * {@link #apply} with x dead after the call: the backend may write y into x's own storage — x's lines are then in
     * the cache already, read just before they are overwritten, so no memory is read again to be written (a CBAM
     * output gate at 256 × 56² × 8 ran 1.28× as fast, docs/PERF.md). The caller must not read x afterwards, and
     * recycles it only when the result does not {@linkplain InferenceConv#sharesStorage share its storage}. The same
     * floats as {@link #apply}.
     *
     * <pre>{@code
     * Tensor out = InferenceGate.applyInPlace(branch, mc, ms, BroadcastGate.Combine.PRODUCT, 0, identity, ConvActivation.RELU);
     * if (!InferenceConv.sharesStorage(out, branch)) InferenceConv.recycle(branch);
     * }</pre>
     */
    public static Tensor applyInPlace(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset,
                                      Tensor residual, ConvActivation act) {
        check(x, c, s, residual);
        long t0 = InferenceProfile.start();
        return InferenceProfile.stopOp(t0, "inference_gate", x,
                x.backend().gateInferenceInPlace(x, c, s, combine, offset, residual, java.util.Objects.requireNonNull(act, "act")));
    }

    private static void check(Tensor x, Tensor c, Tensor s, Tensor residual) {
        String op = "inference_gate";
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        BroadcastGate.check(op, x, c, s);
        if (residual != null) {
            Checks.sameKind(op, x, residual);
            if (!residual.shape().equals(x.shape())) {
                throw new ShapeException(op + ": residual " + residual.shape() + " does not match the input " + x.shape());
            }
        }
    }

    /** The reference: the gate, the add and the activation as separate tensor ops. */
    public static Tensor composed(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset, Tensor residual,
                                  ConvActivation act) {
        boolean noGate = c == null && s == null && combine == BroadcastGate.Combine.PRODUCT;
        Tensor y = noGate && residual != null ? x.add(residual)                                    // (M, C, H, W)
                : residual != null ? BroadcastGate.composed(x, c, s, combine, offset).add(residual)
                : BroadcastGate.composed(x, c, s, combine, offset);
        return switch (act) {
            case NONE -> y;
            case RELU -> y.relu();
            case RELU6 -> y.relu6();
        };
    }
}
