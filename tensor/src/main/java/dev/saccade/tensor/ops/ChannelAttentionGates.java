package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;

/**
 * The channel attention of CBAM and W3 in evaluation, from a feature map's spatial average and maximum
 * {@code pooled} (2, N·T, C) (Woo et al., ECCV 2018, Eq. 2; Pérez-Rúa et al., ECCV 2020, Eq. 3–4):
 * <pre>
 * M_c-frm = σ(MLP(avg) + MLP(max)),  MLP = Linear(C, C/r) → ReLU → Linear(C/r, C), shared, with biases   (N·T, C)
 * M_c     = σ(conv1d_T(relu(conv1d_T(M_c-frm, k₀)), k₂))      W3 only: depthwise k 3 over T, zero padding, no bias
 * </pre>
 * Composed, this is a dozen small ops on vectors of a few thousand floats per block; in a model each costs far more
 * than its arithmetic (its code and metadata come back into cache after the activation passes in between), so a
 * backend runs them as one kernel. Evaluation only (no autograd).
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) {
 *     Tensor mc = ChannelAttentionGates.inference(pooled, 8, new ChannelAttentionGates.Weights(w1, b1, w2, b2, k0, k2));
 * }
 * }</pre>
 */
public final class ChannelAttentionGates {
    private ChannelAttentionGates() {}

    /**
     * @param w1 {@code mlp.0.weight} (C/r, C)
     * @param b1 {@code mlp.0.bias} (C/r)
     * @param w2 {@code mlp.2.weight} (C, C/r)
     * @param b2 {@code mlp.2.bias} (C)
     * @param k0 the first temporal kernel (C, 1, 3), or null (CBAM: no temporal part)
     * @param k2 the second temporal kernel (C, 1, 3), null exactly when k0 is
     */
    public record Weights(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor k0, Tensor k2) {}

    /** M_c (N·T, C) by the backend's kernel; refused while gradients are on. */
    public static Tensor inference(Tensor pooled, int frames, Weights w) {
        String op = "channel_attention_gates";
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        check(op, pooled, frames, w);
        long t0 = InferenceProfile.start();
        Tensor mc = InferenceProfile.stopOp(t0, op, pooled, pooled.backend().channelAttentionGates(pooled, frames, w));
        reportMacs(pooled.dim(1), pooled.dim(2), w);
        return mc;
    }

    /** The multiply-accumulates of the composed ops (two matrix products, W3's two temporal convolutions), for FLOP counts. */
    static void reportMacs(int nt, int c, Weights w) {
        int hidden = w.w1().dim(0);
        MacCounter.report("matmul", Shape.of(2 * nt, hidden), 2L * nt * c * hidden);
        MacCounter.report("matmul", Shape.of(2 * nt, c), 2L * nt * hidden * c);
        if (w.k0() == null) return;
        for (int i = 0; i < 2; i++) MacCounter.report("temporal_conv", Shape.of(nt, c, 1, 1), 3L * nt * c);
    }

    /** The definition, op by op (the reference of the kernels). */
    public static Tensor composed(Tensor pooled, int frames, Weights w) {
        check("channel_attention_gates", pooled, frames, w);
        int nt = pooled.dim(1), c = pooled.dim(2);
        Tensor hidden = Functional.linear(pooled.reshape(2 * nt, c), w.w1(), w.b1()).relu();              // (2·N·T, C/r)
        Tensor logits = Functional.linear(hidden, w.w2(), w.b2());                                       // (2·N·T, C)
        Tensor mc = logits.narrow(0, 0, nt).add(logits.narrow(0, nt, nt)).sigmoid();                       // (N·T, C)
        if (w.k0() == null) return mc;
        Tensor maps = mc.reshape(nt, c, 1, 1);
        return Functional.temporalConv(Functional.temporalConv(maps, w.k0(), frames).relu(), w.k2(), frames).sigmoid().reshape(nt, c);
    }

    static void check(String op, Tensor pooled, int frames, Weights w) {
        if (pooled.rank() != 3 || pooled.dim(0) != 2) throw new ShapeException(op + ": pooled must be (2, N·T, C), got " + pooled.shape());
        int nt = pooled.dim(1), c = pooled.dim(2);
        if (frames < 1 || nt % frames != 0) throw new ShapeException(op + ": " + nt + " frames are not clips of " + frames);
        checkWeights(op, c, w);
    }

    /** The weights' shapes against C channels: w1 (C/r, C), b1 (C/r), w2 (C, C/r), b2 (C), k0 and k2 (C, 1, 3) or neither. */
    static void checkWeights(String op, int c, Weights w) {
        int hidden = w.w1().dim(0);
        expect(op, "w1", w.w1(), hidden, c);
        expect(op, "b1", w.b1(), hidden);
        expect(op, "w2", w.w2(), c, hidden);
        expect(op, "b2", w.b2(), c);
        if ((w.k0() == null) != (w.k2() == null)) throw new IllegalArgumentException(op + ": give both temporal kernels or neither");
        if (w.k0() != null) {
            expect(op, "k0", w.k0(), c, 1, 3);
            expect(op, "k2", w.k2(), c, 1, 3);
        }
    }

    private static void expect(String op, String name, Tensor t, int... dims) {
        if (!java.util.Arrays.equals(t.shape().toArray(), dims)) {
            throw new ShapeException(op + ": " + name + " must be " + java.util.Arrays.toString(dims) + ", got " + t.shape());
        }
    }
}
