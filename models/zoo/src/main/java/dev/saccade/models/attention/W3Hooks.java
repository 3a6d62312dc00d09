package dev.saccade.models.attention;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * W3 on every residual block's branch output (after its last BatchNorm, before the identity addition), remembering
 * the W3 module of each stage's last block so that {@link #featureRefinement} can build the AFR over their masks.
 * One instance per model (it keeps state). With TSM, stack these after TSM's hooks: the shift stays before conv1.
 *
 * <pre>{@code
 * W3Hooks hooks = new W3Hooks(true, true, true);
 * // … build the backbone with hooks …
 * Module afr = hooks.featureRefinement(2048, rng);    // the TSN wrapper's featureRefinement slot
 * }</pre>
 */
public final class W3Hooks implements BlockHooks {
    private final boolean spatial, temporal, refinement;
    private final Map<Integer, W3Attention> lastOfStage = new TreeMap<>();

    public W3Hooks(boolean spatial, boolean temporal, boolean refinement) {
        this.spatial = spatial;
        this.temporal = temporal;
        this.refinement = refinement;
    }

    @Override public Module afterBranch(BlockContext block) {
        W3Attention w3 = new W3Attention(block.outChannels(), block.frames(), spatial, temporal, block.rng());
        if (block.lastInStage()) lastOfStage.put(block.stage(), w3);
        return w3;
    }

    /** The W3 modules of each stage's last block, by stage. */
    public Map<Integer, W3Attention> stageMaskProducers() { return java.util.Collections.unmodifiableMap(lastOfStage); }

    /**
     * The AFR module over the stage masks seen so far, for a last feature map of {@code channels}; null when AFR is
     * off or there is no spatial attention to take masks from (w3.afr=false or w3.spatial=false).
     */
    public Module featureRefinement(int channels, SplittableRandom rng) {
        if (!refinement || !spatial) return null;
        if (lastOfStage.isEmpty()) throw new IllegalStateException("W3 AFR: no stage's last block was seen; build the backbone with these hooks first");
        List<Supplier<Tensor>> masks = new ArrayList<>();
        for (W3Attention w3 : lastOfStage.values()) masks.add(w3::lastSpatialMask);
        return new AttentionGuidedRefinement(channels, masks, rng);
    }
}
