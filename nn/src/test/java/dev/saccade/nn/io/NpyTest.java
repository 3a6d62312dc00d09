package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyTest {
    @TempDir Path dir;

    static final List<String> PYTHON_FILES = List.of("f4.npy", "f8.npy", "i8.npy", "i4.npy", "u1.npy", "b1.npy",
            "f2.npy", "scalar.npy", "v2.npy");

    @ParameterizedTest
    @ValueSource(strings = {"f4.npy", "f8.npy", "i8.npy", "i4.npy", "u1.npy", "b1.npy", "f2.npy", "scalar.npy",
            "v2.npy"})
    void readsWhatNumpyWrote(String name) throws IOException {
        RawArray a = Npy.read(Fixtures.copy(name, dir));
        Fixtures.assertMatches(Fixtures.expected(name).get(""), a, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4.npy", "f8.npy", "i8.npy", "i4.npy", "u1.npy", "b1.npy", "f2.npy", "scalar.npy"})
    void rewritingANumpyFileGivesTheSameBytes(String name) throws IOException {
        // numpy 1.x writes v1.0 with the header padded to 64 bytes, exactly what Npy.write does
        RawArray a = Npy.read(Fixtures.copy(name, dir));
        Path out = dir.resolve("again-" + name);
        Npy.write(out, a);
        assertEquals(new String(Fixtures.bytes(name), StandardCharsets.ISO_8859_1),
                new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1));
    }

    @Test
    void roundTripOfEveryNumpyDtype() throws IOException {
        for (RawArray a : SafeTensorsTest.sample().values()) {
            if (a.dtype() == ArrayDType.BF16) {
                continue; // no numpy equivalent, see AtomicFilesTest
            }
            Path f = dir.resolve("rt.npy");
            Npy.write(f, a);
            assertEquals(a, Npy.read(f));
            assertEquals(0, (Files.size(f) - a.byteSize()) % 64, "data must start at a multiple of 64");
        }
    }

    @Test
    void readsCompressedNpz() throws IOException {
        Map<String, RawArray> m = Npy.readNpz(Fixtures.copy("arrays.npz", dir));
        assertEquals(List.of("a", "b"), List.copyOf(m.keySet()));
        Fixtures.assertAllMatch("arrays.npz", m);
    }

    @Test
    void fortranOrderAndBigEndianAreRejectedClearly() throws IOException {
        Path f = Fixtures.copy("fortran.npy", dir);
        var e = assertThrows(ArrayFileException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("fortran.npy") && e.getMessage().contains("fortran_order"),
                e.getMessage());
        Path b = Fixtures.copy("bigendian.npy", dir);
        e = assertThrows(ArrayFileException.class, () -> Npy.read(b));
        assertTrue(e.getMessage().contains("bigendian.npy") && e.getMessage().contains("'>f4'"), e.getMessage());
    }

    @Test
    void truncatedCopiesAreErrorsNamingTheFile() throws IOException {
        for (String name : PYTHON_FILES) {
            int length = Fixtures.bytes(name).length;
            for (int cut : new int[] {0, 3, 7, 9, 40, length - 1}) {
                Path f = Fixtures.truncatedCopy(name, dir, cut);
                var e = assertThrows(ArrayFileException.class, () -> Npy.read(f), name + " cut at " + cut);
                assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
            }
        }
        int length = Fixtures.bytes("arrays.npz").length;
        for (int cut : new int[] {0, 30, length / 2, length - 1}) {
            Path f = Fixtures.truncatedCopy("arrays.npz", dir, cut);
            var e = assertThrows(ArrayFileException.class, () -> Npy.readNpz(f), "npz cut at " + cut);
            assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        }
    }

    @Test
    void badMagicAndShapeMismatchAreReported() throws IOException {
        Path notNpy = dir.resolve("text.npy");
        Files.writeString(notNpy, "hello, this is not numpy");
        var e = assertThrows(ArrayFileException.class, () -> Npy.read(notNpy));
        assertTrue(e.getMessage().contains("text.npy") && e.getMessage().contains("bad magic"), e.getMessage());

        byte[] good = Npy.toBytes(RawArray.ofFloats(new float[] {1, 2, 3}, 3));
        byte[] extra = java.util.Arrays.copyOf(good, good.length + 4); // 4 bytes more than (3,) of F32
        Path f = dir.resolve("extra.npy");
        Files.write(f, extra);
        e = assertThrows(ArrayFileException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("extra.npy") && e.getMessage().contains("needs 12"), e.getMessage());
    }

    @Test
    void versionTwoHeaderIsParsed() throws IOException {
        byte[] bytes = Fixtures.bytes("v2.npy");
        assertEquals(2, bytes[6]);
        int headerLength = ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(0, (12 + headerLength) % 64);
    }

    @Test
    void damagedHeadersSayWhatIsWrong() throws IOException {
        // a shape whose byte count overflows: named with the file, not an IllegalArgumentException from RawArray
        Path huge = npyWithHeader("huge.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048576, "
                + "1048576), }");
        assertError(huge, "huge.npy: shape [1048576, 1048576, 1048576] of F32 is larger than the 2 GiB");
        assertError(npyWithHeader("dim.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }"),
                "dim.npy: bad dimension '99999999999'");
        assertError(npyWithHeader("nodict.npy", "not a dict at all"),
                "nodict.npy: header is not a dict with 'descr', 'fortran_order' and 'shape': not a dict at all");
        // terminal escapes inside the header are printed escaped
        ArrayFileException e = assertError(npyWithHeader("esc.npy",
                "{'descr': '\u001b[31m<f4', 'fortran_order': False, 'shape': (1,), }"), "unsupported dtype");
        assertTrue(e.getMessage().contains("\\x1b[31m<f4"), e.getMessage());
        // a header length field of 4 GB
        byte[] bytes = Npy.toBytes(RawArray.ofFloats(new float[] {1}, 1));
        bytes[6] = 2;
        ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(-1);
        Path length = dir.resolve("length.npy");
        Files.write(length, bytes);
        assertError(length, "length.npy: header of 4294967295 bytes is larger than 10000");
        // not a file at all
        assertError(dir, dir + ": cannot be read");
    }

    private ArrayFileException assertError(Path f, String fragment) {
        var e = assertThrows(ArrayFileException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(fragment), e.getMessage());
        return e;
    }

    /** A version-1.0 .npy with {@code dict} as its header (padded) and 4 bytes of data. */
    private Path npyWithHeader(String name, String dict) throws IOException {
        byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }
}
