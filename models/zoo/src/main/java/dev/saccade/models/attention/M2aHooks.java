package dev.saccade.models.attention;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Sequential;

/**
 * M2A at the "blockres" insertion point: every block's first conv becomes {@code Sequential(M2A, conv1)}, or with
 * TSM ({@code --use_tsm}) {@code Sequential(M2A, TemporalShift, conv1)} — the composition of gebob19/M2A
 * {@code make_temporal_shift} (blockres branch). State-dict keys therefore match the official checkpoints:
 * <pre>
 * plain M2A : layer1.0.conv1.0.conv_down.weight … layer1.0.conv1.1.weight            (conv1 at index 1)
 * TSM + M2A : layer1.0.conv1.0.conv_down.weight … layer1.0.conv1.2.weight            (shift at 1, no keys; conv1 at 2)
 * </pre>
 * The shift is the official one of that branch: {@code TemporalShift(nn.Sequential(), T, 8)}, fold_div 8 fixed.
 * A {@code tsm+m2a} model uses these hooks alone (they carry the shift), not stacked on TSM's.
 *
 * <pre>{@code
 * BlockHooks hooks = new M2aHooks(true);     // TSM + M2A
 * }</pre>
 */
public final class M2aHooks implements BlockHooks {
    /** fold_div of the shift in M2A's --use_tsm branch (hard-coded there). */
    public static final int SHIFT_FOLD_DIV = 8;
    private final boolean withShift;

    public M2aHooks(boolean withShift) { this.withShift = withShift; }

    public boolean withShift() { return withShift; }

    @Override public Module wrapFirstConv(BlockContext block, Conv conv) {
        Sequential seq = new Sequential(new M2A(conv.inChannels(), block.frames(), block.rng()));
        if (withShift) seq.add(new TemporalShiftLayer(block.frames(), SHIFT_FOLD_DIV));
        return seq.add(conv);
    }
}
