package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saccade.cli.Saccade;
import dev.saccade.nn.checkpoint.Checkpoints;
import dev.saccade.nn.io.Npy;
import dev.saccade.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.io.StringWriter err = new java.io.StringWriter();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = new CommandLine(new Saccade());
            cl.setErr(new java.io.PrintWriter(err));
            code = cl.execute(args);
        } finally {
            System.setOut(oldOut);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test void flopsJson() throws Exception {
        Run r = run("flops", "--model", "tsm-resnet50", "--frames", "8", "--classes", "174", "--size", "224", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals(23_864_558L, o.get("params").asLong());
        assertEquals(32.88e9, o.get("macs").asDouble(), 0.01 * 32.88e9);
    }

    @Test void unknownModelListsTheIds() {
        Run r = run("flops", "--model", "tsm-vgg", "--frames", "8");
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("tsm-resnet50"), r.err());
    }

    @Test void predictReproducesTheOfficialLogits(@TempDir Path tmp) throws Exception {
        Path dir = modelGoldens();
        Path dump = tmp.resolve("logits.npy");
        Run r = run("predict", "--model", "tsm-mobilenetv2", "--frames", "4", "--classes", "10", "--weights",
                    dir.resolve("tsm_mobilenetv2.pth").toString(), "--input", dir.resolve("clip.npy").toString(), "--top", "3",
                    "--dump-logits", dump.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("clip 1:"), r.out());
        float[] got = Npy.read(dump).toFloats(), want = Npy.read(dir.resolve("tsm_mobilenetv2_logits.npy")).toFloats();
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-4 * 3);
    }

    @Test void predictReadsTheClassesFromTheCheckpoint(@TempDir Path tmp) throws Exception {
        Path dir = modelGoldens();
        Path dump = tmp.resolve("logits.npy");
        Run r = run("predict", "--model", "tsm-mobilenetv2", "--frames", "4", "--weights", dir.resolve("tsm_mobilenetv2.pth").toString(),
                    "--input", dir.resolve("clip.npy").toString(), "--dump-logits", dump.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(2, 10), List.of(Npy.read(dump).shape()[0], Npy.read(dump).shape()[1]), "logits (N, K) with K from new_fc.weight");
    }

    @Test void classNamesFromALabelsFileArePrintedEscaped(@TempDir Path tmp) throws Exception {
        Path dir = modelGoldens();
        StringBuilder names = new StringBuilder();
        for (int k = 0; k < 10; k++) names.append("class ").append(k).append("\u001b[2J\u001b]0;title\u0007\n");
        Path labels = java.nio.file.Files.writeString(tmp.resolve("labels.txt"), names);
        Run r = run("predict", "--model", "tsm-mobilenetv2", "--frames", "4", "--weights", dir.resolve("tsm_mobilenetv2.pth").toString(),
                    "--input", dir.resolve("clip.npy").toString(), "--labels", labels.toString(), "--top", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\\x1b[2J\\x1b]0;title\\x07"), r.out());
        assertTrue(r.out().chars().noneMatch(c -> c == 0x1b || c == 0x07), "escape sequence printed raw: " + r.out());
    }

    @Test void predictWithoutClassesNamesTheCheckpointThatLacksThem(@TempDir Path tmp) throws Exception {
        Path backbone = tmp.resolve("mobilenetv2_imagenet.safetensors");
        Checkpoints.saveSafetensors(Map.of("features.0.0.weight", Tensor.zeros(32, 3, 3, 3), "classifier.weight", Tensor.zeros(1000, 1280)),
                backbone, Map.of());
        Run r = run("predict", "--model", "tsm-mobilenetv2", "--frames", "4", "--weights", backbone.toString(),
                    "--input", modelGoldens().resolve("clip.npy").toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains(backbone.toString()) && r.err().contains("new_fc.weight") && r.err().contains("--classes"), r.err());
    }

    @Test void predictRejectsAWrongClipShape(@TempDir Path tmp) throws Exception {
        Path dir = modelGoldens();
        Run r = run("predict", "--model", "tsm-mobilenetv2", "--frames", "8", "--classes", "10", "--weights",
                    dir.resolve("tsm_mobilenetv2.pth").toString(), "--input", dir.resolve("clip.npy").toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("(N, 8, 3, H, W)"), r.err());
    }

    @Test void predictRejectsAMismatchedCheckpoint() throws Exception {
        Path dir = modelGoldens();
        Run r = run("predict", "--model", "tsm-resnet18", "--frames", "4", "--classes", "10", "--weights",
                    dir.resolve("tsm_mobilenetv2.pth").toString(), "--input", dir.resolve("clip.npy").toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("does not match the model"), r.err());
    }

    /** The model zoo's official-code goldens (models/zoo/src/test/resources/goldens/models), read in place. */
    static Path modelGoldens() {
        Path dir = Path.of("..", "zoo", "src", "test", "resources", "goldens", "models");
        assertTrue(Files.isRegularFile(dir.resolve("clip.npy")), "model goldens not found at " + dir.toAbsolutePath());
        return dir;
    }
}
