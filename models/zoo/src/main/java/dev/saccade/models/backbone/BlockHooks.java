package dev.saccade.models.backbone;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;

/**
 * How temporal modules enter a backbone's residual blocks, at the official insertion points:
 * <ul>
 * <li>{@link #wrapFirstConv} replaces the block's first conv ({@code conv1} of a ResNet block, {@code conv[0]} of a
 *     MobileNetV2 inverted residual) by a module that wraps it — TSM, M2A and ACTION-Net ("blockres": inside the
 *     residual branch, identity path untouched). The returned module is registered under the conv's own name, so
 *     a wrapper that keeps the conv as its child {@code net} gives the official keys ({@code layer1.0.conv1.net.weight}).</li>
 * <li>{@link #afterBranch} adds a module on the residual branch output, after its last BatchNorm and before the
 *     identity addition — CBAM and W3.</li>
 * <li>{@link #afterBlock} adds a module on the block's output, after the addition and ReLU — TSM's Non-local
 *     variant (NL3DWrapper on layer2 blocks 0, 2 and layer3 blocks 0, 2, 4).</li>
 * </ul>
 * The default hooks change nothing (plain TSN).
 */
public interface BlockHooks {
    BlockHooks NONE = new BlockHooks() {};

    /** The module to use in place of {@code conv} (which it may wrap); {@code conv} itself for no change. */
    default Module wrapFirstConv(BlockContext block, Conv conv) { return conv; }

    /** A module applied to the residual branch output, or null for none. */
    default Module afterBranch(BlockContext block) { return null; }

    /** A module applied to the whole block's output, or null for none. */
    default Module afterBlock(BlockContext block) { return null; }

    /** Applies {@code outer} to what {@code this} returns (so TSM and M2A can be stacked as in M2A's --use_tsm). */
    default BlockHooks andThen(BlockHooks outer) {
        BlockHooks inner = this;
        return new BlockHooks() {
            @Override public Module wrapFirstConv(BlockContext block, Conv conv) {
                Module m = inner.wrapFirstConv(block, conv);
                return m == conv ? outer.wrapFirstConv(block, conv) : m;
            }
            @Override public Module afterBranch(BlockContext block) {
                Module a = inner.afterBranch(block);
                return a != null ? a : outer.afterBranch(block);
            }
            @Override public Module afterBlock(BlockContext block) {
                Module a = inner.afterBlock(block);
                return a != null ? a : outer.afterBlock(block);
            }
        };
    }
}
