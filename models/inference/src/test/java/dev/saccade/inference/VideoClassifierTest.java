package dev.saccade.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.io.FrameFolderClip;
import dev.saccade.nn.io.Npy;
import dev.saccade.nn.io.RawArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library path against the official TSM code's logits, and its inputs: .npy clips, frame folders, images. */
class VideoClassifierTest {
    /** The official-code goldens of the model zoo: TSM-MobileNetV2, 4 frames, 10 classes, two 64×64 clips. */
    static final Path GOLDENS = Path.of("..", "zoo", "src", "test", "resources", "goldens", "models");
    static final Path WEIGHTS = GOLDENS.resolve("tsm_mobilenetv2.pth");

    static VideoClassifier official() {
        return VideoClassifier.builder().model("tsm-mobilenetv2").frames(4).inputSize(64).weights(WEIGHTS).build();
    }

    /** Clip i of the golden batch (2, 4, 3, 64, 64) as its own (1, 4, 3, 64, 64) .npy. */
    static Path goldenClip(Path dir, int i) throws IOException {
        float[] all = Npy.read(GOLDENS.resolve("clip.npy")).toFloats();
        int n = 4 * 3 * 64 * 64;
        Path p = dir.resolve("clip" + i + ".npy");
        Npy.write(p, RawArray.ofFloats(Arrays.copyOfRange(all, i * n, (i + 1) * n), 1, 4, 3, 64, 64));
        return p;
    }

    @Test void logitsMatchTheOfficialCodeWithClassesReadFromTheCheckpoint(@TempDir Path tmp) throws IOException {
        float[] want = Npy.read(GOLDENS.resolve("tsm_mobilenetv2_logits.npy")).toFloats();        // (2, 10)
        try (VideoClassifier clf = official()) {
            assertEquals(10, clf.classes(), "classes come from new_fc.weight");
            double worst = 0;
            for (int i = 0; i < 2; i++) {
                float[] got = clf.logits(goldenClip(tmp, i));
                for (int k = 0; k < 10; k++) worst = Math.max(worst, Math.abs(got[k] - want[i * 10 + k]) / (1e-3 + Math.abs(want[i * 10 + k])));
            }
            System.out.printf("VideoClassifier vs official TSM-MobileNetV2: max rel diff %.2e%n", worst);
            assertTrue(worst < 1e-4, "max relative difference " + worst);
        }
    }

    @Test void classifyAllIsOneBatchWithTheSameAnswers(@TempDir Path tmp) throws IOException {
        try (VideoClassifier clf = official()) {
            List<Path> clips = List.of(goldenClip(tmp, 0), goldenClip(tmp, 1));
            List<List<Prediction>> all = clf.classifyAll(clips, 3);
            for (int i = 0; i < 2; i++) {
                List<Prediction> one = clf.classify(clips.get(i), 3);
                assertEquals(3, one.size());
                for (int j = 0; j < 3; j++) {
                    assertEquals(one.get(j).index(), all.get(i).get(j).index());
                    assertEquals(one.get(j).probability(), all.get(i).get(j).probability(), 1e-5);
                }
                assertTrue(one.get(0).probability() >= one.get(1).probability());
            }
        }
    }

    @Test void labelsNameThePredictions(@TempDir Path tmp) throws IOException {
        Path labels = tmp.resolve("labels.txt");
        List<String> names = new ArrayList<>();
        for (int k = 0; k < 10; k++) names.add("action " + k);
        Files.write(labels, names);
        try (VideoClassifier clf = VideoClassifier.builder().model("tsm-mobilenetv2").frames(4).inputSize(64).weights(WEIGHTS)
                .labels(labels).build()) {
            Prediction p = clf.classify(goldenClip(tmp, 0), 1).get(0);
            assertEquals("action " + p.index(), p.label());
            assertTrue(p.toString().startsWith("action " + p.index() + " (#" + p.index() + ")"), p.toString());
        }
    }

    @Test void aFrameFolderAndItsImagesGiveTheSameLogits(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("frames"));
        List<BufferedImage> images = new ArrayList<>();
        for (int f = 0; f < 11; f++) {
            BufferedImage img = new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 80; y++) for (int x = 0; x < 96; x++) img.setRGB(x, y, ((x * 3 + f * 20) & 255) << 16 | ((y * 5) & 255) << 8 | ((x + y + f) & 255));
            ImageIO.write(img, "png", dir.resolve(String.format("%05d.png", f)).toFile());
            images.add(img);
        }
        try (VideoClassifier clf = official()) {
            float[] folder = clf.logits(dir);
            float[] direct = clf.logits(FrameFolderClip.load(dir, 4, 64).data());
            assertArrayEquals(direct, folder);
            List<Prediction> fromImages = clf.classify(images, 10), fromFolder = clf.classify(dir, 10);
            assertEquals(fromFolder, fromImages);
        }
    }

    @Test void badInputThrowsATypedErrorNamingTheFile(@TempDir Path tmp) throws IOException {
        try (VideoClassifier clf = official()) {
            Path missing = tmp.resolve("missing.mp4");
            InferenceException e = assertThrows(InferenceException.class, () -> clf.classify(missing, 1));
            assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

            Path empty = Files.createDirectory(tmp.resolve("empty"));
            e = assertThrows(InferenceException.class, () -> clf.classify(empty, 1));
            assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("no .jpg"), e.getMessage());

            Path wrongT = tmp.resolve("t8.npy");
            Npy.write(wrongT, RawArray.ofFloats(new float[8 * 3 * 64 * 64], 1, 8, 3, 64, 64));
            e = assertThrows(InferenceException.class, () -> clf.classify(wrongT, 1));
            assertTrue(e.getMessage().contains(wrongT.toString()) && e.getMessage().contains("(4, 3, 64, 64)"), e.getMessage());

            Path garbage = Files.write(tmp.resolve("garbage.npy"), new byte[] {1, 2, 3});
            e = assertThrows(InferenceException.class, () -> clf.classify(garbage, 1));
            assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());

            float[] nan = new float[4 * 3 * 64 * 64];
            nan[17] = Float.NaN;
            e = assertThrows(InferenceException.class, () -> clf.logits(nan));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            assertThrows(InferenceException.class, () -> clf.logits(new float[5]));
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(java.util.Set.of("empty", "garbage.npy", "t8.npy"),
                    left.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()), "nothing left behind");
        }
    }

    @Test void aCheckpointForAnotherModelIsRefusedAtBuild() {
        InferenceException e = assertThrows(InferenceException.class,
                () -> VideoClassifier.builder().model("tsm-resnet18").frames(4).inputSize(64).weights(WEIGHTS).build());
        assertTrue(e.getMessage().contains(WEIGHTS.toString()) && e.getMessage().contains("does not match the model"), e.getMessage());
        e = assertThrows(InferenceException.class, () -> VideoClassifier.builder().model("tsm-mobilenetv2").weights(Path.of("nope.pth")).build());
        assertTrue(e.getMessage().contains("nope.pth"), e.getMessage());
        e = assertThrows(InferenceException.class, () -> VideoClassifier.builder().model("tsm-vgg").weights(WEIGHTS).build());
        assertTrue(e.getMessage().contains("tsm-vgg"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VideoClassifier.builder().device(dev.saccade.tensor.Device.cuda(0)));
    }

    @Test void closedClassifierRefusesWork(@TempDir Path tmp) throws IOException {
        VideoClassifier clf = official();
        clf.close();
        Path clip = goldenClip(tmp, 0);
        assertThrows(IllegalStateException.class, () -> clf.logits(clip));
    }
}
