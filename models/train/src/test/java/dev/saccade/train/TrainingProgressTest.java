package dev.saccade.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Without a terminal, training reports one line per epoch instead of nothing. */
class TrainingProgressTest {
    private static final EpochMetrics EPOCH_3 = new EpochMetrics(2, 1.23456, 45.61, 50.04, 90.0, 0.05, 830.54, 12.34);

    @Test void epochLineCarriesEpochLossAccuracyLrAndTime() {
        assertEquals("epoch 3/8: loss 1.2346, train top-1 45.6%, val top-1 50.0% top-5 90.0%, lr 0.05, 12.3 s (830.5 clips/s)",
                TrainingProgress.epochLine(EPOCH_3, 8));
        EpochMetrics noVal = new EpochMetrics(0, 2.5, 10, Double.NaN, Double.NaN, 1e-4, 10, 1);
        assertEquals("epoch 1/1: loss 2.5000, train top-1 10.0%, lr 0.0001, 1.0 s (10.0 clips/s)", TrainingProgress.epochLine(noVal, 1));
    }

    @Test void linesPrintOnePerEpochAndNoBar() {
        StringWriter log = new StringWriter();
        TrainingProgress p = TrainingProgress.lines(new PrintWriter(log));
        try (TrainingProgress.Bar bar = p.start("epoch 3/8", 10)) {
            bar.step(1.0, 50, 100);
        }
        assertEquals("", log.toString());
        p.epochEnd(EPOCH_3, 8);
        p.epochEnd(new EpochMetrics(3, 1, 50, 55, 91, 0.05, 800, 12), 8);
        assertEquals(List.of(TrainingProgress.epochLine(EPOCH_3, 8), "epoch 4/8: loss 1.0000, train top-1 50.0%, val top-1 55.0% top-5 91.0%, lr 0.05, 12.0 s (800.0 clips/s)"),
                log.toString().lines().toList());
    }

    @Test void withoutATerminalAutoPrintsALinePerEpoch() {
        assumeFalse(TrainingProgress.onTerminal(), "the test JVM is attached to a terminal");
        StringWriter log = new StringWriter();
        TrainingProgress p = TrainingProgress.auto(new PrintWriter(log));
        try (TrainingProgress.Bar bar = p.start("epoch 3/8", 10)) {
            bar.step(1.0, 50, 100);
        }
        p.epochEnd(EPOCH_3, 8);
        assertEquals(TrainingProgress.epochLine(EPOCH_3, 8) + System.lineSeparator(), log.toString());
    }
}
