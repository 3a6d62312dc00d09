package dev.saccade.train;

import java.io.Console;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * How training reports itself: on a terminal a per-epoch progress bar on stderr showing the running loss, accuracy,
 * clips/s and the ETA (me.tongfei progressbar); elsewhere (a log file, a pipe, CI) one line per finished epoch
 * ({@link #lines}); {@link #NONE} shows nothing (tests).
 *
 * <pre>{@code
 * TrainingProgress p = TrainingProgress.auto(new PrintWriter(System.out, true));   // bar, or a line per epoch
 * try (TrainingProgress.Bar bar = p.start("epoch 1/50", 1200)) { bar.step(2.3, 12.5, 41.0); }
 * p.epochEnd(metrics, 50);
 * }</pre>
 */
public interface TrainingProgress {

    /** One epoch's bar. */
    interface Bar extends AutoCloseable {
        void step(double loss, double top1, double clipsPerSecond);
        @Override void close();
    }

    Bar start(String task, int steps);

    /** Called by the trainer after each epoch (validated, checkpointed) of {@code epochs}; nothing by default. */
    default void epochEnd(EpochMetrics m, int epochs) {}

    /** A bar that shows nothing. */
    Bar NO_BAR = new Bar() {
        @Override public void step(double loss, double top1, double clipsPerSecond) {}
        @Override public void close() {}
    };

    /** Shows nothing. */
    TrainingProgress NONE = (task, steps) -> NO_BAR;

    /** The console bar on a terminal, else {@link #lines} on {@code log}. */
    static TrainingProgress auto(PrintWriter log) { return onTerminal() ? console() : lines(log); }

    /**
     * Whether the JVM talks to a terminal: {@link System#console()} exists (standard input and output are not
     * redirected) and {@link Console#isTerminal()} says so (the JLine console provider exists even when redirected).
     */
    static boolean onTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** One line per finished epoch on {@code log}, flushed: {@link #epochLine}. */
    static TrainingProgress lines(PrintWriter log) {
        return new TrainingProgress() {
            @Override public Bar start(String task, int steps) { return NO_BAR; }
            @Override public void epochEnd(EpochMetrics m, int epochs) {
                log.println(epochLine(m, epochs));
                log.flush();
            }
        };
    }

    /**
     * An epoch as one line: {@code epoch 3/8: loss 1.2345, train top-1 45.6%, val top-1 50.0% top-5 90.0%, lr 0.05,
     * 12.3 s (830.5 clips/s)}; the validation part is left out when there is no validation set.
     */
    static String epochLine(EpochMetrics m, int epochs) {
        String val = Double.isNaN(m.valTop1()) ? ""
                : String.format(Locale.ROOT, ", val top-1 %.1f%% top-5 %.1f%%", m.valTop1(), m.valTop5());
        String lr = Double.isFinite(m.lr())
                ? BigDecimal.valueOf(m.lr()).round(new MathContext(4)).stripTrailingZeros().toPlainString() : Double.toString(m.lr());
        return String.format(Locale.ROOT, "epoch %d/%d: loss %.4f, train top-1 %.1f%%%s, lr %s, %.1f s (%.1f clips/s)",
                m.epoch() + 1, epochs, m.trainLoss(), m.trainTop1(), val, lr, m.seconds(), m.clipsPerSecond());
    }

    /** Always a console bar (ASCII when not on a terminal). */
    static TrainingProgress console() {
        return (task, steps) -> {
            ProgressBar pb = new ProgressBarBuilder().setTaskName(task).setInitialMax(steps)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(500).build();
            return new Bar() {
                @Override public void step(double loss, double top1, double clipsPerSecond) {
                    pb.setExtraMessage(String.format(Locale.ROOT, " loss %.4f top-1 %.1f%% %.1f clips/s", loss, top1, clipsPerSecond));
                    pb.step();
                }
                @Override public void close() { pb.close(); }
            };
        };
    }
}
