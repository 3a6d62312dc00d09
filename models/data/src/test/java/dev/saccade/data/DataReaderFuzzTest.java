package dev.saccade.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.saccade.data.io.DataFileException;
import dev.saccade.data.io.FrameReader;
import dev.saccade.data.io.SomethingV2Json;
import dev.saccade.data.io.TsnListFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataset readers against random damage (seeded bit flips, overwritten bytes, truncations): a damaged JPEG or
 * PNG frame, list file or JSON annotation either reads or fails with a {@link DataFileException} naming the file;
 * never another exception.
 */
class DataReaderFuzzTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png"})
    void damagedFramesDecodeOrAreRefusedNamingTheFile(String format) throws IOException {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | (x ^ y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        byte[] good = out.toByteArray();
        Path f = dir.resolve("frame." + format);
        Random random = new Random(format.hashCode());
        int refused = 0;
        for (int i = 0; i < 120; i++) {
            byte[] bad = damage(good, random, i % 3);
            Files.write(f, bad);
            try {
                FrameReader.read(f);
            } catch (DataFileException e) {
                assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
                assertEquals(f, e.file());
                refused++;
            } catch (RuntimeException | Error e) {
                fail(format + " damage " + i + ": " + e, e);
            }
        }
        System.out.printf("%s: %d of 120 damaged frames refused%n", format, refused);
        assertTrue(refused >= 40, "truncations are refused: " + refused);
    }

    @Test
    void damagedAnnotationFilesParseOrAreRefusedNamingTheFile() throws IOException {
        byte[] list = "vid1 10 2\nvid2 7 1\nvid3 12 0\n".getBytes(StandardCharsets.UTF_8);
        byte[] json = ("{\"Holding something\": \"0\", \"Pushing something\": \"1\"}").getBytes(StandardCharsets.UTF_8);
        Random random = new Random(7);
        for (int i = 0; i < 150; i++) {
            Path l = Files.write(dir.resolve("list.txt"), damage(list, random, i % 3));
            try {
                TsnListFile.read(l, true);
            } catch (DataFileException e) {
                assertTrue(e.getMessage().startsWith(l.toString()), e.getMessage());
            } catch (RuntimeException e) {
                fail("list damage " + i + ": " + e, e);
            }
            Path j = Files.write(dir.resolve(SomethingV2Json.PREFIX + "-labels.json"), damage(json, random, i % 3));
            try {
                SomethingV2Json.classNames(dir);
            } catch (DataFileException e) {
                assertTrue(e.getMessage().startsWith(j.toString()), e.getMessage());
            } catch (RuntimeException e) {
                fail("json damage " + i + ": " + e, e);
            }
        }
    }

    /** kind 0: one bit flipped; 1: a run of random bytes; 2: truncated. */
    private static byte[] damage(byte[] good, Random random, int kind) {
        byte[] bad = good.clone();
        switch (kind) {
            case 0 -> {
                int bit = random.nextInt(8 * bad.length);
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            case 1 -> {
                int at = random.nextInt(bad.length);
                byte[] run = new byte[1 + random.nextInt(12)];
                random.nextBytes(run);
                System.arraycopy(run, 0, bad, at, Math.min(run.length, bad.length - at));
            }
            default -> bad = Arrays.copyOf(good, random.nextInt(good.length));
        }
        return bad;
    }
}
