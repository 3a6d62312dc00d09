package dev.saccade.models.attention;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import java.util.List;

/** The pooled descriptors and masks shared by CBAM and W3 (Woo et al., ECCV 2018, Eq. 2–3; Pérez-Rúa et al., ECCV 2020, Eq. 3, 5). */
final class AttentionMaps {
    private AttentionMaps() {}

    /**
     * {@code MLP(avg_HW(x)) + MLP(max_HW(x))} for the shared MLP {@code Linear(C, C/r) → ReLU → Linear(C/r, C)}
     * named {@code <mlp>.0} and {@code <mlp>.2}; x (N·T, C, H, W) → (N·T, C), before the sigmoid.
     */
    static Tensor channelLogits(Tensor x, Weights w, String mlp) {
        if (FusedAttention.enabled()) {
            int nt = x.dim(0), c = x.dim(1);
            Tensor pooled = Functional.spatialAvgMaxPool(x, null).reshape(2 * nt, c);   // (2·N·T, C): [avg; max], one read
            Tensor logits = sharedMlp(pooled, w, mlp);                                 // (2·N·T, C)
            return logits.narrow(0, 0, nt).add(logits.narrow(0, nt, nt));
        }
        Tensor avg = x.mean(2, 3);                                  // (N·T, C)
        Tensor max = x.amax(false, 2, 3);                           // (N·T, C)
        return sharedMlp(avg, w, mlp).add(sharedMlp(max, w, mlp));
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
    static Tensor spatialMask(Tensor x, Tensor kernel) {
        return Functional.conv2d(channelPool(x), kernel, null, 1, kernel.dim(2) / 2, 1, 1).sigmoid();
    }

    /**
     * The spatial mask of the channel-attended F' = x·mc, {@code σ(conv7×7([avg_C F', max_C F']))}, and with it
     * {@code out = F'·M_s}: fused, F' is never written (the pooling scales x by mc on the way, the gate applies
     * mc and M_s in one pass); composed, F' is materialised and pooled as the equations read. x (N·T, C, H, W),
     * mc (N·T, C, 1, 1); returns {out, M_s (N·T, 1, H, W)}; {@code temporal} refines M_s before it gates (W3 Eq. 6).
     */
    static Tensor[] gateChannelThenSpatial(Tensor x, Tensor mc, Tensor kernel, java.util.function.UnaryOperator<Tensor> temporal) {
        int pad = kernel.dim(2) / 2;
        if (FusedAttention.enabled()) {
            Tensor pooled = Functional.channelAvgMaxPool(x, mc);                                  // (N·T, 2, H, W)
            Tensor ms = temporal.apply(Functional.conv2d(pooled, kernel, null, 1, pad, 1, 1).sigmoid());
            return new Tensor[] {Functional.gateProduct(x, mc, ms), ms};
        }
        Tensor fc = x.mul(mc);                                                                    // (N·T, C, H, W)
        Tensor ms = temporal.apply(spatialMask(fc, kernel));
        return new Tensor[] {fc.mul(ms), ms};
    }

    /** x·mc for mc (N·T, C, 1, 1): the channel-attended features when no spatial mask follows. */
    static Tensor gateChannel(Tensor x, Tensor mc) {
        return FusedAttention.enabled() ? Functional.gateProduct(x, mc, null) : x.mul(mc);
    }
}
