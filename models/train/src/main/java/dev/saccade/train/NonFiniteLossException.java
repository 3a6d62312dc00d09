package dev.saccade.train;

import java.nio.file.Path;

/**
 * Training stopped because the loss became NaN or infinite. The message names the epoch and step (both 0-based) and
 * the last good checkpoint, which is left untouched.
 *
 * <pre>{@code
 * try { trainer.fit(); } catch (NonFiniteLossException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public final class NonFiniteLossException extends RuntimeException {
    private final int epoch;
    private final int step;

    public NonFiniteLossException(double loss, int epoch, int step, Path lastCheckpoint) {
        super("loss is " + loss + " at epoch " + epoch + ", step " + step + " (0-based); training stopped"
                + (lastCheckpoint == null ? "; no checkpoint was written yet" : "; the last good checkpoint is " + lastCheckpoint));
        this.epoch = epoch;
        this.step = step;
    }

    public int epoch() { return epoch; }
    public int step() { return step; }
}
