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
}
