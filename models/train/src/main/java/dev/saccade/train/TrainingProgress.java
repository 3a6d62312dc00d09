package dev.saccade.train;

import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A per-epoch progress bar on stderr showing the running loss, accuracy, clips/s and the ETA (me.tongfei
 * progressbar). {@link #NONE} shows nothing (tests, logs, no terminal).
 *
 * <pre>{@code
 * TrainingProgress p = TrainingProgress.console();   // or TrainingProgress.NONE
 * try (TrainingProgress.Bar bar = p.start("epoch 1/50", 1200)) { bar.step(2.3, 12.5, 41.0); }
 * }</pre>
 */
public interface TrainingProgress {

    /** One epoch's bar. */
    interface Bar extends AutoCloseable {
        void step(double loss, double top1, double clipsPerSecond);
        @Override void close();
    }

    Bar start(String task, int steps);

    TrainingProgress NONE = (task, steps) -> new Bar() {
        @Override public void step(double loss, double top1, double clipsPerSecond) {}
        @Override public void close() {}
    };

    /** A console bar, or {@link #NONE} when there is no terminal. */
    static TrainingProgress auto() { return System.console() != null ? console() : NONE; }

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
