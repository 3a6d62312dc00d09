package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The malicious checkpoints of {@code scripts/make_hostile_fixtures.py}: each one is proven by that script to run
 * {@code touch saccade_io_malicious_marker} under PyTorch's {@code torch.load}, and each must be refused here, naming
 * the file and the global or opcode, without the payload running.
 */
class MaliciousCorpusTest {
    @TempDir Path dir;

    @Test
    void everyFileOfTheCorpusIsRefusedAndNothingRuns() throws IOException {
        JsonNode corpus;
        try (InputStream in = getClass().getResourceAsStream("/io/malicious/corpus.json")) {
            corpus = new ObjectMapper().readTree(in);
        }
        List<String> names = new ArrayList<>();
        corpus.fieldNames().forEachRemaining(names::add);
        assertTrue(names.size() >= 9, "corpus: " + names);
        Files.deleteIfExists(PthReaderTest.MARKER);
        for (String name : names) {
            JsonNode entry = corpus.get(name);
            assertTrue(entry.get("runs_under").asText().contains("torch.load"), name + " not proven to run code");
            Path f = dir.resolve(name);
            try (InputStream in = getClass().getResourceAsStream("/io/malicious/" + name)) {
                Files.copy(in, f);
            }
            var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f), name);
            String fragment = entry.get("refused_for").asText();
            assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains(fragment)
                    && e.getMessage().contains("not allowed"), name + ": " + e.getMessage());
            assertEquals(f, e.file());
            System.out.println(e.getMessage().substring(dir.toString().length() + 1, Math.min(
                    e.getMessage().length(), dir.toString().length() + 140)));
        }
        assertFalse(Files.exists(PthReaderTest.MARKER), "a payload ran");
    }
}
