package dev.saccade.eval;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes an evaluation's confusion matrix as CSV ({@code true \ predicted}, with class names) and as a PNG heat map
 * ({@link ConfusionMatrixImage}: class names on both axes, rows normalised per true class against a colour scale,
 * counts in the cells), plus the per-class accuracy CSV. Files are written atomically.
 *
 * <pre>{@code
 * ConfusionMatrixReport.write(Path.of("runs/demo/eval-1x1"), result);   // confusion.csv, confusion.png, per_class.csv
 * }</pre>
 */
public final class ConfusionMatrixReport {
    public static final String CSV = "confusion.csv";
    public static final String PNG = "confusion.png";
    public static final String PER_CLASS = "per_class.csv";

    private ConfusionMatrixReport() {}

    public static void write(Path dir, EvalResult r) throws IOException {
        writeBytes(dir.resolve(CSV), csv(r).getBytes(StandardCharsets.UTF_8));
        writeBytes(dir.resolve(PNG), png(r));
        StringBuilder pc = new StringBuilder("class,name,videos,accuracy\n");
        for (int c = 0; c < r.perClass().length; c++) {
            long total = 0;
            for (long v : r.confusion()[c]) total += v;
            pc.append(c).append(',').append(quote(name(r, c))).append(',').append(total).append(',')
              .append(String.format(Locale.ROOT, "%.3f", r.perClass()[c])).append('\n');
        }
        writeBytes(dir.resolve(PER_CLASS), pc.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The matrix as CSV: a header of predicted class names, then one row per true class. */
    public static String csv(EvalResult r) {
        int k = r.confusion().length;
        StringBuilder sb = new StringBuilder("true\\predicted");
        for (int c = 0; c < k; c++) sb.append(',').append(quote(name(r, c)));
        sb.append('\n');
        for (int t = 0; t < k; t++) {
            sb.append(quote(name(r, t)));
            for (int p = 0; p < k; p++) sb.append(',').append(r.confusion()[t][p]);
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The heat map ({@link ConfusionMatrixImage}: class names, colour scale, counts) as PNG bytes. */
    public static byte[] png(EvalResult r) throws IOException {
        String title = String.format(Locale.ROOT, "%s: top-1 %.1f%%, top-5 %.1f%%, %d videos", r.protocol(), r.top1(), r.top5(), r.videos());
        BufferedImage img = ConfusionMatrixImage.render(r.confusion(), r.classNames(), title);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available");
        return out.toByteArray();
    }

    private static String name(EvalResult r, int c) {
        return c < r.classNames().size() ? r.classNames().get(c) : Integer.toString(c);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static void writeBytes(Path file, byte[] bytes) throws IOException {
        dev.saccade.nn.io.AtomicFiles.write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }
}
