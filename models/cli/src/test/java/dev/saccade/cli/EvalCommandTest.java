package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.io.Npy;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code saccade eval --weights} on an official {@code .pth}: the weights {@code predict} reads, the same answers. */
class EvalCommandTest {
    private static final int VIDEOS = 3, FRAMES = 4, SIZE = 64, CLASSES = 10;

    @Test void evaluatesAnOfficialPthAsPredictReadsIt(@TempDir Path dir) throws Exception {
        Path pth = CliTest.modelGoldens().resolve("tsm_mobilenetv2.pth");   // official layout: {'state_dict': {'module.…'}}
        Path root = dir.resolve("jester");
        Path frames = root.resolve("20bn-jester-v1");
        StringBuilder names = new StringBuilder(), val = new StringBuilder();
        for (int c = 0; c < CLASSES; c++) names.append('c').append(c).append('\n');   // sorted order = index
        Random rng = new Random(7);
        for (int v = 0; v < VIDEOS; v++) {
            Path video = frames.resolve(Integer.toString(v));
            writeNoiseFrames(video, rng);
            // Each video's label is predict's top-1 class for the same frames: eval must then score 100 % top-1.
            int top1 = predictTop1(pth, video, dir.resolve("logits" + v + ".npy"));
            val.append(v).append(";c").append(top1).append('\n');
        }
        Files.writeString(root.resolve("jester-v1-labels.csv"), names);
        Files.writeString(root.resolve("jester-v1-train.csv"), val);
        Files.writeString(root.resolve("jester-v1-validation.csv"), val);

        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new EvalCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("--weights", pth.toString(), "--model", "tsm-mobilenetv2", "--preset", "action-jester",
                "--set", "dataset.root=" + root, "--set", "frames=" + FRAMES, "--set", "classes=" + CLASSES,
                "--set", "inputSize=" + SIZE, "--set", "batchSize=2", "--set", "workers=1", "--set", "device=cpu",
                "--protocol", "1x1", "--out", dir.resolve("report").toString());
        assertEquals(0, code, "stdout: " + out + " stderr: " + err);
        assertTrue(out.toString().contains("(1 views): " + VIDEOS + " videos, top-1 100.00%"), out.toString());
    }

    /** Four 64×64 JPEG frames of coloured noise. */
    private static void writeNoiseFrames(Path video, Random rng) throws Exception {
        Files.createDirectories(video);
        for (int f = 1; f <= FRAMES; f++) {
            BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < SIZE; y++) for (int x = 0; x < SIZE; x++) img.setRGB(x, y, rng.nextInt(1 << 24));
            ImageIO.write(img, "jpg", video.resolve(String.format("%05d.jpg", f)).toFile());
        }
    }

    private static int predictTop1(Path pth, Path video, Path logits) throws Exception {
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            int code = new CommandLine(new PredictCommand()).execute("--model", "tsm-mobilenetv2", "--frames", "" + FRAMES,
                    "--classes", "" + CLASSES, "--weights", pth.toString(), "--input", video.toString(), "--size", "" + SIZE,
                    "--dump-logits", logits.toString());
            assertEquals(0, code, "predict on " + video);
        } finally {
            System.setOut(old);
        }
        float[] row = Npy.read(logits).toFloats();                               // (1, K)
        int best = 0;
        for (int k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
        return best;
    }
}
