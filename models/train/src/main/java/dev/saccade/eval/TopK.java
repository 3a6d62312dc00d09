package dev.saccade.eval;

/**
 * Top-k hits of score rows: a row counts when its label is among its k highest scores (ties broken towards the
 * lower class index, as a stable sort of {@code torch.topk} would).
 *
 * <pre>{@code
 * int hits = TopK.hits(scores, 3, 5, labels, 5);   // scores (3, 5) row-major, labels (3)
 * }</pre>
 */
public final class TopK {
    private TopK() {}

    /** Whether {@code label} is within the top {@code k} of {@code row} ({@code row[offset .. offset + classes)}). */
    public static boolean hit(float[] scores, int offset, int classes, int label, int k) {
        float target = scores[offset + label];
        int better = 0;
        for (int c = 0; c < classes; c++) {
            float s = scores[offset + c];
            if (s > target || (s == target && c < label)) better++;
        }
        return better < k;
    }

    /** Rows of {@code scores} ({@code rows × classes}) whose label is in their top k. */
    public static int hits(float[] scores, int rows, int classes, int[] labels, int k) {
        int n = 0;
        for (int r = 0; r < rows; r++) if (hit(scores, r * classes, classes, labels[r], k)) n++;
        return n;
    }

    /** The index of the highest score of a row (the lowest index among ties). */
    public static int argmax(float[] scores, int offset, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) if (scores[offset + c] > scores[offset + best]) best = c;
        return best;
    }
}
