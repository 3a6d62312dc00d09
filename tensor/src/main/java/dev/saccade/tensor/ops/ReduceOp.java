package dev.saccade.tensor.ops;

/** Reductions over a set of axes. References: {@code torch.sum/amax/amin}. MEAN is SUM divided by the count. */
public enum ReduceOp {
    SUM, MAX, MIN;

    /** The identity element the reduction starts from. */
    public double identity() {
        return switch (this) {
            case SUM -> 0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    /** Folds {@code v} into the accumulator. NaN propagates, as in PyTorch. */
    public double combine(double acc, double v) {
        return switch (this) {
            case SUM -> acc + v;
            case MAX -> (v > acc || Double.isNaN(v)) ? v : acc;
            case MIN -> (v < acc || Double.isNaN(v)) ? v : acc;
        };
    }
}
