package dev.saccade.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.synthetic.SyntheticMotion;
import dev.saccade.nn.Module;
import dev.saccade.nn.optim.Sgd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a killed run leaves behind is cleaned up on the next start; empty datasets are errors, not silent no-ops. */
class RunFolderRecoveryTest {
    private static final SyntheticMotion DATA = TrainFixtures.data();

    private static Trainer trainer(TrainConfig c, Path dir, int trainClips) {
        Module model = new TinyVideoNet(TrainFixtures.FRAMES, 14, 5);
        Sgd sgd = new Sgd(model.parameters(), c.lr(), c.momentum(), c.weightDecay());
        return Trainer.builder(model, sgd, c, trainClips < 0 ? TrainFixtures.train(DATA) : new ColourClips(trainClips, 14,
                TrainFixtures.FRAMES, 8), dir).build();
    }

    @Test
    void resumeRemovesStaleTemporariesAndRepairsATornMetricsRow(@TempDir Path dir) throws Exception {
        trainer(TrainFixtures.config(1), dir, -1).fit();
        // a kill during the second epoch: a half-written checkpoint and half a metrics row
        Path staleCheckpoint = Files.writeString(dir.resolve(".last.safetensors.8841926120451.tmp"), "half");
        Path staleChart = Files.writeString(dir.resolve(".loss.png.77.tmp"), "half");
        Path unrelated = Files.writeString(dir.resolve("notes.tmp"), "mine");
        Path metrics = dir.resolve(Trainer.METRICS_CSV);
        Files.writeString(metrics, "1,2.61", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(1, new MetricsCsv(metrics).read().size(), "the torn row is not read");

        TrainResult r = trainer(TrainFixtures.config(2), dir, -1).resume();

        assertEquals(2, r.metrics().size());
        assertFalse(Files.exists(staleCheckpoint));
        assertFalse(Files.exists(staleChart));
        assertTrue(Files.exists(unrelated), "files saccade did not write are left alone");
        List<String> lines = Files.readAllLines(metrics);
        assertEquals(3, lines.size(), "header and two whole rows: " + lines);
        assertEquals(List.of(0, 1), new MetricsCsv(metrics).read().stream().map(EpochMetrics::epoch).toList());
        assertTrue(Files.readString(metrics).endsWith("\n"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")
                    && !n.equals("notes.tmp")).toList(), "no temporary files left");
        }
        assertFalse(ImageIO.getUseCache(), "charts are encoded in memory, not through imageio*.tmp files");
    }

    @Test
    void aBadRowInsideMetricsIsStillAnError(@TempDir Path dir) throws Exception {
        trainer(TrainFixtures.config(1), dir, -1).fit();
        Path metrics = dir.resolve(Trainer.METRICS_CSV);
        List<String> lines = Files.readAllLines(metrics);
        Files.writeString(metrics, lines.get(0) + "\nnot,a,row\n" + lines.get(1) + "\n");
        var e = assertThrows(IllegalArgumentException.class, () -> new MetricsCsv(metrics).read());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aTrainingSetWithoutClipsIsAnError(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class, () -> trainer(TrainFixtures.config(1), dir, 0).fit());
        assertTrue(e.getMessage().contains("no usable clips"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(Trainer.LAST)), "nothing trained, nothing saved");
    }
}
