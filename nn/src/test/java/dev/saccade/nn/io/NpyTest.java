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
}
