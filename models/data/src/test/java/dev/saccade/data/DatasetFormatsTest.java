package dev.saccade.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.io.AnnotationException;
import dev.saccade.data.io.DatasetSplit;
import dev.saccade.data.io.EgoGesture;
import dev.saccade.data.io.FrameFolderDataset;
import dev.saccade.data.io.FrameReadException;
import dev.saccade.data.io.FrameReader;
import dev.saccade.data.io.SomethingV2Json;
import dev.saccade.data.io.TsnListFile;
import dev.saccade.data.io.TwentyBnCsv;
import dev.saccade.data.io.VideoAnnotations;
import dev.saccade.data.io.VideoRecord;
import dev.saccade.data.sampling.ClipSampling;
import dev.saccade.data.transform.GroupCenterCrop;
import dev.saccade.data.transform.TestProtocol;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Miniature datasets in each official format (docs/MODELS.md §8), well-formed and malformed. */
class DatasetFormatsTest {

    @TempDir
    Path root;

    /** Writes frames {@code first … first+n−1} of a solid colour that encodes (video, frame). */
    static void writeFrames(Path dir, String template, int first, int n, int w, int h, int video) throws IOException {
        Files.createDirectories(dir);
        for (int i = first; i < first + n; i++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            int rgb = ((video * 40) % 256) << 16 | ((i * 20) % 256) << 8 | 128;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.setRGB(x, y, rgb);
                }
            }
            ImageIO.write(img, "jpg", dir.resolve(String.format(template, i)).toFile());
        }
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void tsmListFile() throws IOException {
        Path list = root.resolve("train_videofolder.txt");
        write(list, "vid1 10 2\nvid2 2 1\n\nvid3 5 0\n");
        List<VideoRecord> train = TsnListFile.read(list, false);
        assertEquals(2, train.size(), "the 2-frame video is dropped outside test mode");
        assertEquals("vid1", train.get(0).dir());
        assertEquals(10, train.get(0).numFrames());
        assertEquals(2, train.get(0).label());
        assertEquals(3, TsnListFile.read(list, true).size());

        write(list, "vid1 10 2\nvid2 7\n");
        AnnotationException e = assertThrows(AnnotationException.class, () -> TsnListFile.read(list, false));
        assertTrue(e.getMessage().contains("train_videofolder.txt:2"), e.getMessage());
        assertTrue(e.getMessage().contains("2 fields"), e.getMessage());
        write(list, "vid1 ten 2\n");
        e = assertThrows(AnnotationException.class, () -> TsnListFile.read(list, false));
        assertTrue(e.getMessage().contains(":1") && e.getMessage().contains("num_frames 'ten'"), e.getMessage());

        // decode through the dataset: 1-based {:05d} frames
        writeFrames(root.resolve("frames/vid1"), "%05d.jpg", 1, 10, 12, 10, 1);
        write(list, "vid1 10 2\n");
        VideoAnnotations a = new VideoAnnotations(TsnListFile.read(list, false), List.of("a", "b", "c"), "%05d.jpg", "frames");
        FrameFolderDataset ds = FrameFolderDataset.builder(a, root).segments(4).sampling(ClipSampling.VAL).build();
        Clip c = ds.get(0, new Random(0));
        assertEquals(4, c.frames());
        assertEquals(10, c.height());
        assertEquals(12, c.width());
        assertEquals(2, c.label());
        // val positions for nf=10, T=4: int(1.25 + 2.5 t) = 1, 3, 6, 8 → files 2, 4, 7, 9; green encodes the frame
        int[] files = {2, 4, 7, 9};
        for (int t = 0; t < 4; t++) {
            float g = c.data()[c.offset(t, 1, 5, 5)] * ImageNetNormalize.STD[1] + ImageNetNormalize.MEAN[1];
            assertEquals(files[t] * 20 / 255f, g, 6 / 255f, "frame " + t);
        }
    }

    @Test
    void somethingV1SortsLabelsAndChecksLines() throws IOException {
        write(root.resolve("something-something-v1-labels.csv"), "Pushing something\nDropping something\nHolding something\n");
        write(root.resolve("something-something-v1-train.csv"), "100;Pushing something\n101;Dropping something\n102;Holding something\n");
        writeFrames(root.resolve("20bn-something-something-v1/100"), "%05d.jpg", 1, 6, 8, 8, 0);
        writeFrames(root.resolve("20bn-something-something-v1/101"), "%05d.jpg", 1, 5, 8, 8, 1);
        writeFrames(root.resolve("20bn-something-something-v1/102"), "%05d.jpg", 1, 2, 8, 8, 2);
        VideoAnnotations a = TwentyBnCsv.SOMETHING_V1.load(root, DatasetSplit.TRAIN);
        assertEquals(List.of("Dropping something", "Holding something", "Pushing something"), a.classNames());
        assertEquals(2, a.videos().size(), "the 2-frame video is dropped");
        assertEquals(2, a.videos().get(0).label());
        assertEquals(6, a.videos().get(0).numFrames());
        assertEquals(0, a.videos().get(1).label());
        Clip c = FrameFolderDataset.builder(a, root).segments(3).build().get(1, new Random(2));
        assertEquals(3, c.frames());

        write(root.resolve("something-something-v1-train.csv"), "100;Pushing something\n101 Dropping something\n");
        AnnotationException e = assertThrows(AnnotationException.class, () -> TwentyBnCsv.SOMETHING_V1.load(root, DatasetSplit.TRAIN));
        assertTrue(e.getMessage().contains("something-something-v1-train.csv:2") && e.getMessage().contains("no ';'"), e.getMessage());
        write(root.resolve("something-something-v1-train.csv"), "100;Pushing something\n101;Juggling something\n");
        e = assertThrows(AnnotationException.class, () -> TwentyBnCsv.SOMETHING_V1.load(root, DatasetSplit.TRAIN));
        assertTrue(e.getMessage().contains("train.csv:2") && e.getMessage().contains("unknown label 'Juggling something'"), e.getMessage());
        write(root.resolve("something-something-v1-train.csv"), "999;Pushing something\n");
        FrameReadException missing = assertThrows(FrameReadException.class, () -> TwentyBnCsv.SOMETHING_V1.load(root, DatasetSplit.TRAIN));
        assertTrue(missing.getMessage().contains("999") && missing.getMessage().contains("train.csv:1"), missing.getMessage());
    }

    @Test
    void jesterCsv() throws IOException {
        write(root.resolve("jester-v1-labels.csv"), "Swiping Left\nDoing other things\n");
        write(root.resolve("jester-v1-validation.csv"), "7;Swiping Left\n");
        write(root.resolve("jester-v1-test.csv"), "8\n");
        writeFrames(root.resolve("20bn-jester-v1/7"), "%05d.jpg", 1, 4, 8, 6, 7);
        writeFrames(root.resolve("20bn-jester-v1/8"), "%05d.jpg", 1, 2, 8, 6, 8);
        VideoAnnotations val = TwentyBnCsv.JESTER.load(root, DatasetSplit.VAL);
        assertEquals(1, val.videos().get(0).label(), "'Swiping Left' sorts after 'Doing other things'");
        VideoAnnotations test = TwentyBnCsv.JESTER.load(root, DatasetSplit.TEST);
        assertEquals(1, test.videos().size(), "test mode keeps short videos");
        assertEquals(0, test.videos().get(0).label());
        assertEquals("%05d.jpg", test.template());
    }

    @Test
    void somethingV2Json() throws IOException {
        write(root.resolve("something-something-v2-labels.json"),
                "{\"Holding something next to something\": \"0\", \"Pushing something from left to right\": \"1\"}");
        write(root.resolve("something-something-v2-validation.json"),
                "[{\"id\": \"55\", \"label\": \"pushing a cup from left to right\", \"template\": \"Pushing [something] from left to right\", \"placeholders\": [\"a cup\"]},"
                        + " {\"id\": \"56\", \"label\": \"x\", \"template\": \"Holding [something] next to [something]\", \"placeholders\": []}]");
        writeFrames(root.resolve(SomethingV2Json.FRAMES_DIR + "/55"), "%06d.jpg", 1, 9, 10, 8, 55);
        writeFrames(root.resolve(SomethingV2Json.FRAMES_DIR + "/56"), "%06d.jpg", 1, 4, 10, 8, 56);
        VideoAnnotations a = SomethingV2Json.load(root, DatasetSplit.VAL);
        assertEquals(List.of("Holding something next to something", "Pushing something from left to right"), a.classNames());
        assertEquals(1, a.videos().get(0).label());
        assertEquals(0, a.videos().get(1).label());
        assertEquals(9, a.videos().get(0).numFrames());
        FrameFolderDataset ds = FrameFolderDataset.builder(a, root).segments(4).sampling(ClipSampling.VAL).build();
        assertTrue(ds.framePath(a.videos().get(0), 0).endsWith("55/000001.jpg"));
        // twice-sample × 3 full-res crops of 8×8 after scaling the shorter side to 8
        List<Clip> views = ds.views(0, TestProtocol.accurate(8), new Random(0));
        assertEquals(6, views.size());
        assertEquals(8, views.get(5).width());

        write(root.resolve("something-something-v2-validation.json"),
                "[{\"id\": \"55\", \"template\": \"Throwing [something]\"}]");
        AnnotationException e = assertThrows(AnnotationException.class, () -> SomethingV2Json.load(root, DatasetSplit.VAL));
        assertTrue(e.getMessage().contains("validation.json") && e.getMessage().contains("unknown label 'Throwing something'"), e.getMessage());
        write(root.resolve("something-something-v2-validation.json"), "[{\"id\": \"55\", ");
        e = assertThrows(AnnotationException.class, () -> SomethingV2Json.load(root, DatasetSplit.VAL));
        assertTrue(e.getMessage().contains("validation.json") && e.getMessage().contains("invalid JSON"), e.getMessage());
    }

    @Test
    void egoGestureSubjectsAndRanges() throws IOException {
        write(root.resolve("labels/Subject03/Scene1/Group1.csv"), "5,10,20\n83,30,34\n");
        write(root.resolve("labels/Subject04/Scene2/Group3.csv"), "1,1,6\n");
        for (int s : EgoGesture.TRAIN_SUBJECTS) {
            Files.createDirectories(root.resolve(String.format("labels/Subject%02d", s)));
        }
        writeFrames(root.resolve("frames/Subject03/Scene1/Color/rgb1"), "%06d.jpg", 10, 9, 8, 8, 3);
        VideoAnnotations a = EgoGesture.load(root, DatasetSplit.TRAIN);
        assertEquals(3, a.videos().size());
        VideoRecord first = a.videos().get(0);
        assertEquals(4, first.label(), "class 5 (1-based) is label 4");
        assertEquals(9, first.numFrames(), "range(10, 19) has 9 frames");
        assertEquals(10, first.firstFrame());
        assertEquals("frames/Subject03/Scene1/Color/rgb1", first.dir());
        assertEquals(82, a.videos().get(1).label());
        assertEquals("frames/Subject04/Scene2/Color/rgb3", a.videos().get(2).dir());
        FrameFolderDataset ds = FrameFolderDataset.builder(a, root).segments(3).sampling(ClipSampling.VAL).build();
        assertTrue(ds.framePath(first, 8).endsWith("rgb1/000018.jpg"));
        assertEquals(3, ds.get(0, new Random(0)).frames());

        write(root.resolve("labels/Subject04/Scene2/Group3.csv"), "1,1,6\n84,3,9\n");
        AnnotationException e = assertThrows(AnnotationException.class, () -> EgoGesture.load(root, DatasetSplit.TRAIN));
        assertTrue(e.getMessage().contains("Group3.csv:2") && e.getMessage().contains("class 84"), e.getMessage());
        write(root.resolve("labels/Subject04/Scene2/Group3.csv"), "1;1;6\n");
        e = assertThrows(AnnotationException.class, () -> EgoGesture.load(root, DatasetSplit.TRAIN));
        assertTrue(e.getMessage().contains("Group3.csv:1") && e.getMessage().contains("class,start,end"), e.getMessage());
        assertEquals(40, EgoGesture.subjects(DatasetSplit.TRAIN_PLUS_VAL).size());
    }

    @Test
    void badFramesThrowOrAreSkippedAndCounted() throws IOException {
        writeFrames(root.resolve("frames/good"), "%05d.jpg", 1, 8, 8, 8, 1);
        writeFrames(root.resolve("frames/gap"), "%05d.jpg", 1, 8, 8, 8, 2);
        Files.delete(root.resolve("frames/gap/00004.jpg"));
        writeFrames(root.resolve("frames/corrupt"), "%05d.jpg", 1, 8, 8, 8, 3);
        byte[] bytes = Files.readAllBytes(root.resolve("frames/corrupt/00003.jpg"));
        for (int i = 2; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        Files.write(root.resolve("frames/corrupt/00003.jpg"), bytes);
        Files.write(root.resolve("frames/corrupt/00006.jpg"), new byte[] {1, 2, 3, 4, 5});

        FrameReadException e = assertThrows(FrameReadException.class, () -> FrameReader.read(root.resolve("frames/corrupt/00003.jpg")));
        assertTrue(e.getMessage().contains("00003.jpg"), e.getMessage());
        e = assertThrows(FrameReadException.class, () -> FrameReader.read(root.resolve("frames/corrupt/00006.jpg")));
        assertTrue(e.getMessage().contains("00006.jpg") && e.getMessage().contains("not a decodable image"), e.getMessage());

        List<VideoRecord> videos = List.of(new VideoRecord("good", 8, 0, 1, "t:1"),
                new VideoRecord("gap", 8, 1, 1, "t:2"), new VideoRecord("corrupt", 8, 0, 1, "t:3"));
        VideoAnnotations a = new VideoAnnotations(videos, List.of("x", "y"), "%05d.jpg", "frames");
        // val positions for nf = 8, T = 4: 1, 3, 5, 7 → files 2, 4, 6, 8
        FrameFolderDataset strict = FrameFolderDataset.builder(a, root).segments(4).sampling(ClipSampling.VAL).build();
        e = assertThrows(FrameReadException.class, () -> strict.get(1, new Random(0)));
        assertTrue(e.getMessage().contains("gap") && e.getMessage().contains("00004.jpg") && e.getMessage().contains("missing"), e.getMessage());
        e = assertThrows(FrameReadException.class, () -> strict.get(2, new Random(0)));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());

        FrameFolderDataset lenient = FrameFolderDataset.builder(a, root).segments(4).sampling(ClipSampling.VAL)
                .transform(new GroupCenterCrop(6)).skipBadFrames(true).build();
        assertEquals(6, lenient.get(0, new Random(0)).width());
        assertNull(lenient.get(1, new Random(0)));
        assertNull(lenient.get(2, new Random(0)));
        assertEquals(2, lenient.skippedClips());
        int[] labels = {lenient.get(0, new Random(0)).label()};
        assertArrayEquals(new int[] {0}, labels);
    }
}
