package dev.saccade.models.temporal;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;

/**
 * TSM's "blockres" placement: every block's first conv (ResNet {@code conv1}, MobileNetV2 {@code conv.0}) is wrapped
 * in a {@link TemporalShiftModule}. For ResNets with ≥ 23 blocks in layer3 (ResNet-101) the official code shifts only
 * every other block ({@code n_round = 2}); pass {@code everyOther = true} for that. With {@code online} every wrapper
 * shifts uni-directionally (past frames only), as the TSM online demo's MobileNetV2, whose shift blocks are these
 * same ten.
 * Reference: TSM {@code ops/temporal_shift.py}, {@code make_temporal_shift}; {@code online_demo/mobilenet_v2_tsm.py}.
 *
 * <pre>{@code
 * ResNet r50 = ResNet.resnet50(new TsmHooks(8), 8, 0, rng);   // layer1.0.conv1.net.weight, …
 * }</pre>
 */
public final class TsmHooks implements BlockHooks {
    private final int frames, foldDiv;
    private final boolean everyOther, online;

    public TsmHooks(int frames) { this(frames, TemporalShiftModule.DEFAULT_FOLD_DIV, false, false); }

    public TsmHooks(int frames, int foldDiv, boolean everyOther) { this(frames, foldDiv, everyOther, false); }

    public TsmHooks(int frames, int foldDiv, boolean everyOther, boolean online) {
        this.frames = frames;
        this.foldDiv = foldDiv;
        this.everyOther = everyOther;
        this.online = online;
    }

    @Override public Module wrapFirstConv(BlockContext block, Conv conv) {
        if (everyOther && block.index() % 2 != 0) return conv;
        return new TemporalShiftModule(conv, frames, foldDiv, online);
    }
}
