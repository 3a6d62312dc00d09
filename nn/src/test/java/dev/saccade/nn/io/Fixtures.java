package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The Python-written fixtures under {@code src/test/resources/io/} (see scripts/make_io_fixtures.py). */
final class Fixtures {
    private static JsonNode expected;

    private Fixtures() {}

    /** Copies fixture {@code name} into {@code dir} and returns the copy. */
    static Path copy(String name, Path dir) throws IOException {
        Path out = dir.resolve(name);
        try (InputStream in = Fixtures.class.getResourceAsStream("/io/" + name)) {
            assertNotNull(in, "missing test resource io/" + name + "; run scripts/make_io_fixtures.py");
            Files.copy(in, out);
        }
        return out;
    }

    /** The first {@code length} bytes of fixture {@code name}, written to {@code dir}/{@code truncated-<name>}. */
    static Path truncatedCopy(String name, Path dir, int length) throws IOException {
        byte[] all = bytes(name);
        Path out = dir.resolve("truncated-" + length + "-" + name);
        Files.write(out, Arrays.copyOf(all, length));
        return out;
    }

    static byte[] bytes(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/io/" + name)) {
            assertNotNull(in, "missing test resource io/" + name);
            return in.readAllBytes();
        }
    }

    /** expected.json's node for fixture file {@code name}: entry name → {dtype, shape, values}. */
    static JsonNode expected(String name) {
        if (expected == null) {
            try {
                expected = new ObjectMapper().readTree(bytes("expected.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        JsonNode n = expected.get(name);
        assertNotNull(n, "expected.json has no entry for " + name);
        return n;
    }

    static List<String> entryNames(JsonNode fileNode) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = fileNode.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** Asserts dtype, shape and every value of {@code actual} against what Python recorded. */
    static void assertMatches(JsonNode want, RawArray actual, String what) {
        assertEquals(want.get("dtype").asText(), actual.dtype().name(), what + " dtype");
        int[] shape = new int[want.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = want.get("shape").get(i).asInt();
        }
        assertArrayEquals(shape, actual.shape(), what + " shape");
        double[] values = new double[want.get("values").size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = want.get("values").get(i).asDouble();
        }
        double[] got = actual.toDoubles();
        assertArrayEquals(values, got, 0.0, what + " values");
        double maxDiff = 0;
        for (int i = 0; i < got.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(got[i] - values[i]));
        }
        System.out.printf("%s: %s %s, max |diff| vs Python = %g%n", what, actual.dtype(),
                Arrays.toString(actual.shape()), maxDiff);
    }

    /** Asserts that a map read from fixture {@code name} holds exactly the expected entries. */
    static void assertAllMatch(String name, Map<String, RawArray> actual) {
        JsonNode want = expected(name);
        assertEquals(entryNames(want).stream().sorted().toList(), actual.keySet().stream().sorted().toList(),
                name + " entry names");
        for (String entry : entryNames(want)) {
            assertMatches(want.get(entry), actual.get(entry), name + ":" + entry);
        }
    }
}
