package dev.saccade.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.io.ClassNames;
import dev.saccade.data.io.DataFileException;
import dev.saccade.data.io.FrameReadException;
import dev.saccade.data.io.FrameReader;
import dev.saccade.data.io.SomethingV2Json;
import dev.saccade.data.io.TsnListFile;
import dev.saccade.data.io.VideoRecord;
import dev.saccade.data.transform.GroupScale;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Careless and hostile dataset inputs: every reader throws a {@link DataFileException} whose one-line message names
 * the file (and line), images are refused from their header before decoding when too large, and text from a file is
 * escaped in the message.
 */
class HostileDataInputTest {
    @TempDir Path dir;

    @Test
    void aListFileWithAByteOrderMarkAndCrlfReadsLikeAPlainOne() throws IOException {
        Path list = dir.resolve("train.txt");
        Files.write(list, ("\uFEFFvid1 10 2\r\nvid2 7 1\r\n").getBytes(StandardCharsets.UTF_8));
        List<VideoRecord> videos = TsnListFile.read(list, false);
        assertEquals(List.of("vid1", "vid2"), videos.stream().map(VideoRecord::dir).toList());
        assertEquals(List.of(2, 1), videos.stream().map(VideoRecord::label).toList());

        Path labels = dir.resolve("labels.txt");
        Files.write(labels, "\uFEFFpushing\r\npulling\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("pushing", "pulling"), ClassNames.read(labels, 2));
        DataFileException e = assertThrows(DataFileException.class, () -> ClassNames.read(labels, 3));
        assertTrue(e.getMessage().startsWith(labels + ": labels file has 2 class names"), e.getMessage());
    }

    @Test
    void jsonAnnotationsWithAByteOrderMarkAndCrlfParse() throws IOException {
        Files.write(dir.resolve("something-something-v2-labels.json"),
                "\uFEFF{\"Holding something\": \"0\",\r\n \"Pushing something\": \"1\"}\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("Holding something", "Pushing something"), SomethingV2Json.classNames(dir));
        Files.writeString(dir.resolve("something-something-v2-labels.json"), "{\"Holding something\": \"0\",\r\n");
        DataFileException e = assertThrows(DataFileException.class, () -> SomethingV2Json.classNames(dir));
        assertTrue(e.getMessage().contains("labels.json") && e.getMessage().contains("invalid JSON"), e.getMessage());
    }

    @Test
    void badTextIsNamedWithFileAndLineAndEscaped() throws IOException {
        Path list = dir.resolve("bad.txt");
        Files.write(list, new byte[] {'v', ' ', '1', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        DataFileException e = assertThrows(DataFileException.class, () -> TsnListFile.read(list, false));
        assertTrue(e.getMessage().startsWith(list + ": not UTF-8 text"), e.getMessage());

        Files.writeString(list, "vid1 10 \u001b[31mred\u001b[0m\n");
        e = assertThrows(DataFileException.class, () -> TsnListFile.read(list, false));
        assertTrue(e.getMessage().startsWith(list + ":1: label '\\x1b[31mred\\x1b[0m' is not an integer"),
                e.getMessage());
        assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), e.getMessage());
        assertEquals(list, e.file());
    }

    @Test
    void brokenFramesAreTypedErrorsNamingTheFile() throws IOException {
        Path empty = Files.write(dir.resolve("00001.jpg"), new byte[0]);
        assertFrameError(empty, "");
        Path text = Files.writeString(dir.resolve("00002.jpg"), "this is a text file, not a JPEG\n");
        assertFrameError(text, "not a decodable image");
        byte[] jpeg = jpeg(64, 48);
        Path cut = Files.write(dir.resolve("00003.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        assertFrameError(cut, "corrupt");
        assertFrameError(dir.resolve("00004.jpg"), "missing frame");
    }

    @Test
    void framesAreCheckedFromTheirHeaderBeforeDecoding() throws IOException {
        // a 77-byte PNG whose header claims 20000 × 20000 (1.6 GB of RGB)
        Path huge = Files.write(dir.resolve("huge.png"), pngHeaderOnly(20_000, 20_000));
        assertFrameError(huge, "20000x20000 = 400000000 pixels, more than the 67108864");
        Path line = Files.write(dir.resolve("line.png"), pngHeaderOnly(30_000, 1));
        assertFrameError(line, "aspect ratio beyond 16:1");
        // and a real frame still decodes
        Path ok = Files.write(dir.resolve("ok.jpg"), jpeg(64, 48));
        assertEquals(64, FrameReader.read(ok).width());
    }

    @Test
    void scalingToAHugeFrameIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GroupScale(4096).outputSize(16, 4096 * 16));
        assertTrue(e.getMessage().contains("more than " + GroupScale.MAX_OUTPUT_PIXELS), e.getMessage());
        assertEquals(List.of(256, 341), List.of(new GroupScale(256).outputSize(480, 640)[0],
                new GroupScale(256).outputSize(480, 640)[1]));
    }

    @Test
    void aVideoLongerThanTheFrameLimitIsRefusedAndLeavesNothingBehind() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        // a stand-in for ffmpeg: writes as many copies of one JPEG as -frames:v allows, at most 40
        Path frame = Files.write(dir.resolve("frame.jpg"), jpeg(48, 32));
        Path fake = dir.resolve("fake-ffmpeg");
        Files.writeString(fake, "#!/bin/sh\nn=40; prev=; for a in \"$@\"; do [ \"$prev\" = -frames:v ] && n=$a; "
                + "prev=$a; out=$a; done\n[ $n -gt 40 ] && n=40\ni=1; while [ $i -le $n ]; do cp '" + frame
                + "' \"$(printf \"$out\" $i)\"; i=$((i+1)); done\n");
        assertTrue(fake.toFile().setExecutable(true));
        Path video = Files.write(dir.resolve("film.mp4"), new byte[16]);
        Path[] seen = new Path[1];
        var e = assertThrows(IllegalArgumentException.class, () -> new dev.saccade.data.io.FfmpegFrames(fake.toString(), 10)
                .withFrames(video, folder -> seen[0] = folder));
        assertTrue(e.getMessage().startsWith("video " + video + " has more than 10 frames"), e.getMessage());
        int frames = new dev.saccade.data.io.FfmpegFrames(fake.toString(), 100).withFrames(video, folder -> {
            seen[0] = folder;
            try (var files = Files.list(folder)) {
                return (int) files.count();
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        });
        assertEquals(40, frames);
        assertTrue(!Files.exists(seen[0]), "the temporary frame folder is deleted");
    }

    private static void assertFrameError(Path file, String fragment) {
        FrameReadException e = assertThrows(FrameReadException.class, () -> FrameReader.read(file));
        assertInstanceOf(DataFileException.class, e);
        assertTrue(e.getMessage().startsWith("cannot read frame " + file + ": ") && e.getMessage().contains(fragment),
                e.getMessage());
        assertEquals(file, e.file());
    }

    private static byte[] jpeg(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 77);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    /** PNG signature, an IHDR chunk (8-bit RGB) and IEND: no pixel data (PNG spec §11.2.2). */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
