package dev.saccade.eval;

import java.util.List;

/**
 * What an evaluation measured.
 *
 * <pre>{@code
 * EvalResult r = new Evaluator(model).evaluate(views, protocol);
 * System.out.printf("top-1 %.1f%%, top-5 %.1f%%, pairs %.1f%%%n", r.top1(), r.top5(), r.pairAccuracy());
 * }</pre>
 *
 * @param protocol      protocol name
 * @param viewsPerVideo clips × crops
 * @param videos        videos evaluated (skipped ones excluded)
 * @param top1          top-1 accuracy (%) of the view-averaged softmax scores
 * @param top5          top-5 accuracy (%)
 * @param perClass      accuracy (%) of each class (NaN for a class with no video)
 * @param confusion     {@code confusion[true][predicted]} counts
 * @param classNames    class names in label order
 * @param pairAccuracy  % of videos of paired classes scored above their time-reversed twin; NaN without pairs
 * @param labels        true label of each evaluated video
 * @param scores        view-averaged softmax scores, {@code (videos, K)} row-major
 */
public record EvalResult(String protocol, int viewsPerVideo, int videos, double top1, double top5, double[] perClass,
                         long[][] confusion, List<String> classNames, double pairAccuracy, int[] labels, float[] scores) {

    /** Mean of the per-class accuracies (classes with videos only). */
    public double meanClassAccuracy() {
        double s = 0;
        int n = 0;
        for (double a : perClass) if (!Double.isNaN(a)) { s += a; n++; }
        return n == 0 ? Double.NaN : s / n;
    }
}
