package dev.saccade.nn.schedule;

/**
 * Ramps another schedule up linearly over the first {@code warmupEpochs} epochs, per step: at global step
 * {@code s = epoch·stepsPerEpoch + step} with {@code W = warmupEpochs·stepsPerEpoch} warm-up steps,
 * {@code lr = inner(epoch, step) · (s + 1) / W} while {@code s < W}, then {@code inner} unchanged. The first step
 * therefore uses {@code inner / W}, never 0, and the last warm-up step reaches {@code inner}.
 * Reference: Goyal et al., "Accurate, Large Minibatch SGD" (2017), §2.2 gradual warm-up.
 *
 * <pre>{@code LrSchedule s = new LinearWarmup(new CosineSchedule(0.02, 0, 50, true), 5); }</pre>
 */
public final class LinearWarmup implements LrSchedule {
    private final LrSchedule inner;
    private final int warmupEpochs;

    public LinearWarmup(LrSchedule inner, int warmupEpochs) {
        if (warmupEpochs < 0) throw new IllegalArgumentException("LinearWarmup: warmupEpochs " + warmupEpochs + " must be ≥ 0");
        this.inner = inner;
        this.warmupEpochs = warmupEpochs;
    }

    @Override public double lrAt(int epoch, int step, int stepsPerEpoch) {
        LrSchedule.checkProgress(epoch, step, stepsPerEpoch);
        double lr = inner.lrAt(epoch, step, stepsPerEpoch);
        long warmupSteps = (long) warmupEpochs * stepsPerEpoch;
        long s = (long) epoch * stepsPerEpoch + step;
        return s < warmupSteps ? lr * (s + 1) / warmupSteps : lr;
    }

    @Override public String toString() { return "LinearWarmup(" + warmupEpochs + " epochs, " + inner + ")"; }
}
