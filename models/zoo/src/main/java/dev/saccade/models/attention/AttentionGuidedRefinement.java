package dev.saccade.models.attention;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * W3's attention-guided feature refinement, AFR (Pérez-Rúa et al., ECCV 2020, §3.3, Eq. 7–8, Fig. 2): the
 * spatio-temporal masks M_s of each stage's last block, adaptive-average-pooled to the last feature map's h × w and
 * concatenated to (N·T, S, h, w), go through {@code Conv2d(S, C_l, 1)} (with bias) + ReLU and are added to the last
 * feature map: {@code y = x + relu(conv(M_ms))}. Its output y is the refined map that mature-feature regularisation
 * (MFR, Eq. 9) compares between teacher and student; {@link #lastRefined()} keeps it. Key: {@code conv.weight/bias}.
 *
 * <pre>{@code
 * var afr = new AttentionGuidedRefinement(2048, List.of(w3a::lastSpatialMask, w3b::lastSpatialMask), rng);
 * Tensor y = afr.forward(features);   // features, y: (N·T, 2048, 7, 7)
 * }</pre>
 */
public final class AttentionGuidedRefinement extends Module {
    private final List<Supplier<Tensor>> masks;
    private final int channels;
    /** y of this thread's last forward pass: per thread, as the masks it reads ({@link W3Attention#lastSpatialMask}). */
    private final ThreadLocal<Tensor> lastRefined = new ThreadLocal<>();

    /** @param masks the mask producers of each stage, first stage first, read at every forward pass */
    public AttentionGuidedRefinement(int channels, List<Supplier<Tensor>> masks, SplittableRandom rng) {
        if (masks.isEmpty()) throw new IllegalArgumentException("AFR needs at least one stage mask");
        this.masks = List.copyOf(masks);
        this.channels = channels;
        register("conv", Conv.conv2d(masks.size(), channels, 1, 1, 0, 1, true, rng));
    }

    public int stages() { return masks.size(); }

    /** y of the calling thread's last forward pass (N·T, C_l, h, w), for the MFR loss; an error before any. */
    public Tensor lastRefined() {
        Tensor y = lastRefined.get();
        if (y == null) throw new IllegalStateException("AFR: no refined features yet; run forward first");
        return y;
    }

    @Override public Tensor forward(Tensor x) {
        List<Tensor> current = new ArrayList<>(masks.size());
        for (Supplier<Tensor> m : masks) current.add(m.get());
        Tensor y = refine(x, current, Weights.of(this));
        lastRefined.set(y);
        return y;
    }

    /** {@code x + relu(conv(cat(AAP(mask_i))))} for x (N·T, C_l, h, w) and masks (N·T, 1, h_i, w_i). */
    public static Tensor refine(Tensor x, List<Tensor> masks, Weights w) {
        int h = x.dim(2), wd = x.dim(3);
        List<Tensor> pooled = new ArrayList<>(masks.size());
        for (int i = 0; i < masks.size(); i++) {
            Tensor m = masks.get(i);
            if (m.rank() != 4 || m.dim(1) != 1 || m.dim(0) != x.dim(0)) {
                throw new dev.saccade.tensor.ShapeException("AFR: mask of stage " + i + " is " + m.shape() + ", expected (" + x.dim(0) + ", 1, h, w)");
            }
            pooled.add(Functional.adaptiveAvgPool(m, h, wd));                     // (N·T, 1, h, w)
        }
        Tensor multiLevel = Tensor.cat(pooled, 1);                                // (N·T, S, h, w)  M_ms, Eq. 7
        Tensor ref = Functional.conv2d(multiLevel, w.get("conv.weight"), w.get("conv.bias"), 1, 0, 1, 1).relu(); // (N·T, C_l, h, w)
        return x.add(ref);                                                        // Eq. 8
    }

    @Override public String describe() { return "AttentionGuidedRefinement(" + masks.size() + " → " + channels + ")"; }
}
