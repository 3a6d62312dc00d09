package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;

/**
 * ACTION-Net's learnable shift with the two averages its excitation paths take of the result, in one pass
 * (Wang, She, Smolic, CVPR 2021, §3; V-Sense/ACTION-Net {@code models/action.py}): for x (N·T, C, H, W) and
 * w (C, 1, 3),
 * <pre>
 * xs      = temporal_conv(x, w)                     {@link TemporalConv}, the shift         (N·T, C, H, W)
 * spatial = mean over (H, W) of xs                  CE's avg_pool2d input               (N·T, C, 1, 1)
 * channel = mean over C of xs                       STE's x.mean(1, keepdim=True)        (N·T, 1, H, W)
 * </pre>
 * {@link #inference} runs the backend's kernel: x read once, xs written once, both means taken on the way (the
 * composed form reads xs twice more). Evaluation only; {@link #composed} is the reference it is tested against.
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) {
 *     Tensor[] r = PooledTemporalConv.inference(x, shiftWeight, 8);   // {xs, spatial, channel}
 * }
 * }</pre>
 */
public final class PooledTemporalConv {
    private PooledTemporalConv() {}

    /** {xs, spatial mean, channel mean} by the backend's kernel; refused while gradients are on. */
    public static Tensor[] inference(Tensor x, Tensor w, int frames) {
        String op = "pooled_temporal_conv";
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        TemporalConv.check(op, x, w, frames);
        long t0 = InferenceProfile.start();
        Tensor[] out = x.backend().pooledTemporalConv(x, w, frames);
        InferenceProfile.stopOp(t0, op, x, out[0]);
        MacCounter.report("temporal_conv", out[0].shape(), 3L * out[0].numel());   // as TemporalConv counts it
        return out;
    }

    /**
     * {xs, spatial mean, channel mean, tap sums of xs (N·T, 3, 3, C)}: {@link #inference} and {@link TapSums} of
     * its xs, by the backend's kernel (ACTION's motion excitation in evaluation needs only these of xs); refused while
     * gradients are on.
     */
    public static Tensor[] inferenceWithTaps(Tensor x, Tensor w, int frames) {
        String op = "pooled_temporal_conv";
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        TemporalConv.check(op, x, w, frames);
        long t0 = InferenceProfile.start();
        Tensor[] out = x.backend().pooledTemporalConvTaps(x, w, frames);
        InferenceProfile.stopOp(t0, op, x, out[0]);
        MacCounter.report("temporal_conv", out[0].shape(), 3L * out[0].numel());
        return out;
    }

    /** The same from {@link Functional#temporalConv}, {@link Functional#adaptiveAvgPool} and a mean over C. */
    public static Tensor[] composed(Tensor x, Tensor w, int frames) {
        TemporalConv.check("pooled_temporal_conv", x, w, frames);
        Tensor xs = Functional.temporalConv(x, w, frames);
        return new Tensor[] {xs, Functional.adaptiveAvgPool(xs, 1, 1), xs.mean(true, 1)};
    }
}
