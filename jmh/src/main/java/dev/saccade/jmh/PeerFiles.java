package dev.saccade.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files {@code scripts/export_onnx.py} writes for the whole-model benchmarks, in {@code jmh/target/onnx}
 * (relative to the working directory; {@code -Dsaccade.peers.dir=DIR} overrides): for a model id such as
 * {@code tsm-resnet50}, {@code <id>.safetensors} (saccade's names), {@code <id>_b<N>.onnx} (N clips),
 * {@code <id>.pt} (TorchScript), and one reference clip {@code <id>_b1_input.bin} with PyTorch's logits
 * {@code <id>_b1_logits.bin} (raw little-endian float32).
 */
public final class PeerFiles {
    private PeerFiles() {}

    /** Logits of two engines on the same clip may differ by this much, relative to the largest |logit|. */
    public static final double LOGITS_TOLERANCE = 1e-3;

    public static Path dir() { return Path.of(System.getProperty("saccade.peers.dir", "jmh/target/onnx")); }

    public static Path weights(String model) { return dir().resolve(model + ".safetensors"); }

    public static Path onnx(String model, int clips) { return dir().resolve(model + "_b" + clips + ".onnx"); }

    public static Path torchScript(String model) { return dir().resolve(model + ".pt"); }

    public static Path referenceInput(String model) { return dir().resolve(model + "_b1_input.bin"); }

    public static Path referenceLogits(String model) { return dir().resolve(model + "_b1_logits.bin"); }

    /** A file the exporter writes, or an error that says how to make it. */
    public static Path require(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: run /usr/bin/python3 scripts/export_onnx.py "
                    + "(or point -Dsaccade.peers.dir at the folder it wrote)");
        }
        return file;
    }

    /** Reads a raw little-endian float32 file of exactly {@code expected} values. */
    public static float[] readFloats(Path file, int expected) throws IOException {
        byte[] bytes = Files.readAllBytes(require(file));
        if (bytes.length != 4L * expected) {
            throw new IOException(file + ": " + bytes.length + " bytes, expected " + expected + " float32 values");
        }
        float[] out = new float[expected];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** max |a − b| / max |b|: the difference of two logit vectors relative to the reference's scale. */
    public static double relativeDifference(float[] a, float[] reference) {
        if (a.length != reference.length) {
            throw new IllegalArgumentException("logits of length " + a.length + " vs reference " + reference.length);
        }
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - reference[i]));
            scale = Math.max(scale, Math.abs((double) reference[i]));
        }
        return diff / Math.max(scale, Float.MIN_NORMAL);
    }

    /** Throws unless {@code logits} agree with PyTorch's reference within {@link #LOGITS_TOLERANCE}; returns the difference. */
    public static double checkAgainstReference(String engine, String model, float[] logits) throws IOException {
        float[] ref = readFloats(referenceLogits(model), logits.length);
        double d = relativeDifference(logits, ref);
        System.out.printf("%s %s: logits vs PyTorch, max |Δ| / max |logit| = %.2e%n", engine, model, d);
        if (!(d <= LOGITS_TOLERANCE)) {
            throw new IllegalStateException(engine + " " + model + ": logits differ from PyTorch's by " + d
                    + " (relative), more than " + LOGITS_TOLERANCE);
        }
        return d;
    }
}
