package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.inference.StreamingClassifier;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.nn.checkpoint.Checkpoints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code saccade stream} over a frame folder: one line per frame with its latency and the library's prediction. */
class StreamCommandTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = Saccade.commandLine();
            cl.setErr(new PrintWriter(err));
            code = cl.execute(args);
        } finally {
            System.setOut(oldOut);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test void printsOnePredictionPerFrameWithItsLatency(@TempDir Path dir) throws Exception {
        Path weights = dir.resolve("online.safetensors");
        Checkpoints.saveSafetensors(ModelRegistry.standard().create(new ModelConfig("tsm-mobilenetv2", 1, 4, 32, 0.5, 1,
                Map.of(ModelRegistry.ONLINE, "true"))), weights, Map.of());
        Path frames = Files.createDirectories(dir.resolve("frames"));
        SplittableRandom rng = new SplittableRandom(2);
        BufferedImage[] images = new BufferedImage[3];
        for (int t = 0; t < 3; t++) {
            images[t] = new BufferedImage(40, 36, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 36; y++) for (int x = 0; x < 40; x++) images[t].setRGB(x, y, rng.nextInt(1 << 24));
            ImageIO.write(images[t], "png", frames.resolve(String.format("%05d.png", t + 1)).toFile());
        }
        Path labels = Files.writeString(dir.resolve("labels.txt"), "left\nright\nup\ndown\n");

        Run r = run("stream", "--model", "tsm-mobilenetv2", "--weights", weights.toString(), "--input", frames.toString(),
                "--size", "32", "--labels", labels.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().filter(l -> l.startsWith("frame ")).toList();
        assertEquals(3, lines.size(), r.out());
        try (StreamingClassifier clf = StreamingClassifier.builder().model("tsm-mobilenetv2").weights(weights).inputSize(32)
                .labels(labels).top(1).build()) {
            for (int t = 0; t < 3; t++) {
                String expected = clf.push(images[t]).get(0).toString();
                assertTrue(lines.get(t).matches("frame " + t + "  \\d+\\.\\d ms  .*"), lines.get(t));
                assertTrue(lines.get(t).endsWith(expected), lines.get(t) + " ends with " + expected);
            }
        }
        assertTrue(r.out().contains("# 3 frames: median "), r.out());
    }

    @Test void aVideoWithoutFfmpegSaysWhatToInstallBeforeTheModelLoads(@TempDir Path dir) throws Exception {
        Path video = Files.write(dir.resolve("clip.mp4"), new byte[16]);
        StreamCommand cmd = new StreamCommand();
        new CommandLine(cmd).parseArgs("--model", "tsm-mobilenetv2", "--weights", dir.resolve("absent.pth").toString(), "--input", video.toString());
        cmd.ffmpeg = "saccade-no-such-ffmpeg";
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, cmd::call);
        assertTrue(e.getMessage().contains("install ffmpeg") && e.getMessage().contains("clip.mp4"), e.getMessage());
    }

    @Test void badInputsAreOneLine(@TempDir Path dir) {
        Run noWeights = run("stream", "--model", "tsm-mobilenetv2", "--input", dir.toString());
        assertEquals(2, noWeights.code());
        assertTrue(noWeights.err().contains("--weights or --run"), noWeights.err());
        Path missing = dir.resolve("missing.mp4");
        Run noInput = run("stream", "--model", "tsm-mobilenetv2", "--weights", "w.pth", "--input", missing.toString());
        assertEquals(2, noInput.code());
        assertTrue(noInput.err().contains(missing.toString()), noInput.err());
    }
}
