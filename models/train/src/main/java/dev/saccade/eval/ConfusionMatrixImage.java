package dev.saccade.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Draws a confusion matrix as a heat map (java.awt): rows are true classes, columns predicted ones, each cell
 * coloured by its share of the true class (white = 0 → dark blue = all of it, the colour scale drawn on the right)
 * and labelled with its count when the cells are large enough to hold the largest count legibly. Class names stand
 * on both axes (predicted names rotated, long names shortened with "…") for up to {@link #MAX_NAMED_CLASSES}
 * classes; beyond that the axes carry class indices, every few classes.
 *
 * <pre>{@code
 * BufferedImage img = ConfusionMatrixImage.render(result.confusion(), result.classNames(), "1x1  top-1 94.3%");
 * }</pre>
 */
public final class ConfusionMatrixImage {
    /** Up to this many classes the axes carry the class names; beyond it, indices. */
    public static final int MAX_NAMED_CLASSES = 40;
    /** Longer class names are shortened to this many characters. */
    static final int MAX_NAME_CHARS = 40;
    /** The colour scale, white to dark blue (matplotlib's "Blues" anchors), sampled linearly between anchors. */
    private static final Color[] SCALE = {new Color(0xf7fbff), new Color(0xc6dbef), new Color(0x6baed6), new Color(0x2171b5), new Color(0x08306b)};
    private static final int MATRIX_SIDE = 720, PAD = 10, BAR_WIDTH = 18, AXIS_TITLE = 18;
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13), AXIS_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private ConfusionMatrixImage() {}

    /**
     * The heat map of {@code confusion[true][predicted]} ({@code k × k}); {@code names} may be shorter than
     * {@code k} (missing names are indices); {@code title} goes on top.
     */
    public static BufferedImage render(long[][] confusion, List<String> names, String title) {
        Layout l = layout(confusion, names, title);
        int k = l.labels().length, cell = l.cell(), left = l.left(), top = l.top(), matrix = k * cell;
        int width = l.width(), height = l.height();
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(TITLE_FONT);
            g.drawString(title, PAD, PAD + 13);

            drawCells(g, confusion, left, top, cell, l.countFont());
            g.setColor(Color.BLACK);
            g.drawRect(left, top, matrix, matrix);

            g.setFont(l.labelFont());
            FontMetrics fm = g.getFontMetrics();
            String[] labels = l.labels();
            int ascentShift = (fm.getAscent() - fm.getDescent()) / 2;
            for (int c = 0; c < k; c += l.labelEvery()) {
                int centre = c * cell + cell / 2;
                g.drawString(labels[c], left - 6 - fm.stringWidth(labels[c]), top + centre + ascentShift);   // row: true class
                AffineTransform saved = g.getTransform();                                                  // column: predicted
                g.translate(left + centre + ascentShift, top + matrix + 6 + fm.stringWidth(labels[c]));
                g.rotate(-Math.PI / 2);
                g.drawString(labels[c], 0, 0);
                g.setTransform(saved);
            }

            g.setFont(AXIS_FONT);
            FontMetrics am = g.getFontMetrics();
            g.drawString("predicted", left + matrix / 2 - am.stringWidth("predicted") / 2, height - PAD);
            AffineTransform saved = g.getTransform();
            g.translate(PAD + am.getAscent(), top + matrix / 2 + am.stringWidth("true") / 2);
            g.rotate(-Math.PI / 2);
            g.drawString("true", 0, 0);
            g.setTransform(saved);

            drawScale(g, l.barX(), top, l.barHeight(), l.labelFont());
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * Where everything goes: the matrix at ({@code left}, {@code top}) in cells of {@code cell} pixels, the colour
     * bar at ({@code barX}, {@code top}), {@code barHeight} tall; axis labels (names or indices) every
     * {@code labelEvery} classes; {@code countFont} null when counts do not fit the cells.
     */
    record Layout(String[] labels, boolean named, int labelEvery, int cell, int left, int top, int barX, int barHeight,
                  int width, int height, Font labelFont, Font countFont) {}

    static Layout layout(long[][] confusion, List<String> names, String title) {
        System.setProperty("java.awt.headless", "true");
        int k = confusion.length;
        for (long[] row : confusion) {
            if (row.length != k) throw new IllegalArgumentException("confusion matrix must be square, got " + k + " rows and a row of " + row.length);
        }
        int cell = Math.max(4, Math.min(48, MATRIX_SIDE / Math.max(k, 1)));
        boolean named = k <= MAX_NAMED_CLASSES;
        String[] labels = new String[k];
        for (int c = 0; c < k; c++) labels[c] = named ? shorten(c < names.size() ? names.get(c) : Integer.toString(c)) : Integer.toString(c);
        int labelEvery = named ? 1 : Math.max(1, (int) Math.ceil(12.0 / cell));   // index labels at least 12 px apart

        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(12, cell - 2)));
        long maxCount = 0;
        for (long[] row : confusion) for (long v : row) maxCount = Math.max(maxCount, v);
        Font countFont = countFont(cell, Long.toString(maxCount));

        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics lm = pg.getFontMetrics(labelFont);
        int labelWidth = 0;
        for (int c = 0; c < k; c += labelEvery) labelWidth = Math.max(labelWidth, lm.stringWidth(labels[c]));
        int barLabelWidth = lm.stringWidth("100%");
        int labelHeight = lm.getHeight();
        int titleWidth = pg.getFontMetrics(TITLE_FONT).stringWidth(title);
        pg.dispose();

        int left = PAD + AXIS_TITLE + labelWidth + 6;           // "true", then the row names
        int top = PAD + 24;                                     // below the title
        int matrix = k * cell;
        int bottom = 6 + labelWidth + 6 + AXIS_TITLE + PAD;     // rotated column names, then "predicted"
        int barX = left + matrix + 16;
        int right = 16 + BAR_WIDTH + 6 + barLabelWidth + 6 + labelHeight + PAD;   // bar, ticks, caption
        int barHeight = Math.max(matrix, 120);
        return new Layout(labels, named, labelEvery, cell, left, top, barX, barHeight,
                Math.max(left + matrix + right, PAD + titleWidth + PAD), top + barHeight + bottom, labelFont, countFont);
    }

    /** Cells coloured by their share of the row, with their counts when {@code countFont} is not null. */
    private static void drawCells(Graphics2D g, long[][] confusion, int left, int top, int cell, Font countFont) {
        int k = confusion.length;
        FontMetrics cm = countFont == null ? null : g.getFontMetrics(countFont);
        if (countFont != null) g.setFont(countFont);
        for (int t = 0; t < k; t++) {
            long total = 0;
            for (long v : confusion[t]) total += v;
            for (int p = 0; p < k; p++) {
                double share = total == 0 ? 0 : (double) confusion[t][p] / total;
                g.setColor(colour(share));
                g.fillRect(left + p * cell, top + t * cell, cell, cell);
                if (cm != null && confusion[t][p] > 0) {
                    String s = Long.toString(confusion[t][p]);
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    g.drawString(s, left + p * cell + (cell - cm.stringWidth(s)) / 2,
                            top + t * cell + (cell + cm.getAscent() - cm.getDescent()) / 2);
                }
            }
        }
    }

    /** The colour bar: 0 % at the bottom, 100 % at the top, ticks every 25 %, and what it measures on its right. */
    private static void drawScale(Graphics2D g, int x, int top, int h, Font font) {
        for (int y = 0; y < h; y++) {
            g.setColor(colour(1.0 - (double) y / (h - 1)));
            g.fillRect(x, top + y, BAR_WIDTH, 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x, top, BAR_WIDTH, h);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        for (int pct = 0; pct <= 100; pct += 25) {
            int y = top + (int) Math.round((100 - pct) / 100.0 * h);
            g.drawLine(x + BAR_WIDTH, y, x + BAR_WIDTH + 3, y);
            g.drawString(pct + "%", x + BAR_WIDTH + 6, y + (fm.getAscent() - fm.getDescent()) / 2);
        }
        String what = "share of the true class";
        AffineTransform saved = g.getTransform();
        g.translate(x + BAR_WIDTH + 6 + fm.stringWidth("100%") + 6 + fm.getDescent(), top + h / 2 - fm.stringWidth(what) / 2);
        g.rotate(Math.PI / 2);
        g.drawString(what, 0, 0);
        g.setTransform(saved);
    }

    /** The scale's colour at {@code share} in [0, 1]. */
    static Color colour(double share) {
        double x = Math.max(0, Math.min(1, share)) * (SCALE.length - 1);
        int i = Math.min((int) x, SCALE.length - 2);
        double f = x - i;
        Color a = SCALE[i], b = SCALE[i + 1];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    /** The largest font (7 to 12 pt) in which {@code widest} fits a cell with a margin, or null when none does. */
    static Font countFont(int cell, String widest) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            for (int size = 12; size >= 7; size--) {
                Font f = new Font(Font.SANS_SERIF, Font.PLAIN, size);
                FontMetrics m = g.getFontMetrics(f);
                if (m.stringWidth(widest) <= cell - 2 && m.getAscent() <= cell - 2) return f;
            }
            return null;
        } finally {
            g.dispose();
        }
    }

    static String shorten(String name) {
        return name.length() <= MAX_NAME_CHARS ? name : name.substring(0, MAX_NAME_CHARS - 1).strip() + "…";
    }
}
