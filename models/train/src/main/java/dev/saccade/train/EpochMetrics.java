package dev.saccade.train;

import java.util.Locale;

/**
 * One row of {@code metrics.csv}.
 *
 * <pre>{@code
 * EpochMetrics m = new EpochMetrics(0, 2.31, 12.5, 18.0, 60.1, 0.01, 41.2, 13.6);
 * String row = m.csvRow();   // "0,2.310000,12.500,18.000,60.100,0.01,41.20,13.60"
 * }</pre>
 *
 * @param epoch          0-based epoch index
 * @param trainLoss      mean training cross-entropy (plus any extra term) over the epoch
 * @param trainTop1      training top-1 (%)
 * @param valTop1        validation top-1 (%), NaN when there is no validation set
 * @param valTop5        validation top-5 (%)
 * @param lr             base learning rate of the epoch
 * @param clipsPerSecond training throughput (forward + backward + step)
 * @param seconds        wall time of the epoch, validation included
 */
public record EpochMetrics(int epoch, double trainLoss, double trainTop1, double valTop1, double valTop5, double lr,
                           double clipsPerSecond, double seconds) {

    public static final String HEADER = "epoch,train_loss,train_top1,val_top1,val_top5,lr,clips_per_s,seconds";

    public String csvRow() {
        return String.format(Locale.ROOT, "%d,%.6f,%.3f,%.3f,%.3f,%s,%.2f,%.2f", epoch, trainLoss, trainTop1, valTop1,
                valTop5, Double.toString(lr), clipsPerSecond, seconds);
    }

    /** Parses a row written by {@link #csvRow()}. */
    public static EpochMetrics parse(String row) {
        String[] f = row.split(",");
        if (f.length != 8) throw new IllegalArgumentException("metrics row '" + row + "' has " + f.length + " fields, expected 8 (" + HEADER + ")");
        return new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]));
    }
}
