package dev.saccade.inference;

import dev.saccade.data.Clip;
import dev.saccade.data.io.FfmpegFrames;
import dev.saccade.data.io.FrameFolderClip;
import dev.saccade.data.io.FrameReader;
import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.io.ArrayDType;
import dev.saccade.nn.io.Npy;
import dev.saccade.nn.io.RawArray;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Classifies video clips with one of saccade's models: the library's entry point for Java applications. It holds
 * the model in evaluation mode, runs every forward without autograd, and preprocesses inputs as the official test
 * code does (T frames at the segment centres, shorter side scaled to {@code inputSize·256/224}, centre crop
 * {@code inputSize}, ImageNet normalisation).
 *
 * <pre>{@code
 * try (VideoClassifier clf = VideoClassifier.builder()
 *         .weights(Path.of("TSM_somethingv2_RGB_resnet50_shift8_blockres_avg_segment8_e45.pth"))
 *         .model("tsm-resnet50").frames(8)            // classes read from the checkpoint when not given
 *         .labels(Path.of("category.txt"))
 *         .build()) {
 *     for (Prediction p : clf.classify(Path.of("clip.mp4"), 5)) System.out.println(p);
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> One instance may be shared by any number of threads: the model keeps no per-forward state in its
 * fields, and each call returns exactly what it returns on a single thread. Each forward splits its kernels over at
 * most {@link VideoClassifierBuilder#threads} of saccade's CPU workers.
 *
 * <p><b>Inputs.</b> {@link #classify(Path, int)} and {@link #logits(Path)} take a video file (decoded with the
 * {@code ffmpeg} program), a folder of JPEG/PNG frames (file-name order), or a preprocessed float32 {@code .npy} clip
 * {@code (T, 3, H, W)} or {@code (1, T, 3, H, W)}. Bad input throws {@link InferenceException} naming the file.
 */
public final class VideoClassifier implements AutoCloseable {
    private final Tsn model;
    private final String modelId;
    private final int frames, classes, inputSize, threads;
    private final List<String> labels;
    private final FfmpegFrames ffmpeg;
    private volatile boolean closed;

    VideoClassifier(Tsn model, String modelId, int frames, int classes, int inputSize, int threads, List<String> labels,
                    FfmpegFrames ffmpeg) {
        this.model = model;
        this.modelId = modelId;
        this.frames = frames;
        this.classes = classes;
        this.inputSize = inputSize;
        this.threads = threads;
        this.labels = labels;
        this.ffmpeg = ffmpeg;
    }

    /** A builder; {@link VideoClassifierBuilder#model} and either {@link VideoClassifierBuilder#weights} or {@link VideoClassifierBuilder#run} are needed. */
    public static VideoClassifierBuilder builder() { return new VideoClassifierBuilder(); }

    public String modelId() { return modelId; }
    /** Frames T per clip. */
    public int frames() { return frames; }
    /** Classes K. */
    public int classes() { return classes; }
    /** Crop size of the preprocessed frames. */
    public int inputSize() { return inputSize; }
    /** Class names, index k at position k. */
    public List<String> labels() { return labels; }

    /** The top {@code k} classes of the clip in {@code input} (a video, a frame folder or an .npy clip). */
    public List<Prediction> classify(Path input, int k) {
        return top(logits(input), k);
    }

    /**
     * The top {@code k} classes of a clip given as its decoded frames, in order; T frames are taken at the segment
     * centres, as for a frame folder.
     */
    public List<Prediction> classify(List<BufferedImage> frameImages, int k) {
        return top(forward(clipOf(frameImages).data(), 1), k);
    }

    /** The top {@code k} classes of every input, all clips in one forward (batch N = inputs.size()). */
    public List<List<Prediction>> classifyAll(List<Path> inputs, int k) {
        if (inputs.isEmpty()) return List.of();
        int clip = frames * 3 * inputSize * inputSize;
        float[] batch = new float[inputs.size() * clip];                          // (N, T, 3, S, S)
        for (int i = 0; i < inputs.size(); i++) System.arraycopy(load(inputs.get(i)), 0, batch, i * clip, clip);
        float[] all = forward(batch, inputs.size());                              // (N, K)
        List<List<Prediction>> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) out.add(top(Arrays.copyOfRange(all, i * classes, (i + 1) * classes), k));
        return out;
    }

    /** The K logits of the clip in {@code input} (a video, a frame folder or an .npy clip). */
    public float[] logits(Path input) {
        return forward(load(input), 1);
    }

    /**
     * The K logits of a preprocessed clip: float32 {@code (T, 3, S, S)} in that order, ImageNet-normalised, with
     * T = {@link #frames()} and S = {@link #inputSize()}.
     */
    public float[] logits(float[] clip) {
        int want = frames * 3 * inputSize * inputSize;
        if (clip.length != want) {
            throw new InferenceException("clip: expected " + want + " floats, (T, 3, S, S) = (" + frames + ", 3, " + inputSize
                    + ", " + inputSize + "), got " + clip.length);
        }
        return forward(clip, 1);
    }

    /** Softmax probabilities of {@code logits}, the top {@code k} first (k ≤ K). */
    public List<Prediction> top(float[] logits, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be ≥ 1, got " + k);
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : logits) max = Math.max(max, v);
        for (float v : logits) sum += Math.exp(v - max);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        List<Prediction> out = new ArrayList<>(Math.min(k, logits.length));
        for (int i = 0; i < Math.min(k, logits.length); i++) {
            int c = order[i];
            out.add(new Prediction(c, labels.get(c), Math.exp(logits[c] - max) / sum));
        }
        return out;
    }

    /** Releases the model; later calls throw {@link IllegalStateException}. */
    @Override public void close() { closed = true; }

    /** (N, K) logits of the clips {@code batch} (N, T, 3, S, S), the model in eval mode without autograd. */
    private float[] forward(float[] batch, int n) {
        if (closed) throw new IllegalStateException("VideoClassifier is closed");
        for (float v : batch) {
            if (!Float.isFinite(v)) throw new InferenceException("clip: the input holds NaN or infinite values");
        }
        Tensor x = Tensor.of(batch, n, frames, 3, inputSize, inputSize);
        float[] out;
        try (var g = GradMode.disable(); var l = CpuThreads.limit(threads)) {
            out = model.forward(x).toFloatArray();                                // (N, K)
        }
        for (float v : out) {
            if (!Float.isFinite(v)) throw new InferenceException(modelId + ": the model produced non-finite logits (check the weights)");
        }
        return out;
    }

    /** The preprocessed clip (T, 3, S, S) of a video, a frame folder or an .npy file. */
    private float[] load(Path input) {
        if (Files.isDirectory(input)) return checked(input, () -> FrameFolderClip.load(input, frames, inputSize)).data();
        if (!Files.isRegularFile(input)) {
            throw new InferenceException(input + ": no such file or folder (expected a video, a folder of JPEG/PNG frames or an .npy clip)");
        }
        if (input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) return npyClip(input);
        if (ffmpeg.locate().isEmpty()) {
            throw new InferenceException(input + ": decoding a video needs the ffmpeg program, which was not found on PATH"
                    + " (install it, or pass a folder of frames)");
        }
        return checked(input, () -> ffmpeg.withFrames(input, dir -> FrameFolderClip.load(dir, frames, inputSize))).data();
    }

    private float[] npyClip(Path input) {
        RawArray a;
        try {
            a = Npy.read(input);
        } catch (IOException | RuntimeException e) {
            throw new InferenceException(input + ": not a readable .npy array (" + e.getMessage() + ")", e);
        }
        int[] s = a.shape();
        int[] want = {frames, 3, inputSize, inputSize};
        int[] body = s.length == 5 && s[0] == 1 ? Arrays.copyOfRange(s, 1, 5) : s;
        if (a.dtype() != ArrayDType.F32 || !Arrays.equals(body, want)) {
            throw new InferenceException(input + ": expected a float32 clip of shape (" + frames + ", 3, " + inputSize + ", "
                    + inputSize + ") or (1, " + frames + ", 3, " + inputSize + ", " + inputSize + "), got " + a.dtype() + " "
                    + Arrays.toString(s));
        }
        return a.toFloats();
    }

    private Clip clipOf(List<BufferedImage> images) {
        if (images.isEmpty()) throw new InferenceException("frames: the list of frames is empty");
        return FrameFolderClip.sample(images.size(), i -> FrameReader.toRgb(images.get(i)), frames, inputSize, "frames");
    }

    private interface Reader<T> { T read(); }

    /** Runs a reader, turning its failure into an InferenceException that names {@code input}. */
    private static <T> T checked(Path input, Reader<T> reader) {
        try {
            return reader.read();
        } catch (InferenceException e) {
            throw e;
        } catch (UncheckedIOException e) {
            throw new InferenceException(input + ": " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"), e);
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new InferenceException(m.contains(input.toString()) ? m : input + ": " + m, e);
        }
    }
}
