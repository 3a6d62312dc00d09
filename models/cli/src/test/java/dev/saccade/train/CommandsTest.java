package dev.saccade.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.cli.DemoCommand;
import dev.saccade.cli.EvalCommand;
import dev.saccade.cli.ModelFactories;
import dev.saccade.cli.TrainCommand;
import dev.saccade.eval.ConfusionMatrixReport;
import dev.saccade.nn.optim.Sgd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The train/eval/demo commands end to end with the tiny test model on a tiny synthetic dataset. */
class CommandsTest {
    private static final ModelFactories TINY = new ModelFactories(
            mc -> new TinyVideoNet(mc.frames(), mc.classes(), mc.seed(), mc.dropout()),
            (model, c) -> new Sgd(model.parameters(), c.lr(), c.momentum(), c.weightDecay()),
            (model, mc) -> 1234L);
    private static final String[] SMALL = {"--set", "frames=4", "--set", "dataset.trainClips=28", "--set", "dataset.valClips=14",
            "--set", "batchSize=7", "--no-progress"};

    private static String run(Object command, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        assertEquals(0, rc, "exit code; stdout: " + out + " stderr: " + err);
        return out.toString();
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void trainResumeAndEvaluate(@TempDir Path dir) throws Exception {
        Path runDir = dir.resolve("run");
        String out = run(new TrainCommand(TINY), concat(SMALL, "--preset", "synthetic-demo", "--epochs", "1", "--out", runDir.toString()));
        assertTrue(out.contains("1 epochs"), out);
        assertTrue(out.contains("epoch 1/1: loss "), "--no-progress: a line per epoch: " + out);
        TrainConfig saved = TrainConfig.read(runDir.resolve(Trainer.CONFIG_JSON));
        assertEquals(4, saved.frames());
        assertEquals(1, saved.epochs());

        out = run(new TrainCommand(TINY), "--out", runDir.toString(), "--resume", "--epochs", "2");   // no terminal here
        assertTrue(out.contains("2 epochs"), out);
        assertTrue(out.contains("epoch 2/2: loss ") && !out.contains("epoch 1/2"), "a line for the resumed epoch only: " + out);
        assertEquals(2, new MetricsCsv(runDir.resolve(Trainer.METRICS_CSV)).read().size());

        out = run(new EvalCommand(TINY), "--run", runDir.toString(), "--protocol", "3x2");
        assertTrue(out.contains("(6 views): 14 videos") && out.contains("reversal pairs"), out);
        assertTrue(Files.exists(runDir.resolve("eval-3x2").resolve(ConfusionMatrixReport.PNG)));
    }

    @Test
    void demoPrintsTheTable(@TempDir Path dir) throws Exception {
        String out = run(new DemoCommand(TINY), "--out", dir.toString(), "--models", "tsn,tsm", "--epochs", "1",
                "--train-clips", "28", "--val-clips", "14", "--set", "frames=4", "--set", "batchSize=7", "--no-progress");
        List<String> md = Files.readAllLines(dir.resolve("results.md"));
        assertTrue(md.get(2).startsWith("| model | top-1 (%) | top-5 (%) | reversal pairs (%) | params | MACs / clip | train clips/s |"), md.get(2));
        assertEquals(6, md.size(), String.join("\n", md));
        assertTrue(md.get(4).startsWith("| tsn-resnet18 |") && md.get(5).startsWith("| tsm-resnet18 |"), String.join("\n", md));
        assertTrue(md.get(4).contains("| 1.2K |"), "MACs from the counter: " + md.get(4));
        assertTrue(out.contains("| tsm-resnet18 |"), out);
    }
}
