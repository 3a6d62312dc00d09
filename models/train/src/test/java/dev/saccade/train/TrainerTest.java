package dev.saccade.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.synthetic.SyntheticMotion;
import dev.saccade.nn.Module;
import dev.saccade.nn.optim.Sgd;
import dev.saccade.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final SyntheticMotion DATA = TrainFixtures.data();

    private static TrainResult train(Module model, TrainConfig c, Path dir, boolean resume) throws Exception {
        return train(model, c, dir, resume, TrainingProgress.NONE);
    }

    private static TrainResult train(Module model, TrainConfig c, Path dir, boolean resume, TrainingProgress progress) throws Exception {
        Sgd sgd = new Sgd(model.parameters(), c.lr(), c.momentum(), c.weightDecay());
        Trainer t = Trainer.builder(model, sgd, c, TrainFixtures.train(DATA), dir).validation(TrainFixtures.val(DATA))
                .progress(progress).build();
        return resume ? t.resume() : t.fit();
    }

    @Test
    void lossDecreases(@TempDir Path dir) throws Exception {
        TrainConfig c = ConfigOverrides.apply(TrainFixtures.config(4), List.of("lr=0.1", "classes=6"));
        Module model = new TinyVideoNet(TrainFixtures.FRAMES, 6, 1);
        Sgd sgd = new Sgd(model.parameters(), c.lr(), c.momentum(), c.weightDecay());
        TrainResult r = Trainer.builder(model, sgd, c, new ColourClips(48, 6, TrainFixtures.FRAMES, 8), dir)
                .validation(new ColourClips(24, 6, TrainFixtures.FRAMES, 8)).build().fit();
        List<EpochMetrics> m = r.metrics();
        assertEquals(4, m.size());
        List<Double> losses = m.stream().map(EpochMetrics::trainLoss).toList();
        assertTrue(m.get(3).trainLoss() < m.get(0).trainLoss() * 0.7, "loss should fall by 30% in 4 epochs: " + losses);
        assertTrue(m.get(3).valTop1() > 100.0 / 6 * 2, "validation top-1 well above chance: " + m.get(3));
    }

    @Test
    void resumedRunIsBitIdenticalToUninterruptedRun(@TempDir Path dir) throws Exception {
        Module straight = new TinyVideoNet(TrainFixtures.FRAMES, 14, 5);
        train(straight, TrainFixtures.config(2), dir.resolve("straight"), false);

        Module first = new TinyVideoNet(TrainFixtures.FRAMES, 14, 5);
        train(first, TrainFixtures.config(1), dir.resolve("split"), false);
        Module resumed = new TinyVideoNet(TrainFixtures.FRAMES, 14, 99);   // different init: everything must come from the checkpoint
        TrainResult r = train(resumed, TrainFixtures.config(2), dir.resolve("split"), true);

        assertEquals(2, r.metrics().size(), "metrics of both epochs");
        Map<String, Tensor> a = straight.stateDict(), b = resumed.stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            float[] x = a.get(k).toFloatArray(), y = b.get(k).toFloatArray();
            assertEquals(x.length, y.length, k);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), k + "[" + i + "]: " + x[i] + " vs " + y[i]);
            }
        }
        // and the resumed weights differ from those after epoch 1 (the second epoch did train)
        float[] afterOne = first.stateDict().get("fc.weight").toFloatArray();
        float[] afterTwo = resumed.stateDict().get("fc.weight").toFloatArray();
        assertTrue(!java.util.Arrays.equals(afterOne, afterTwo), "second epoch changed the weights");
    }

    @Test
    void nanLossNamesEpochAndStepAndKeepsLastCheckpoint(@TempDir Path dir) throws Exception {
        TinyVideoNet inner = new TinyVideoNet(TrainFixtures.FRAMES, 14, 2);
        int stepsPerEpoch = 56 / 8;
        Module poisoned = new PoisonAfter(inner, stepsPerEpoch + 3);     // epoch 1, step 3
        TrainConfig c = TrainFixtures.config(3);
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> train(poisoned, c, dir, false));
        assertEquals(1, e.epoch());
        assertEquals(3, e.step());
        assertTrue(e.getMessage().contains("epoch 1, step 3"), e.getMessage());
        assertTrue(e.getMessage().contains(Trainer.LAST), e.getMessage());

        Path last = dir.resolve(Trainer.LAST);
        Module check = new PoisonAfter(new TinyVideoNet(TrainFixtures.FRAMES, 14, 77), 0);
        RunCheckpoint.Meta meta = RunCheckpoint.load(last, check, null);
        assertEquals(1, meta.epochsDone());
        for (Tensor p : check.parameters()) for (float v : p.toFloatArray()) assertTrue(Float.isFinite(v));
        assertEquals(1, new MetricsCsv(dir.resolve(Trainer.METRICS_CSV)).read().size());
    }

    @Test
    void metricsCsvHasDocumentedColumnsAndPngsDecode(@TempDir Path dir) throws Exception {
        List<EpochMetrics> reported = new ArrayList<>();
        TrainingProgress recorder = new TrainingProgress() {
            @Override public Bar start(String task, int steps) { return NO_BAR; }
            @Override public void epochEnd(EpochMetrics m, int epochs) { assertEquals(2, epochs); reported.add(m); }
        };
        train(new TinyVideoNet(TrainFixtures.FRAMES, 14, 4), TrainFixtures.config(2), dir, false, recorder);
        List<String> lines = Files.readAllLines(dir.resolve(Trainer.METRICS_CSV));
        assertEquals(2, reported.size(), "the progress hears of every epoch: " + reported);
        assertEquals("epoch,train_loss,train_top1,val_top1,val_top5,lr,clips_per_s,seconds", lines.get(0));
        assertEquals(3, lines.size());
        for (int i = 1; i < lines.size(); i++) {
            EpochMetrics m = EpochMetrics.parse(lines.get(i));
            assertEquals(i - 1, m.epoch());
            assertTrue(m.valTop1() >= 0 && m.valTop1() <= m.valTop5() && m.valTop5() <= 100, lines.get(i));
            assertTrue(m.clipsPerSecond() > 0, lines.get(i));
            assertEquals(0.05, m.lr(), 1e-12);
            assertEquals(lines.get(i), reported.get(i - 1).csvRow(), "the progress hears the epoch the csv records");
        }
        for (String png : List.of(TrainingCurves.LOSS_PNG, TrainingCurves.ACCURACY_PNG)) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertNotNull(img, png + " decodes");
            assertEquals(800, img.getWidth());
            assertEquals(480, img.getHeight());
        }
        assertTrue(Files.exists(dir.resolve(Trainer.BEST)));
        TrainConfig back = TrainConfig.read(dir.resolve(Trainer.CONFIG_JSON));
        assertEquals(TrainFixtures.config(2), back);
    }

    @Test
    void accumulatingTwoHalfBatchesEqualsOneFullBatch(@TempDir Path dir) throws Exception {
        // accumulation 2 over batch 4 takes the same number of samples per update as batch 8 without accumulation;
        // with no dropout and no batch statistics the mean gradients agree up to float rounding.
        TrainConfig plain = ConfigOverrides.apply(TrainFixtures.config(1), List.of("dropout=0", "clipNorm=0"));
        TrainConfig acc = ConfigOverrides.apply(plain, List.of("batchSize=4", "gradAccumulation=2"));
        Module a = new TinyVideoNet(TrainFixtures.FRAMES, 14, 8, 0), b = new TinyVideoNet(TrainFixtures.FRAMES, 14, 8, 0);
        train(a, plain, dir.resolve("a"), false);
        train(b, acc, dir.resolve("b"), false);
        float[] wa = a.stateDict().get("fc.weight").toFloatArray(), wb = b.stateDict().get("fc.weight").toFloatArray();
        assertArrayEquals(wa, wb, 1e-4f);
    }

    /** Wraps a model and returns NaN logits from the {@code after}-th training forward on. */
    private static final class PoisonAfter extends Module {
        private final Module inner;
        private final int after;
        private int calls;

        PoisonAfter(Module inner, int after) {
            this.inner = register("inner", inner);
            this.after = after;
        }

        @Override public Tensor forward(Tensor x) {
            Tensor y = inner.forward(x);
            if (isTraining() && calls++ >= after) return y.mul(Double.NaN);
            return y;
        }
    }
}
