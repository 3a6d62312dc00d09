package dev.saccade.nn.schedule;

/**
 * Cosine annealing from {@code base} to {@code min} over {@code epochs}:
 * {@code lr = min + (base − min) · (1 + cos(π · p)) / 2} where the progress {@code p} is {@code epoch / epochs}
 * (per epoch, TSM's {@code lr_type == 'cos'}: {@code 0.5·lr·(1 + cos(π·epoch/epochs))}) or
 * {@code (epoch + step/stepsPerEpoch) / epochs} (per step). Past the end it stays at {@code min}.
 * Reference: Loshchilov &amp; Hutter, "SGDR" (ICLR 2017), Eq. 5 without restarts.
 *
 * <pre>{@code LrSchedule s = new CosineSchedule(0.02, 0, 50, false);   // lrAt(25, 0, n) = 0.01 }</pre>
 */
public final class CosineSchedule implements LrSchedule {
    private final double base, min;
    private final int epochs;
    private final boolean perStep;

    public CosineSchedule(double base, double min, int epochs, boolean perStep) {
        if (!(base >= min && min >= 0)) throw new IllegalArgumentException("CosineSchedule: need base ≥ min ≥ 0, got base " + base + ", min " + min);
        if (epochs < 1) throw new IllegalArgumentException("CosineSchedule: epochs " + epochs + " must be ≥ 1");
        this.base = base;
        this.min = min;
        this.epochs = epochs;
        this.perStep = perStep;
    }

    @Override public double lrAt(int epoch, int step, int stepsPerEpoch) {
        LrSchedule.checkProgress(epoch, step, stepsPerEpoch);
        double progress = (epoch + (perStep ? (double) step / stepsPerEpoch : 0)) / epochs;
        if (progress >= 1) return min;
        return min + (base - min) * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    @Override public String toString() { return "CosineSchedule(" + base + " → " + min + " over " + epochs + " epochs" + (perStep ? ", per step" : "") + ")"; }
}
