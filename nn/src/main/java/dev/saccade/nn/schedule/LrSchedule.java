package dev.saccade.nn.schedule;

/**
 * The learning rate as a function of training progress. {@code epoch} counts from 0, {@code step} is the index of
 * the optimizer step within the epoch (0 … stepsPerEpoch−1). The trainer calls it before every step and passes the
 * result to {@code Optimizer.setLearningRate}; per-epoch schedules ignore {@code step}.
 *
 * <pre>{@code
 * LrSchedule s = new LinearWarmup(StepSchedule.tsm(0.01, 20, 40), 1);
 * optimizer.setLearningRate(s.lrAt(epoch, step, loader.batchesPerEpoch()));
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {
    double lrAt(int epoch, int step, int stepsPerEpoch);

    /** A constant learning rate. */
    static LrSchedule constant(double lr) { return (epoch, step, stepsPerEpoch) -> lr; }

    /** Rejects negative progress arguments with a message naming them. */
    static void checkProgress(int epoch, int step, int stepsPerEpoch) {
        if (epoch < 0 || step < 0 || stepsPerEpoch < 1 || step >= stepsPerEpoch) {
            throw new IllegalArgumentException("learning-rate schedule: bad progress epoch=" + epoch + ", step=" + step + ", stepsPerEpoch=" + stepsPerEpoch
                    + " (need epoch ≥ 0, stepsPerEpoch ≥ 1, 0 ≤ step < stepsPerEpoch)");
        }
    }
}
