package dev.saccade.inference;

import dev.saccade.data.ImageNetNormalize;
import dev.saccade.data.RgbFrame;
import dev.saccade.data.io.FrameFolderClip;
import dev.saccade.data.io.FrameReader;
import dev.saccade.data.transform.GroupCenterCrop;
import dev.saccade.data.transform.GroupScale;
import dev.saccade.models.temporal.OnlineShiftState;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Online action recognition on a stream of frames, the TSM paper's online mode (Lin, Gan, Han, ICCV 2019, §online):
 * the model's shifts are uni-directional, each shifted layer keeps the first {@code C/8} channels of the previous
 * frame's activation and puts them in place of the current frame's, so every new frame costs one frame's forward and
 * the prediction after frame t uses frames 1..t. It equals the offline uni-directional TSM's per-frame output over
 * the same frames (the model option {@code tsm.online=true}, which is also how such a model is trained).
 *
 * <p>Built by {@link #builder()} from a model id ({@code tsm-mobilenetv2}, {@code tsm-resnet18}, {@code tsm-resnet50})
 * and weights: a {@code saccade train} run folder or checkpoint, an official TSM {@code .pth}, or the TSM online
 * demo's {@code mobilenetv2_jester_online.pth.tar}. Evaluation mode and no-grad inside; runs on the CPU. Bad input
 * (a file, a model id, a frame of the wrong size) is an {@link InferenceException} naming it.
 *
 * <p>Frames: {@link #push(BufferedImage)} and {@link #push(RgbFrame)} take a picture of any size and preprocess it as
 * the TSM test pipeline does (shorter side to {@code inputSize·256/224}, centre crop {@code inputSize}, /255,
 * ImageNet mean/std); {@link #push(float[])} takes a frame already preprocessed that way, {@code (3, inputSize,
 * inputSize)} row-major.
 *
 * <p>Threads: one instance is one stream, and its per-layer caches live in the instance (not in the model's modules).
 * The methods are synchronized, so concurrent calls do not corrupt it, but frames pushed from several threads
 * interleave into one stream; for several streams, use one instance each. {@link #close()} drops the caches; a
 * closed classifier refuses frames.
 *
 * <pre>{@code
 * try (StreamingClassifier clf = StreamingClassifier.builder()
 *         .model("tsm-mobilenetv2").weights(Path.of("mobilenetv2_jester_online.pth.tar"))
 *         .labels(Path.of("jester_labels.txt")).build()) {
 *     for (BufferedImage frame : camera) System.out.println(clf.push(frame).get(0));
 * }
 * }</pre>
 */
public final class StreamingClassifier implements AutoCloseable {
    /** The model ids that stream: TSM alone, on each backbone (other modules read the whole clip). */
    public static final List<String> MODELS = List.of("tsm-mobilenetv2", "tsm-resnet18", "tsm-resnet50");

    private static final Random NO_RANDOM = new Random(0);   // the test transforms take no random decision

    private final String modelId;
    private final Tsn model;                                  // T = 1, uni-directional shifts, evaluation mode
    private final OnlineShiftState stream = new OnlineShiftState();
    private final List<String> labels;
    private final int inputSize, top;
    private float[] lastLogits;                               // (K) of the last frame, null before the first
    private boolean closed;

    StreamingClassifier(String modelId, Tsn model, List<String> labels, int inputSize, int top) {
        this.modelId = modelId;
        this.model = model;
        this.labels = labels == null ? null : List.copyOf(labels);
        this.inputSize = inputSize;
        this.top = top;
        model.eval();
    }

    /** A builder: {@code model(...)}, {@code weights(...)} or {@code run(...)}, then {@code build()}. */
    public static StreamingClassifierBuilder builder() { return new StreamingClassifierBuilder(); }

    /** The next frame, preprocessed here; returns the top classes after it, most probable first. */
    public synchronized List<Prediction> push(BufferedImage frame) {
        Objects.requireNonNull(frame, "frame");
        return push(FrameReader.toRgb(frame));
    }

    /** The next frame as RGB bytes, preprocessed here; returns the top classes after it. */
    public synchronized List<Prediction> push(RgbFrame frame) {
        Objects.requireNonNull(frame, "frame");
        RgbFrame[] crop = new GroupScale(FrameFolderClip.scaleSize(inputSize)).then(new GroupCenterCrop(inputSize))
                .apply(new RgbFrame[] {frame}, NO_RANDOM);
        return push(ImageNetNormalize.IMAGENET.toClip(crop, 0, "frame").data());    // (3, S, S)
    }

    /**
     * The next frame, already preprocessed: {@code (3, inputSize, inputSize)} row-major, ImageNet-normalised RGB.
     * Returns the top classes after it, most probable first.
     */
    public synchronized List<Prediction> push(float[] chw) {
        Objects.requireNonNull(chw, "frame");
        if (closed) throw new IllegalStateException("StreamingClassifier (" + modelId + ") is closed");
        int n = 3 * inputSize * inputSize;
        if (chw.length != n) {
            throw new InferenceException("a preprocessed frame must be (3, " + inputSize + ", " + inputSize + ") = " + n
                    + " floats, got " + chw.length);
        }
        Tensor x = Tensor.of(chw, 1, 3, inputSize, inputSize);                       // (1, 3, S, S)
        try (var g = GradMode.disable()) {
            lastLogits = stream.step(() -> model.forward(x)).toFloatArray();          // (1, K)
        }
        return topClasses(lastLogits, top);
    }

    /** The logits (K) after the last frame pushed. */
    public synchronized float[] logits() {
        if (lastLogits == null) throw new IllegalStateException("no frame has been pushed since the start or the last reset()");
        return lastLogits.clone();
    }

    /** Starts a new stream: the next frame sees no earlier ones. */
    public synchronized void reset() {
        stream.reset();
        lastLogits = null;
    }

    /** Frames pushed since the start or the last {@link #reset()}. */
    public synchronized long frames() { return stream.frames(); }

    public String modelId() { return modelId; }
    public int classes() { return model.classes(); }
    public int inputSize() { return inputSize; }

    /** The class names (index k names class k), or null when none were given. */
    public List<String> labels() { return labels; }

    /** Drops the caches; later pushes fail. Idempotent. */
    @Override public synchronized void close() {
        stream.reset();
        lastLogits = null;
        closed = true;
    }

    /** The k most probable classes of {@code logits} with their softmax probabilities. */
    private List<Prediction> topClasses(float[] logits, int k) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : logits) max = Math.max(max, v);
        for (float v : logits) sum += Math.exp(v - max);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, logits.length); i++) {
            int c = order[i];
            out.add(new Prediction(c, labels == null ? String.valueOf(c) : labels.get(c), Math.exp(logits[c] - max) / sum));
        }
        return List.copyOf(out);
    }

    @Override public String toString() {
        return "StreamingClassifier(" + modelId + ", K=" + classes() + ", " + inputSize + "², " + frames() + " frames)";
    }
}
