package dev.saccade.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.Clip;
import dev.saccade.data.io.FrameFolderClip;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.checkpoint.Checkpoints;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming classifier against the offline uni-directional TSM on a tiny model (ResNet-18 of width 8, 32² input).
 * What is compared: the logits (K) returned after frame t of the stream with row t of the offline model's per-frame
 * logits ({@link Tsn#frameLogits}, before the average consensus) over the whole clip, and with the last row of an
 * offline model built for exactly the frames 1..t.
 */
class StreamingClassifierTest {
    private static final int T = 4, K = 6, SIZE = 32;
    private static final Map<String, String> TINY = Map.of("resnet.width", "8");

    /** An offline uni-directional model with a unit-scale head (new_fc starts at N(0, 0.001²)). */
    private static Tsn offline(String id, int frames, long seed) {
        Map<String, String> o = new LinkedHashMap<>(TINY);
        o.put(ModelRegistry.ONLINE, "true");
        Tsn m = ModelRegistry.standard().create(new ModelConfig(id, frames, K, SIZE, 0.5, seed, o));
        Tensor w = m.newFc().weight();
        w.backend().copy(Tensor.uniform(new SplittableRandom(seed + 100), -0.5, 0.5, w.shape().toArray()), w);
        m.eval();
        return m;
    }

    private static Path save(Tsn m, Path file) throws Exception {
        Checkpoints.saveSafetensors(m, file, Map.of());
        return file;
    }

    private static StreamingClassifier streaming(Path weights) {
        return StreamingClassifier.builder().model("tsm-resnet18").weights(weights).option("resnet.width", "8").inputSize(SIZE).top(3).build();
    }

    private static Tensor clip(long seed) { return Tensor.uniform(new SplittableRandom(seed), -2, 2, T, 3, SIZE, SIZE); } // (T, 3, S, S)

    private static float[] frame(Tensor clip, int t) { return clip.narrow(0, t, 1).contiguous().toFloatArray(); }   // (3, S, S)

    private static float[] row(float[] perFrame, int t) { return Arrays.copyOfRange(perFrame, t * K, (t + 1) * K); }

    @Test void pushedFramesGiveTheOfflineUniDirectionalPerFrameLogits(@TempDir Path dir) throws Exception {
        Tsn offline = offline("tsm-resnet18", T, 1);
        Tensor clip = clip(2);
        float[] perFrame;
        try (var g = GradMode.disable()) {
            perFrame = offline.frameLogits(clip).toFloatArray();                                       // (T, K)
        }
        try (StreamingClassifier clf = streaming(save(offline, dir.resolve("w.safetensors")))) {
            assertEquals(K, clf.classes());
            double worst = 0;
            for (int t = 0; t < T; t++) {
                List<Prediction> top = clf.push(frame(clip, t));
                float[] logits = clf.logits();
                for (int k = 0; k < K; k++) worst = Math.max(worst, Math.abs(logits[k] - perFrame[t * K + k]));
                assertArrayEquals(row(perFrame, t), logits, 1e-5f, "frame " + t);
                checkTop(top, logits);

                // The offline model over frames 1..t only: its last frame is this frame.
                Tsn prefix = offline("tsm-resnet18", t + 1, 1);
                prefix.loadStateDict(offline.stateDict(), true);
                try (var g = GradMode.disable()) {
                    float[] p = prefix.frameLogits(clip.narrow(0, 0, t + 1)).toFloatArray();
                    assertArrayEquals(row(p, t), logits, 1e-5f, "frame " + t + " vs the offline model over frames 0.." + t);
                }
            }
            System.out.printf("streaming vs offline uni-directional TSM, %d frames: max |Δlogit| = %.2e%n", T, worst);
            assertEquals(T, clf.frames());

            boolean context = false;                                        // the test could fail: frames see the past
            try (var g = GradMode.disable()) {
                float[] alone = offline("tsm-resnet18", 1, 1).frameLogits(clip.narrow(0, T - 1, 1)).toFloatArray();
                for (int k = 0; k < K; k++) context |= Math.abs(alone[k] - perFrame[(T - 1) * K + k]) > 1e-4;
            }
            assertTrue(context, "the last frame's logits depend on the earlier frames");

            clf.reset();
            assertEquals(0, clf.frames());
            clf.push(frame(clip, 0));
            assertArrayEquals(row(perFrame, 0), clf.logits(), 1e-5f, "after reset() the stream starts again");
        }
    }

    private static void checkTop(List<Prediction> top, float[] logits) {
        assertEquals(3, top.size());
        int argmax = 0;
        for (int k = 1; k < logits.length; k++) if (logits[k] > logits[argmax]) argmax = k;
        assertEquals(argmax, top.get(0).index());
        assertEquals(String.valueOf(argmax), top.get(0).label());
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : logits) max = Math.max(max, v);
        for (float v : logits) sum += Math.exp(v - max);
        assertEquals(Math.exp(logits[argmax] - max) / sum, top.get(0).probability(), 1e-9);
        assertTrue(top.get(0).probability() >= top.get(1).probability() && top.get(1).probability() >= top.get(2).probability());
    }

    /** push(BufferedImage) preprocesses as the TSM test pipeline (FrameFolderClip): scale 256/224, centre crop, ImageNet. */
    @Test void picturesArePreprocessedAsTheTestPipeline(@TempDir Path dir) throws Exception {
        SplittableRandom rng = new SplittableRandom(7);
        Path w = save(offline("tsm-resnet18", 1, 3), dir.resolve("w.safetensors"));
        try (StreamingClassifier pictures = streaming(w); StreamingClassifier tensors = streaming(w)) {
            for (int t = 0; t < T; t++) {
                BufferedImage image = new BufferedImage(45, 38, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 38; y++) for (int x = 0; x < 45; x++) image.setRGB(x, y, rng.nextInt(1 << 24));
                Path folder = Files.createDirectories(dir.resolve("frame" + t));
                ImageIO.write(image, "png", folder.resolve("00001.png").toFile());
                Clip c = FrameFolderClip.load(folder, 1, SIZE);                                     // (1, 3, S, S)
                pictures.push(image);
                tensors.push(c.data());
                assertArrayEquals(tensors.logits(), pictures.logits(), 0f, "frame " + t);
            }
        }
    }

    /** Each instance is one stream: interleaved pushes to two instances give each one's own answers. */
    @Test void twoInstancesKeepTheirOwnCaches(@TempDir Path dir) throws Exception {
        Path w = save(offline("tsm-resnet18", 1, 4), dir.resolve("w.safetensors"));
        Tensor a = clip(5), b = clip(6);
        float[][] alone = new float[T][];
        try (StreamingClassifier clf = streaming(w)) {
            for (int t = 0; t < T; t++) { clf.push(frame(a, t)); alone[t] = clf.logits(); }
        }
        try (StreamingClassifier first = streaming(w); StreamingClassifier second = streaming(w)) {
            for (int t = 0; t < T; t++) {
                first.push(frame(a, t));
                second.push(frame(b, t));
                assertArrayEquals(alone[t], first.logits(), 0f, "frame " + t);
            }
        }
    }

    /** The TSM online demo's layout: features.N.conv.K.*, classifier.* (K rows), no prefixes, no .net; K read from it. */
    @Test void loadsTheOnlineDemoCheckpointLayout(@TempDir Path dir) throws Exception {
        Tsn trained = offline("tsm-mobilenetv2", 1, 8);
        Map<String, Tensor> file = new LinkedHashMap<>();
        trained.stateDict().forEach((k, v) -> file.put(k.startsWith("new_fc.") ? "classifier." + k.substring(7)
                : k.substring("base_model.".length()).replace(".net.", "."), v));
        assertTrue(file.containsKey("features.16.conv.0.weight"), file.keySet().toString());
        Path ckpt = dir.resolve("mobilenetv2_online.safetensors");
        Checkpoints.saveSafetensors(file, ckpt, Map.of());
        Tensor x = clip(9);
        try (StreamingClassifier clf = StreamingClassifier.builder().model("tsm-mobilenetv2").weights(ckpt).inputSize(SIZE)
                .labels(List.of("a", "b", "c", "d", "e", "f")).build();
             var g = GradMode.disable()) {
            assertEquals(K, clf.classes(), "K from classifier.weight");
            Tsn offline = offline("tsm-mobilenetv2", T, 8);
            offline.loadStateDict(trained.stateDict(), true);
            float[] perFrame = offline.frameLogits(x).toFloatArray();
            for (int t = 0; t < T; t++) {
                Prediction p = clf.push(frame(x, t)).get(0);
                assertArrayEquals(row(perFrame, t), clf.logits(), 1e-5f, "frame " + t);
                assertEquals(List.of("a", "b", "c", "d", "e", "f").get(p.index()), p.label());
            }
        }
    }

    @Test void runFolderStatesModelClassesAndSize(@TempDir Path dir) throws Exception {
        Tsn trained = offline("tsm-resnet18", 1, 10);
        Map<String, Tensor> file = new LinkedHashMap<>();
        trained.stateDict().forEach((k, v) -> file.put("model." + k, v));
        Checkpoints.saveSafetensors(file, dir.resolve("best.safetensors"), Map.of());
        Files.writeString(dir.resolve("config.json"), """
                {"model": "tsm-resnet18", "frames": 8, "classes": 6, "inputSize": 32,
                 "modelOptions": {"resnet.width": "8", "tsm.online": "true"}}""");
        Tensor x = clip(11);
        try (StreamingClassifier fromRun = StreamingClassifier.builder().run(dir).build();
             StreamingClassifier fromFile = streaming(save(trained, dir.resolve("w.safetensors")))) {
            assertEquals("tsm-resnet18", fromRun.modelId());
            assertEquals(SIZE, fromRun.inputSize());
            for (int t = 0; t < T; t++) {
                fromRun.push(frame(x, t));
                fromFile.push(frame(x, t));
                assertArrayEquals(fromFile.logits(), fromRun.logits(), 0f);
            }
        }
        Files.writeString(dir.resolve("config.json"), """
                {"model": "tsm-resnet18", "classes": 6, "inputSize": 32, "modelOptions": {"resnet.width": "8"}}""");
        var e = assertThrows(InferenceException.class, () -> StreamingClassifier.builder().run(dir).build());
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("tsm.online=true"), e.getMessage());
    }

    @Test void badInputIsNamed(@TempDir Path dir) throws Exception {
        Path w = save(offline("tsm-resnet18", 1, 12), dir.resolve("w.safetensors"));
        var unknown = assertThrows(InferenceException.class,
                () -> StreamingClassifier.builder().model("tsm+w3-resnet18").weights(w).build());
        assertTrue(unknown.getMessage().contains("tsm+w3-resnet18") && unknown.getMessage().contains("tsm-mobilenetv2"), unknown.getMessage());
        Path missing = dir.resolve("nope.pth");
        var absent = assertThrows(InferenceException.class, () -> StreamingClassifier.builder().model("tsm-resnet18").weights(missing).build());
        assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());
        var other = assertThrows(InferenceException.class,
                () -> StreamingClassifier.builder().model("tsm-resnet50").weights(w).option("resnet.width", "8").inputSize(SIZE).build());
        assertTrue(other.getMessage().contains(w.toString()), other.getMessage());
        var noWeights = assertThrows(InferenceException.class, () -> StreamingClassifier.builder().model("tsm-resnet18").build());
        assertTrue(noWeights.getMessage().contains("weights"), noWeights.getMessage());
        var labels = assertThrows(InferenceException.class,
                () -> StreamingClassifier.builder().model("tsm-resnet18").weights(w).option("resnet.width", "8").labels(List.of("x")).build());
        assertTrue(labels.getMessage().contains("1 names for 6 classes"), labels.getMessage());

        StreamingClassifier clf = streaming(w);
        var size = assertThrows(InferenceException.class, () -> clf.push(new float[3 * 31 * 31]));
        assertTrue(size.getMessage().contains("(3, 32, 32)"), size.getMessage());
        assertThrows(IllegalStateException.class, clf::logits);
        clf.close();
        assertThrows(IllegalStateException.class, () -> clf.push(new float[3 * SIZE * SIZE]));
    }
}
