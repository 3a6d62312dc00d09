package dev.saccade.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Trainer#fit()} returns: the per-epoch metrics of the whole run (earlier epochs included after a
 * resume) and the checkpoints it wrote.
 *
 * <pre>{@code
 * TrainResult r = trainer.fit();
 * double top1 = r.metrics().getLast().valTop1();
 * }</pre>
 */
public record TrainResult(List<EpochMetrics> metrics, Path lastCheckpoint, Path bestCheckpoint, double bestTop1) {
    public TrainResult { metrics = List.copyOf(metrics); }
}
