package dev.saccade.models.registry;

import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.nn.Module;

/**
 * A temporal module family the {@link ModelRegistry} can put into a backbone: its {@link BlockHooks} for a model
 * configuration, and optionally a feature refinement module for the TSN head (W3's AFR), which may read state the
 * hooks collected (e.g. the masks of each stage's last block).
 *
 * <pre>{@code
 * registry.registerProvider("tsm", cfg -> new TsmHooks(cfg.frames()));
 * }</pre>
 */
@FunctionalInterface
public interface HookProvider {
    /** The hooks for one model; called once per model built. */
    BlockHooks create(ModelConfig cfg);

    /**
     * A module mapping the last feature map (N·T, featureChannels, h, w) to the same shape, or null for none.
     *
     * @param hooks the hooks {@link #create} returned for this model
     */
    default Module featureRefinement(ModelConfig cfg, BlockHooks hooks, int featureChannels) { return null; }
}
