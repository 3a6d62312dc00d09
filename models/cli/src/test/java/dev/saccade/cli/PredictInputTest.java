package dev.saccade.cli;

import dev.saccade.data.io.ClassNames;
import dev.saccade.data.io.FfmpegFrames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.io.FrameReadException;
import dev.saccade.nn.io.RawArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PredictInputTest {

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** Frame i (1-based file name) is the constant colour (10·i, 100, 200 − 10·i). */
    private static int[] colour(int i) {
        return new int[] {10 * i, 100, 200 - 10 * i};
    }

    private static void writeFrames(Path dir, int count, int w, int h) throws IOException {
        for (int i = count; i >= 1; i--) { // written in reverse: the order must come from the names
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] c = colour(i);
            int rgb = (c[0] << 16) | (c[1] << 8) | c[2];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.setRGB(x, y, rgb);
                }
            }
            assertTrue(ImageIO.write(img, "png", dir.resolve(String.format("%05d.png", i)).toFile()));
        }
    }

    @Test
    void frameFolderGivesCentreSampledScaledCroppedNormalisedClip(@TempDir Path dir) throws IOException {
        writeFrames(dir, 10, 60, 40);
        Files.writeString(dir.resolve("notes.txt"), "not a frame");
        int frames = 4;
        int size = 32;
        RawArray batch = PredictInput.load(dir, frames, size, new FfmpegFrames("ffmpeg"));
        assertArrayEquals(new int[] {1, frames, 3, size, size}, batch.shape());

        float[] data = batch.toFloats(); // (1, T, 3, size, size)
        int plane = size * size;
        for (int t = 0; t < frames; t++) {
            int position = (int) (10.0 / frames / 2 + 10.0 / frames * t); // segment centre, 0-based
            int[] c = colour(position + 1);
            for (int ch = 0; ch < 3; ch++) {
                float expected = ((float) c[ch] / 255f - MEAN[ch]) / STD[ch];
                for (int p = 0; p < plane; p++) {
                    assertEquals(expected, data[(t * 3 + ch) * plane + p], 1e-6f,
                            "frame " + t + " (file " + (position + 1) + ") channel " + ch + " pixel " + p);
                }
            }
        }
    }

    @Test
    void unreadableFrameNamesTheFile(@TempDir Path dir) throws IOException {
        writeFrames(dir, 6, 40, 40); // T = 3 samples positions 1, 3, 5: files 00002, 00004, 00006
        Path bad = dir.resolve("00002.png");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        FrameReadException e = assertThrows(FrameReadException.class,
                () -> PredictInput.load(dir, 3, 32, new FfmpegFrames("ffmpeg")));
        assertEquals(bad, e.file());
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void emptyFolderIsNamed(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PredictInput.load(dir, 3, 32, new FfmpegFrames("ffmpeg")));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void videoWithoutFfmpegSaysWhatToDo(@TempDir Path dir) throws IOException {
        Path video = dir.resolve("clip.webm");
        Files.write(video, new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3});
        FfmpegFrames missing = new FfmpegFrames("saccade-no-such-ffmpeg");
        assertTrue(missing.locate().isEmpty());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PredictInput.load(video, 8, 224, missing));
        assertTrue(e.getMessage().contains(video.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("install ffmpeg"), e.getMessage());
        assertTrue(e.getMessage().contains("folder of JPEG/PNG frames"), e.getMessage());
    }

    @Test
    void predictCommandReportsMissingFfmpegBeforeLoadingTheModel(@TempDir Path dir) throws IOException {
        Path video = dir.resolve("clip.mp4");
        Files.write(video, new byte[16]);
        PredictCommand cmd = new PredictCommand();
        new CommandLine(cmd).parseArgs("--model", "tsm-resnet50", "--classes", "3",
                "--weights", dir.resolve("absent.pth").toString(), "--input", video.toString());
        cmd.ffmpeg = "saccade-no-such-ffmpeg";
        IllegalStateException e = assertThrows(IllegalStateException.class, cmd::call);
        assertTrue(e.getMessage().contains("install ffmpeg"), e.getMessage());
    }

    @Test
    void labelsFileMustMatchTheClassCount(@TempDir Path dir) throws IOException {
        Path labels = dir.resolve("category.txt");
        Files.writeString(labels, "Pushing something\nPulling something\n\n");
        assertEquals(List.of("Pushing something", "Pulling something"), ClassNames.read(labels, 2));
        var e = assertThrows(dev.saccade.data.io.DataFileException.class, () -> ClassNames.read(labels, 3));
        assertTrue(e.getMessage().contains(labels.toString()) && e.getMessage().contains("3"), e.getMessage());
    }
}
