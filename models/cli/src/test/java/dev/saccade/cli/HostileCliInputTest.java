package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.io.Npy;
import dev.saccade.nn.io.RawArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Hostile and careless inputs through the command line: each ends with exit code 2 and one line that names the file
 * and what is wrong, with no stack trace and no control character from the file reaching the terminal.
 */
class HostileCliInputTest {
    @TempDir Path dir;

    @Test
    void brokenFramesInAFrameFolder() throws IOException {
        Path frames = Files.createDirectories(dir.resolve("clip"));
        Path empty = Files.write(frames.resolve("00001.jpg"), new byte[0]);
        String line = assertUserError(predict(frames));
        assertTrue(line.contains(empty.toString()), line);
        Files.writeString(empty, "plain text with a .jpg name\n");
        line = assertUserError(predict(frames));
        assertTrue(line.contains(empty.toString()) && line.contains("not a decodable image"), line);
    }

    @Test
    void aClipHoldingNanOrADamagedNpy() throws IOException {
        float[] values = new float[2 * 3 * 32 * 32];
        values[1234] = Float.NaN;
        Path nan = dir.resolve("nan.npy");
        Npy.write(nan, RawArray.ofFloats(values, 1, 2, 3, 32, 32));
        String line = assertUserError(predict(nan));
        assertTrue(line.contains(nan + ": element [0, 0, 1, 6, 18] is NaN"), line);

        byte[] good = Files.readAllBytes(nan);
        Path cut = Files.write(dir.resolve("cut.npy"), java.util.Arrays.copyOf(good, good.length - 100));
        line = assertUserError(predict(cut));
        assertTrue(line.contains(cut + ": truncated: shape [1, 2, 3, 32, 32] of F32 needs 24576 data bytes"), line);
    }

    @Test
    void terminalEscapesFromAFileAreNotPrinted() throws IOException {
        String header = "{'descr': '\u001b]0;owned\u0007\u001b[2J<f4', 'fortran_order': False, 'shape': (1,), }\n";
        byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text);
        Path f = Files.write(dir.resolve("escape.npy"), b.array());
        String line = assertUserError(predict(f));
        assertTrue(line.contains("\\x1b]0;owned\\x07\\x1b[2J<f4"), line);
    }

    @Test
    void hugeSizesAreRefusedBeforeAnyWork() {
        String line = assertUserError("flops", "--model", "tsm-resnet50", "--frames", "8", "--classes", "10",
                "--size", "1000000");
        assertTrue(line.contains("input size must be in [32, 4096], got 1000000"), line);
        line = assertUserError("predict", "--model", "tsm-resnet50", "--classes", "10", "--weights", "w.pth",
                "--input", dir.toString(), "--size", "2000000000");
        assertTrue(line.contains("--size must be in [32, 4096]"), line);
    }

    @Test
    void aMaliciousCheckpointIsOneLine() throws IOException {
        Path clip = dir.resolve("clip.npy");
        Npy.write(clip, RawArray.ofFloats(new float[2 * 3 * 32 * 32], 1, 2, 3, 32, 32));
        Path weights = Files.write(dir.resolve("evil.pth"), evilPth());
        String line = assertUserError("predict", "--model", "tsn-mobilenetv2", "--frames", "2", "--classes", "4",
                "--weights", weights.toString(), "--input", clip.toString());
        assertTrue(line.contains(weights.toString()) && line.contains("'posix.system', which is not allowed"), line);
    }

    @Test
    void everyTypedInputErrorIsAUserError() {
        assertTrue(Saccade.isUserError(new dev.saccade.train.NonFiniteLossException(Double.NaN, 2, 17, null)));
        assertTrue(Saccade.isUserError(new dev.saccade.data.io.FrameReadException(dir, "corrupt", null)));
        assertTrue(Saccade.isUserError(new dev.saccade.data.io.AnnotationException(dir, 3, "unknown label")));
        assertTrue(Saccade.isUserError(new dev.saccade.nn.io.ArrayFileException(dir, "CRC-32 mismatch")));
        assertTrue(!Saccade.isUserError(new NullPointerException()), "a bug keeps its stack trace");
    }

    private String[] predict(Path input) {
        return new String[] {"predict", "--model", "tsn-mobilenetv2", "--frames", "2", "--classes", "4", "--weights",
                dir.resolve("never-read.safetensors").toString(), "--input", input.toString(), "--size", "32"};
    }

    /** Runs the CLI; asserts exit code 2, one line, no stack trace, no control characters; returns the line. */
    private static String assertUserError(String... args) {
        CommandLine cl = Saccade.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        String text = err.toString();
        assertEquals(2, code, text);
        List<String> lines = new ArrayList<>(text.lines().toList());
        assertEquals(1, lines.size(), "one line: " + text);
        String line = lines.get(0);
        assertTrue(line.startsWith("saccade " + args[0] + ": "), line);
        assertTrue(line.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "control character in: " + line);
        return line;
    }

    /** A one-entry .pth whose pickle is GLOBAL posix.system, a tuple and REDUCE. */
    private static byte[] evilPth() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var zip = new java.util.zip.ZipOutputStream(out)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("evil/data.pkl"));
            zip.write("\u0080\u0002cposix\nsystem\nX\u0002\u0000\u0000\u0000ls\u0085R.".getBytes(StandardCharsets.ISO_8859_1));
            zip.closeEntry();
        }
        return out.toByteArray();
    }
}
