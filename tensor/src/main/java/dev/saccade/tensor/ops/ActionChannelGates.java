package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;

/**
 * ACTION-Net's two channel gates in evaluation, from what the shift's pass pools of xs (Wang, She, Smolic, CVPR 2021,
 * §3.2–3.3, Eq. 4–7; V-Sense/ACTION-Net {@code models/action.py}, {@code x_p2} and {@code x_p3}): for xs
 * (N·T, C, H, W), its plane means {@code pooled} (N·T, C, 1, 1) and its {@link TapSums} {@code taps} (N·T, 3, 3, C),
 * <pre>
 * CE   q = σ(E₂ · relu(conv1d_T(S₂ · pooled)))                         S₂ (r, C), conv1d r → r, k 3 over T, E₂ (C, r)
 * ME   m_uv = W'·taps_uv + b'·|R_u|·|C_v|                               W', b': the squeeze with its batch norm folded
 *      d[t] = (Σ_uv k[·, u, v]·m_uv[t+1] − m_11[t]) / (H·W),  d[T−1] = 0     k (r, 1, 3, 3): the depthwise kernel
 *      s = σ(E₃ · d)                                                    E₃ (C, r)
 * out  = q + s                                                          (N·T, C, 1, 1)
 * </pre>
 * ME's d is the plane mean of {@code dw3×3(m)[t+1] − m[t]} for {@code m = bn(squeeze(xs))} without the maps (see
 * {@link TapSums}). The gates are what the block's first convolution multiplies xs by, with STE's map
 * ({@code xs·(3 + p + q + s)}). Composed, this is some twenty small ops on vectors of a few thousand floats; in a
 * model each costs far more than its arithmetic (its code and metadata come back into cache after the activation
 * passes between them), so a backend runs them as one kernel. Evaluation only (no autograd).
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) {
 *     Tensor qs = ActionChannelGates.inference(pooled, taps, 8, 56, 56, weights);   // (N·8, C, 1, 1)
 * }
 * }</pre>
 */
public final class ActionChannelGates {
    private ActionChannelGates() {}

    /**
     * The weights, as the official module stores them (ME's squeeze after folding its batch norm).
     *
     * @param ceSqueeze   {@code action_p2_squeeze.weight} (r, C, 1, 1)
     * @param ceTemporal  {@code action_p2_conv1.weight} (r, r, 3)
     * @param ceExpand    {@code action_p2_expand.weight} (C, r, 1, 1)
     * @param meSqueeze   W' (r, C, 1, 1): {@code action_p3_squeeze.weight} scaled by {@code action_p3_bn1}
     * @param meBias      b' (r), or null: the folded batch norm's shift
     * @param meDepthwise {@code action_p3_conv1.weight} (r, 1, 3, 3)
     * @param meExpand    {@code action_p3_expand.weight} (C, r, 1, 1)
     */
    public record Weights(Tensor ceSqueeze, Tensor ceTemporal, Tensor ceExpand, Tensor meSqueeze, Tensor meBias,
                          Tensor meDepthwise, Tensor meExpand) {}

    /** q + s by the backend's kernel; refused while gradients are on. */
    public static Tensor inference(Tensor pooled, Tensor taps, int frames, int height, int width, Weights w) {
        String op = "action_channel_gates";
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        check(op, pooled, taps, frames, height, width, w);
        long t0 = InferenceProfile.start();
        return InferenceProfile.stopOp(t0, op, pooled, pooled.backend().actionChannelGates(pooled, taps, frames, height, width, w));
    }

    /** The definition, op by op as the module's equations read (the reference of the kernels). */
    public static Tensor composed(Tensor pooled, Tensor taps, int frames, int height, int width, Weights w) {
        check("action_channel_gates", pooled, taps, frames, height, width, w);
        int nt = pooled.dim(0), c = pooled.dim(1), n = nt / frames, r = w.ceSqueeze().dim(0);
        // CE: squeeze → conv1d over T → relu → expand → σ
        Tensor q = Functional.linear(pooled.reshape(nt, c), w.ceSqueeze().reshape(r, c), null);           // (N·T, r)
        q = q.reshape(n, frames, r).transpose(1, 2).contiguous();                                        // (N, r, T)
        q = Functional.conv1d(q, w.ceTemporal(), null, 1, 1, 1, 1).relu();                               // (N, r, T)
        q = q.transpose(1, 2).contiguous().reshape(nt, r);                                               // (N·T, r)
        q = Functional.linear(q, w.ceExpand().reshape(c, r), null).sigmoid();                             // (N·T, C)
        // ME: the squeezed taps → the depthwise kernel's plane sum at t+1 minus the squeezed plane sum at t → expand → σ
        Tensor m = Functional.linear(taps.reshape(nt * 9, c), w.meSqueeze().reshape(r, c), null).reshape(nt, 9, r);
        if (w.meBias() != null) {
            double[] reads = new double[9];                                                               // |R_u|·|C_v|
            for (int u = 0; u < 3; u++) for (int v = 0; v < 3; v++) reads[3 * u + v] = TapSums.reads(u, height) * (double) TapSums.reads(v, width);
            Tensor counts = Tensor.of(reads, 9, 1).to(pooled.dtype()).to(pooled.device());
            m = m.add(counts.mul(w.meBias().reshape(1, r)));                                             // (N·T, 9, r)
        }
        Tensor filtered = m.mul(w.meDepthwise().reshape(r, 9).transpose(0, 1)).sum(1).reshape(nt, r, 1, 1);
        Tensor whole = m.narrow(1, 4, 1).reshape(nt, r, 1, 1);
        Tensor d = Functional.frameDifferenceAction(filtered, whole, frames).div((double) height * width).reshape(nt, r);
        Tensor s = Functional.linear(d, w.meExpand().reshape(c, r), null).sigmoid();                       // (N·T, C)
        return q.add(s).reshape(nt, c, 1, 1);
    }

    static void check(String op, Tensor pooled, Tensor taps, int frames, int height, int width, Weights w) {
        if (pooled.rank() != 4 || pooled.dim(2) != 1 || pooled.dim(3) != 1) {
            throw new ShapeException(op + ": pooled must be (N·T, C, 1, 1), got " + pooled.shape());
        }
        int nt = pooled.dim(0), c = pooled.dim(1);
        if (frames < 1 || nt % frames != 0) throw new ShapeException(op + ": " + nt + " frames are not clips of " + frames);
        if (height < 1 || width < 1) throw new ShapeException(op + ": plane " + height + "×" + width);
        if (taps.rank() != 4 || taps.dim(0) != nt || taps.dim(1) != 3 || taps.dim(2) != 3 || taps.dim(3) != c) {
            throw new ShapeException(op + ": taps must be (" + nt + ", 3, 3, " + c + "), got " + taps.shape());
        }
        int r = w.ceSqueeze().dim(0);
        expect(op, "ceSqueeze", w.ceSqueeze(), r, c, 1, 1);
        expect(op, "ceTemporal", w.ceTemporal(), r, r, 3);
        expect(op, "ceExpand", w.ceExpand(), c, r, 1, 1);
        expect(op, "meSqueeze", w.meSqueeze(), r, c, 1, 1);
        if (w.meBias() != null) expect(op, "meBias", w.meBias(), r);
        expect(op, "meDepthwise", w.meDepthwise(), r, 1, 3, 3);
        expect(op, "meExpand", w.meExpand(), c, r, 1, 1);
    }

    private static void expect(String op, String name, Tensor t, int... dims) {
        if (!java.util.Arrays.equals(t.shape().toArray(), dims)) {
            throw new ShapeException(op + ": " + name + " must be " + java.util.Arrays.toString(dims) + ", got " + t.shape());
        }
    }
}
