package dev.saccade.models.attention;

import dev.saccade.nn.Module;
import dev.saccade.nn.inference.TemporalShiftStep;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;

/**
 * The TSM shift on its own, with nothing wrapped (no parameters): 1/{@code foldDiv} of the channels take frame t+1,
 * the next 1/{@code foldDiv} take frame t−1, zero at the clip boundaries (Lin et al., ICCV 2019, §3; TSM
 * {@code ops/temporal_shift.py} {@code TemporalShift.shift}). M2A's {@code --use_tsm} places one of these between
 * M2A and {@code conv1} as {@code TemporalShift(nn.Sequential(), T, 8)}, which has no state-dict entries either.
 *
 * <pre>{@code
 * Tensor y = new TemporalShiftLayer(8, 8).forward(x);   // x, y: (N·8, C, H, W)
 * }</pre>
 */
public final class TemporalShiftLayer extends Module implements TemporalShiftStep {
    private final int frames, foldDiv;

    public TemporalShiftLayer(int frames, int foldDiv) {
        if (frames < 1 || foldDiv < 1) throw new IllegalArgumentException("TemporalShiftLayer: frames " + frames + " and fold_div " + foldDiv + " must be ≥ 1");
        this.frames = frames;
        this.foldDiv = foldDiv;
    }

    @Override public int frames() { return frames; }
    @Override public int foldDiv() { return foldDiv; }

    @Override public Tensor forward(Tensor x) { return Functional.temporalShift(x, frames, foldDiv); } // (N·T, C, H, W)

    @Override public String describe() { return "TemporalShift(T=" + frames + ", fold_div=" + foldDiv + ")"; }
}
