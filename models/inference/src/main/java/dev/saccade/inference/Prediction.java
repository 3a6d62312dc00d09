package dev.saccade.inference;

import java.util.Locale;

/**
 * One class of a prediction: its index in the classifier's output, its name (the index as text when no labels were
 * given) and its softmax probability.
 *
 * <pre>{@code
 * Prediction p = clf.classify(Path.of("clip.mp4"), 1).get(0);
 * System.out.println(p);   // "Pushing something from left to right (#93) 0.874"
 * }</pre>
 *
 * @param index       class index k, 0 ≤ k &lt; K
 * @param label       class name
 * @param probability softmax probability over all K classes
 */
public record Prediction(int index, String label, double probability) {
    @Override public String toString() {
        return String.format(Locale.ROOT, "%s (#%d) %.3f", label, index, probability);
    }
}
