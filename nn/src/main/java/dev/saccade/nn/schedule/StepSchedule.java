package dev.saccade.nn.schedule;

import java.util.Arrays;

/**
 * Multiplies the base learning rate by 0.1 at each milestone epoch. TSM convention ({@code adjust_learning_rate},
 * docs/MODELS.md §2.3): {@code lr = base · 0.1^(#milestones ≤ epoch)}, so with milestones {20, 40} epochs 0–19 use base,
 * 20–39 base/10, 40+ base/100. ACTION-Net calls the same rule after each epoch with that epoch's index, so every
 * decay lands one epoch later ({@code lag = 1}): {@code lr = base · 0.1^(#milestones ≤ epoch − lag)} (docs/MODELS.md §4.3).
 *
 * <pre>{@code
 * StepSchedule tsm = StepSchedule.tsm(0.01, 20, 40);          // lrAt(20, …) = 0.001
 * StepSchedule action = StepSchedule.actionNet(0.01, 30, 40, 45); // lrAt(30, …) = 0.01, lrAt(31, …) = 0.001
 * }</pre>
 */
public final class StepSchedule implements LrSchedule {
    private final double base, factor;
    private final int[] milestones;
    private final int lag;

    /**
     * @param milestones epochs (ascending) at which the rate is multiplied by {@code factor}
     * @param lag        epochs by which each decay is delayed (0: TSM, 1: ACTION-Net)
     */
    public StepSchedule(double base, double factor, int lag, int... milestones) {
        if (!(base >= 0)) throw new IllegalArgumentException("StepSchedule: base lr " + base + " must be ≥ 0");
        if (!(factor > 0)) throw new IllegalArgumentException("StepSchedule: factor " + factor + " must be > 0");
        if (lag < 0) throw new IllegalArgumentException("StepSchedule: lag " + lag + " must be ≥ 0");
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 0 || (i > 0 && milestones[i] < milestones[i - 1])) {
                throw new IllegalArgumentException("StepSchedule: milestones " + Arrays.toString(milestones) + " must be non-negative and ascending");
            }
        }
        this.base = base;
        this.factor = factor;
        this.lag = lag;
        this.milestones = milestones.clone();
    }

    /** TSM: ×0.1 at each milestone, no lag. */
    public static StepSchedule tsm(double base, int... milestones) { return new StepSchedule(base, 0.1, 0, milestones); }

    /** ACTION-Net: ×0.1 at each milestone, one epoch late. */
    public static StepSchedule actionNet(double base, int... milestones) { return new StepSchedule(base, 0.1, 1, milestones); }

    @Override public double lrAt(int epoch, int step, int stepsPerEpoch) {
        LrSchedule.checkProgress(epoch, step, stepsPerEpoch);
        int passed = 0;
        for (int m : milestones) if (m <= epoch - lag) passed++;
        return base * Math.pow(factor, passed);
    }

    @Override public String toString() { return "StepSchedule(base=" + base + ", ×" + factor + " at " + Arrays.toString(milestones) + (lag > 0 ? ", lag " + lag : "") + ")"; }
}
