package dev.saccade.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the training curves of a run as PNG with XChart: {@code loss.png} (training loss per epoch) and
 * {@code accuracy.png} (train top-1, validation top-1 and top-5 per epoch). Redrawn after every epoch, written
 * atomically.
 *
 * <pre>{@code
 * TrainingCurves.write(run, new MetricsCsv(run.resolve("metrics.csv")).read());
 * }</pre>
 */
public final class TrainingCurves {
    private TrainingCurves() {}

    public static final String LOSS_PNG = "loss.png";
    public static final String ACCURACY_PNG = "accuracy.png";

    public static void write(Path runDir, List<EpochMetrics> rows) throws IOException {
        if (rows.isEmpty()) return;
        System.setProperty("java.awt.headless", "true");
        javax.imageio.ImageIO.setUseCache(false); // encode in memory: no imageio*.tmp files in java.io.tmpdir
        double[] epochs = rows.stream().mapToDouble(m -> m.epoch() + 1).toArray();
        XYChart loss = chart("Training loss", "loss");
        loss.addSeries("train loss", epochs, rows.stream().mapToDouble(EpochMetrics::trainLoss).toArray()).setMarker(SeriesMarkers.CIRCLE);
        save(loss, runDir.resolve(LOSS_PNG));

        XYChart acc = chart("Accuracy", "accuracy (%)");
        acc.addSeries("train top-1", epochs, rows.stream().mapToDouble(EpochMetrics::trainTop1).toArray()).setMarker(SeriesMarkers.CIRCLE);
        if (rows.stream().anyMatch(m -> !Double.isNaN(m.valTop1()))) {
            acc.addSeries("val top-1", epochs, finite(rows.stream().mapToDouble(EpochMetrics::valTop1).toArray())).setMarker(SeriesMarkers.DIAMOND);
            acc.addSeries("val top-5", epochs, finite(rows.stream().mapToDouble(EpochMetrics::valTop5).toArray())).setMarker(SeriesMarkers.SQUARE);
        }
        save(acc, runDir.resolve(ACCURACY_PNG));
    }

    private static double[] finite(double[] v) {
        for (int i = 0; i < v.length; i++) if (!Double.isFinite(v[i])) v[i] = 0;
        return v;
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return c;
    }

    static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        dev.saccade.nn.io.AtomicFiles.write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(png);
            while (b.hasRemaining()) ch.write(b);
        });
    }
}
