package dev.saccade.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The confusion-matrix heat map carries class names, a colour scale and the counts. */
class ConfusionMatrixImageTest {
    private static final List<String> NAMES = List.of("moving right", "moving left", "rotating clockwise", "rotating anticlockwise");

    /** 4 classes, 30 videos each; class 0 all right, the others partly confused. */
    private static long[][] matrix(long firstCount) {
        return new long[][] {{firstCount, 0, 0, 0}, {3, 27, 0, 0}, {0, 0, 15, 15}, {0, 1, 9, 20}};
    }

    @Test void cellsAreColouredByShareAndCarryTheirCounts() {
        ConfusionMatrixImage.Layout l = ConfusionMatrixImage.layout(matrix(30), NAMES, "t");
        assertTrue(l.named());
        assertNotNull(l.countFont(), "counts fit " + l.cell() + " px cells");
        BufferedImage a = ConfusionMatrixImage.render(matrix(30), NAMES, "t");
        BufferedImage b = ConfusionMatrixImage.render(matrix(70), NAMES, "t");
        assertEquals(a.getWidth(), b.getWidth());
        // cell (0, 0) holds all of class 0 in both: the darkest colour at its corner, and different digits inside
        int x = l.left() + 2, y = l.top() + 2;
        assertEquals(ConfusionMatrixImage.colour(1).getRGB(), a.getRGB(x, y));
        assertEquals(ConfusionMatrixImage.colour(1).getRGB(), b.getRGB(x, y));
        assertFalse(sameRegion(a, b, l.left(), l.top(), l.cell(), l.cell()), "the count is written in the cell");
        // cell (2, 3) holds half of class 2
        assertEquals(ConfusionMatrixImage.colour(0.5).getRGB(), a.getRGB(l.left() + 3 * l.cell() + 1, l.top() + 2 * l.cell() + 1));
        // and the rest of the matrix is the same picture
        assertTrue(sameRegion(a, b, l.left(), l.top() + l.cell(), 4 * l.cell(), 3 * l.cell()));
    }

    @Test void colourScaleRunsFromNoneAtTheBottomToAllAtTheTop() {
        ConfusionMatrixImage.Layout l = ConfusionMatrixImage.layout(matrix(30), NAMES, "t");
        BufferedImage img = ConfusionMatrixImage.render(matrix(30), NAMES, "t");
        int x = l.barX() + 9, h = l.barHeight();
        for (int j : new int[] {1, h / 4, h / 2, h - 2}) {   // row j shows share 1 − j/(h−1); rows 0 and h are the frame
            assertEquals(ConfusionMatrixImage.colour(1 - (double) j / (h - 1)).getRGB(), img.getRGB(x, l.top() + j), "bar row " + j);
        }
    }

    @Test void classNamesLabelBothAxes() {
        List<String> other = List.of("pushing", "pulling", "lifting", "dropping");
        BufferedImage a = ConfusionMatrixImage.render(matrix(30), NAMES, "t");
        BufferedImage b = ConfusionMatrixImage.render(matrix(30), other, "t");
        ConfusionMatrixImage.Layout la = ConfusionMatrixImage.layout(matrix(30), NAMES, "t");
        ConfusionMatrixImage.Layout lb = ConfusionMatrixImage.layout(matrix(30), other, "t");
        assertTrue(la.left() > lb.left(), "the row-label margin fits the longest name");
        assertEquals(List.of(NAMES.toArray(String[]::new)), List.of(la.labels()));
        int matrix = 4 * la.cell();
        assertTrue(ink(a, 0, la.top(), la.left() - 2, matrix) > 0, "row names drawn left of the matrix");
        assertTrue(ink(a, la.left(), la.top() + matrix + 2, matrix, a.getHeight() - la.top() - matrix - 2) > 0, "column names drawn below it");
        assertTrue(a.getHeight() > b.getHeight(), "rotated column names: longer names, taller image");

        String sthv2 = "Pretending to put something behind something else entirely";
        String shortened = ConfusionMatrixImage.layout(matrix(30), List.of(sthv2, "b", "c", "d"), "t").labels()[0];
        assertEquals(ConfusionMatrixImage.MAX_NAME_CHARS, shortened.length());
        assertTrue(shortened.endsWith("…") && sthv2.startsWith(shortened.substring(0, 20)), shortened);
    }

    @Test void manyClassesGetIndicesAndNoCounts() {
        int k = 174;
        long[][] m = new long[k][k];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < k; c++) { m[c][c] = 20; m[c][(c + 1) % k] = 4; names.add("class name " + c); }
        ConfusionMatrixImage.Layout l = ConfusionMatrixImage.layout(m, names, "t");
        assertFalse(l.named());
        assertEquals("173", l.labels()[173]);
        assertTrue(l.labelEvery() > 1, "indices spaced out: every " + l.labelEvery());
        assertNull(l.countFont(), "no counts in " + l.cell() + " px cells");
        BufferedImage img = ConfusionMatrixImage.render(m, names, "t");
        assertTrue(img.getWidth() < 1000 && img.getHeight() < 1000, img.getWidth() + "x" + img.getHeight());

        List<String> forty = names.subList(0, ConfusionMatrixImage.MAX_NAMED_CLASSES);
        long[][] m40 = new long[40][40];
        assertTrue(ConfusionMatrixImage.layout(m40, forty, "t").named(), "names up to " + ConfusionMatrixImage.MAX_NAMED_CLASSES + " classes");
    }

    @Test void aRaggedMatrixIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConfusionMatrixImage.render(new long[][] {{1, 2}, {3}}, List.of(), "t"));
        assertTrue(e.getMessage().contains("square"), e.getMessage());
    }

    private static boolean sameRegion(BufferedImage a, BufferedImage b, int x0, int y0, int w, int h) {
        for (int y = y0; y < y0 + h; y++) for (int x = x0; x < x0 + w; x++) if (a.getRGB(x, y) != b.getRGB(x, y)) return false;
        return true;
    }

    /** Pixels darker than light grey in a region. */
    private static int ink(BufferedImage img, int x0, int y0, int w, int h) {
        int n = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255) < 3 * 160) n++;
            }
        }
        return n;
    }
}
