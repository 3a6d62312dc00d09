package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir Path dir;

    static Map<String, RawArray> sample() {
        Map<String, RawArray> m = new LinkedHashMap<>();
        m.put("z.last", RawArray.ofFloats(new float[] {1, -2, 3.5f, 4, 5, 6}, 2, 3));
        m.put("a.first", RawArray.ofDoubles(new double[] {0.1, -1e-300}, 2));
        m.put("ids", RawArray.ofLongs(new long[] {1L << 50, -3}, 2, 1));
        m.put("counts", RawArray.ofInts(new int[] {7}, new int[0]));
        m.put("half", RawArray.of(ArrayDType.F16, new int[] {2}, new byte[] {0, 0x3C, 0, (byte) 0xC0}));
        m.put("bf", RawArray.of(ArrayDType.BF16, new int[] {1}, new byte[] {(byte) 0x80, 0x3F}));
        m.put("mask", RawArray.of(ArrayDType.BOOL, new int[] {3}, new byte[] {1, 0, 1}));
        m.put("u8", RawArray.of(ArrayDType.U8, new int[] {2}, new byte[] {(byte) 255, 0}));
        m.put("i8", RawArray.of(ArrayDType.I8, new int[] {1}, new byte[] {-5}));
        m.put("i16", RawArray.of(ArrayDType.I16, new int[] {1}, new byte[] {1, (byte) 0x80}));
        m.put("empty", RawArray.ofFloats(new float[0], 0, 4));
        return m;
    }

    @Test
    void roundTripKeepsEveryDtypeShapeAndByte() throws IOException {
        Path f = dir.resolve("all.safetensors");
        SafeTensors.write(f, sample(), Map.of("format", "pt", "epoch", "3"));
        SafeTensors.Contents back = SafeTensors.readAll(f);
        assertEquals(sample(), back.tensors());
        assertEquals(Map.of("format", "pt", "epoch", "3"), back.metadata());
    }

    @Test
    void writtenHeaderIsSortedAndPaddedToEightBytes() throws IOException {
        Path f = dir.resolve("layout.safetensors");
        SafeTensors.write(f, sample());
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8, "header size " + n);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"), header);
        assertTrue(header.substring(header.lastIndexOf('}') + 1).chars().allMatch(c -> c == ' '));
        List<String> order = List.copyOf(SafeTensors.read(f).keySet());
        assertEquals(order.stream().sorted().toList(), order);
        // the data of the first tensor in name order starts right after the header
        RawArray first = sample().get(order.get(0));
        assertEquals(first, RawArray.of(first.dtype(), first.shape(),
                ByteBuffer.wrap(bytes, (int) (8 + n), (int) first.byteSize())));
    }

    @Test
    void readsTheFileWrittenByHandInPython() throws IOException {
        Path f = Fixtures.copy("handmade.safetensors", dir);
        SafeTensors.Contents c = SafeTensors.readAll(f);
        Fixtures.assertAllMatch("handmade.safetensors", c.tensors());
        var meta = Fixtures.expected("handmade.safetensors.metadata");
        assertEquals(meta.size(), c.metadata().size());
        c.metadata().forEach((k, v) -> assertEquals(meta.get(k).asText(), v, "metadata " + k));
    }

    @Test
    void everyTruncationOfThePythonFileIsAnErrorNamingTheFile() throws IOException {
        int length = Fixtures.bytes("handmade.safetensors").length;
        for (int cut : new int[] {0, 5, 8, 12, 100, length - 9, length - 1}) {
            Path f = Fixtures.truncatedCopy("handmade.safetensors", dir, cut);
            var e = assertThrows(ArrayFileException.class, () -> SafeTensors.read(f), "cut at " + cut);
            assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        }
    }

    @Test
    void headerSizeBeyondTheFileIsReported() throws IOException {
        Path f = dir.resolve("long.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put("{}      ".getBytes());
        Files.write(f, b.array());
        var e = assertThrows(ArrayFileException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("long.safetensors") && e.getMessage().contains("1000"), e.getMessage());
    }

    @Test
    void badHeadersNameTheEntry() throws IOException {
        assertError(craft("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2),
                "'w'", "unknown dtype 'F8_E4M3'");
        assertError(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20),
                "'w'", "needs 24 bytes");
        assertError(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "'v'", "overlap");
        assertError(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                "'w'", "not part of any entry");
        assertError(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9),
                "bad.safetensors", "trailing");
        assertError(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
                "'w'", "beyond");
        assertError(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0),
                "'w'", "bad dimension");
        assertError(craft("{\"__metadata__\":{\"epoch\":3}}", 0), "__metadata__", "not a string");
        assertError(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0), "bad.safetensors",
                "Duplicate");
        assertError(craft("[1, 2]", 0), "bad.safetensors", "start with '{'");
        assertError(craft("{\"w\": ", 0), "bad.safetensors", "not valid JSON");
        // a shape whose element count overflows 64 bits names the file and entry
        assertError(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],"
                + "\"data_offsets\":[0,4]}}", 4), "bad.safetensors: entry 'w': shape [2147483647, 2147483647, "
                + "2147483647] of F32 needs");
        // a name carrying a terminal escape sequence is printed escaped
        var e = assertThrows(ArrayFileException.class, () -> SafeTensors.read(craft(
                "{\"\\u001b[2Jw\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)));
        assertTrue(e.getMessage().contains("entry '\\x1b[2Jw'") && e.getMessage().chars().noneMatch(c -> c < 0x20),
                e.getMessage());
        // JSON nested a hundred thousand levels deep
        assertError(craft("{\"w\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", 0), "bad.safetensors",
                "not valid JSON");
    }

    @Test
    void rejectsReservedNames() {
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x.safetensors"),
                Map.of("__metadata__", RawArray.ofFloats(new float[] {1}, 1))));
        assertTrue(e.getMessage().contains("__metadata__"));
    }

    @Test
    void overwriteLeavesNoTemporaryFiles() throws IOException {
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, Map.of("a", RawArray.ofFloats(new float[] {1}, 1)));
        SafeTensors.write(f, Map.of("b", RawArray.ofFloats(new float[] {2, 3}, 2)));
        assertEquals(List.of("b"), List.copyOf(SafeTensors.read(f).keySet()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    private Path craft(String json, int dataBytes) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static void assertError(Path f, String... fragments) {
        var e = assertThrows(ArrayFileException.class, () -> SafeTensors.read(f));
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' not in: " + e.getMessage());
        }
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
    }
}
