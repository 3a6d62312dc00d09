package dev.saccade.models.attention;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.nn.Module;

/**
 * Non-local blocks after whole residual blocks where TSM's {@code make_non_local} puts them: layer2 blocks 0 and 2,
 * layer3 blocks 0, 2 and 4 (stages 1 and 2, 0-based), on the block's output channels.
 *
 * <pre>{@code BlockHooks hooks = new NonLocalHooks(); }</pre>
 */
public final class NonLocalHooks implements BlockHooks {
    /** Whether TSM's non-local variant puts a block after this one. */
    public static boolean placesAfter(BlockContext block) {
        return (block.stage() == 1 && (block.index() == 0 || block.index() == 2))
                || (block.stage() == 2 && (block.index() == 0 || block.index() == 2 || block.index() == 4));
    }

    @Override public Module afterBlock(BlockContext block) {
        return placesAfter(block) ? new NonLocal(block.outChannels(), block.frames(), block.rng()) : null;
    }
}
