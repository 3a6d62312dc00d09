package dev.saccade.models.attention;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.nn.Module;

/**
 * CBAM on every residual block's branch output, after its last BatchNorm and before the identity addition (Woo et
 * al., ECCV 2018, Fig. 3). Stacks after TSM's hooks for TSM+CBAM.
 *
 * <pre>{@code BlockHooks hooks = new CbamHooks(); }</pre>
 */
public final class CbamHooks implements BlockHooks {
    @Override public Module afterBranch(BlockContext block) { return new Cbam(block.outChannels(), block.rng()); }
}
