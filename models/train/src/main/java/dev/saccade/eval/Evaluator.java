package dev.saccade.eval;

import dev.saccade.data.Clip;
import dev.saccade.data.transform.TestProtocol;
import dev.saccade.nn.Module;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a model under a test protocol: every video gives {@code clips × crops} views; the model scores all of
 * them (eval mode, no gradient), softmax turns each view's logits into probabilities, and the probabilities are
 * averaged over the views (TSM {@code test_models.py --softmax}, ACTION-Net {@code test.py}). Reports top-1/top-5,
 * per-class accuracy, the confusion matrix and, when the dataset has time-reversal pairs, the pair accuracy: a video
 * of a paired class counts as pair-correct when its class scores above its twin.
 *
 * <pre>{@code
 * EvalResult r = new Evaluator(model).evaluate(new SyntheticViews(data, Split.TEST), EvalProtocol.parse("1x1").protocol(32));
 * ConfusionMatrixReport.write(runDir, r);
 * }</pre>
 */
public final class Evaluator {
    private final Module model;
    private final int maxClipsPerForward;

    public Evaluator(Module model) { this(model, 32); }

    /** @param maxClipsPerForward views stacked into one forward pass (whole videos are never split) */
    public Evaluator(Module model, int maxClipsPerForward) {
        this.model = model;
        this.maxClipsPerForward = Math.max(1, maxClipsPerForward);
    }

    public EvalResult evaluate(VideoViews data, TestProtocol protocol) {
        int k = data.numClasses();
        int views = protocol.views();
        List<Integer> labels = new ArrayList<>();
        List<float[]> scoreRows = new ArrayList<>();
        boolean wasTraining = model.isTraining();
        model.eval();
        try (GradMode.Scope noGrad = GradMode.disable()) {
            List<List<Clip>> pending = new ArrayList<>();
            int pendingClips = 0;
            for (int i = 0; i < data.size(); i++) {
                List<Clip> v = data.views(i, protocol);
                if (v == null) continue;
                if (v.size() != views) {
                    throw new IllegalStateException("video " + i + " gave " + v.size() + " views, protocol '" + protocol.name() + "' needs " + views);
                }
                if (pendingClips + v.size() > maxClipsPerForward && !pending.isEmpty()) {
                    score(pending, k, labels, scoreRows);
                    pending.clear();
                    pendingClips = 0;
                }
                pending.add(v);
                pendingClips += v.size();
            }
            if (!pending.isEmpty()) score(pending, k, labels, scoreRows);
        } finally {
            model.train(wasTraining);
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("none of the " + data.size() + " videos of the evaluation set gave a "
                    + "usable clip (frames missing, or videos shorter than the sampler needs?); nothing to evaluate");
        }
        return summarise(protocol.name(), views, k, data.classNames(), data.reversalPairs(), labels, scoreRows);
    }

    /** Runs the views of several videos in one forward pass and appends each video's averaged softmax. */
    private void score(List<List<Clip>> videos, int k, List<Integer> labels, List<float[]> out) {
        Clip first = videos.get(0).get(0);
        int per = first.data().length;
        int total = videos.stream().mapToInt(List::size).sum();
        float[] data = new float[total * per];                                      // (V_total, T, 3, H, W)
        int at = 0;
        for (List<Clip> v : videos) for (Clip c : v) {
            if (c.data().length != per) throw new IllegalStateException("view " + c.id() + " has a different shape from " + first.id());
            System.arraycopy(c.data(), 0, data, at * per, per);
            at++;
        }
        Tensor x = Tensor.of(data, total, first.frames(), 3, first.height(), first.width()).to(device());
        Tensor logits = model.forward(x);                                           // (V_total, K)
        if (logits.rank() != 2 || logits.dim(0) != total || logits.dim(1) != k) {
            throw new IllegalStateException("model returned " + logits.shape() + " for " + total + " views, expected (" + total + ", " + k + ")");
        }
        float[] p = logits.softmax(1).toFloatArray();                               // (V_total, K)
        int row = 0;
        for (List<Clip> v : videos) {
            float[] mean = new float[k];
            for (int j = 0; j < v.size(); j++, row++) for (int c = 0; c < k; c++) mean[c] += p[row * k + c];
            for (int c = 0; c < k; c++) mean[c] /= v.size();
            out.add(mean);
            labels.add(v.get(0).label());
        }
    }

    private Device device() {
        var params = model.namedParameters();
        return params.isEmpty() ? Device.CPU : params.values().iterator().next().device();
    }

    /** Accuracy figures from view-averaged scores (public for tests and for scores computed elsewhere). */
    public static EvalResult summarise(String protocol, int views, int k, List<String> classNames, List<int[]> pairs,
                                       List<Integer> labelList, List<float[]> scoreRows) {
        int n = labelList.size();
        int[] labels = labelList.stream().mapToInt(Integer::intValue).toArray();
        float[] scores = new float[n * k];
        for (int i = 0; i < n; i++) System.arraycopy(scoreRows.get(i), 0, scores, i * k, k);
        long[][] confusion = new long[k][k];
        long[] perClassTotal = new long[k], perClassHit = new long[k];
        for (int i = 0; i < n; i++) {
            int pred = TopK.argmax(scores, i * k, k);
            confusion[labels[i]][pred]++;
            perClassTotal[labels[i]]++;
            if (pred == labels[i]) perClassHit[labels[i]]++;
        }
        double[] perClass = new double[k];
        for (int c = 0; c < k; c++) perClass[c] = perClassTotal[c] == 0 ? Double.NaN : 100.0 * perClassHit[c] / perClassTotal[c];
        int top1 = TopK.hits(scores, n, k, labels, 1);
        int top5 = TopK.hits(scores, n, k, labels, Math.min(5, k));
        int[] twin = new int[k];
        java.util.Arrays.fill(twin, -1);
        for (int[] pr : pairs) { twin[pr[0]] = pr[1]; twin[pr[1]] = pr[0]; }
        long paired = 0, pairHits = 0;
        for (int i = 0; i < n; i++) {
            int t = twin[labels[i]];
            if (t < 0) continue;
            paired++;
            if (scores[i * k + labels[i]] > scores[i * k + t]) pairHits++;
        }
        double pairAcc = paired == 0 ? Double.NaN : 100.0 * pairHits / paired;
        return new EvalResult(protocol, views, n, n == 0 ? Double.NaN : 100.0 * top1 / n, n == 0 ? Double.NaN : 100.0 * top5 / n,
                perClass, confusion, classNames, pairAcc, labels, scores);
    }
}
