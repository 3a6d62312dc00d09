package dev.saccade.models.attention;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;

/**
 * ACTION-Net at the "blockres" insertion point (V-Sense/ACTION-Net {@code make_temporal_shift}): every block's
 * first conv becomes {@code Action(conv1)}, keys {@code layer1.0.conv1.net.weight}, {@code layer1.0.conv1.action_shift.weight}, ….
 * ACTION contains its own (learnable) shift, so it is not stacked on TSM.
 *
 * <pre>{@code
 * BlockHooks hooks = new ActionHooks(8);
 * }</pre>
 */
public final class ActionHooks implements BlockHooks {
    private final int shiftDiv;

    public ActionHooks(int shiftDiv) { this.shiftDiv = shiftDiv; }

    @Override public Module wrapFirstConv(BlockContext block, Conv conv) {
        return new ActionModule(conv, block.frames(), shiftDiv, block.rng());
    }
}
