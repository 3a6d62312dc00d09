package dev.saccade.data.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TSM/TSN list files (docs/MODELS.md §8.1): one video per line, {@code <relative_dir> <num_frames> <label_idx>},
 * space separated; frames are 1-based. Outside test mode, lines with {@code num_frames < 3} are dropped, as
 * {@code TSNDataSet._parse_list} does. Blank lines are ignored; any other malformed line is an error naming the
 * file and line.
 *
 * <pre>{@code
 * List<VideoRecord> train = TsnListFile.read(Path.of("something/v1/train_videofolder.txt"), false);
 * List<String> classes = TsnListFile.readCategories(Path.of("something/v1/category.txt"));
 * }</pre>
 */
public final class TsnListFile {

    /** Videos shorter than this are dropped from train/val lists. */
    public static final int MIN_FRAMES = 3;

    private TsnListFile() {
    }

    /** The videos of a list file; {@code testMode} keeps the short ones. */
    public static List<VideoRecord> read(Path listFile, boolean testMode) {
        List<String> lines = readLines(listFile);
        List<VideoRecord> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" +");
            if (f.length < 3) {
                throw new AnnotationException(listFile, i + 1, "expected '<dir> <num_frames> <label>' but found "
                        + f.length + " field" + (f.length == 1 ? "" : "s") + ": '" + line + "'");
            }
            int n = parseInt(listFile, i + 1, "num_frames", f[1]);
            int label = parseInt(listFile, i + 1, "label", f[2]);
            if (n < 0 || label < 0) {
                throw new AnnotationException(listFile, i + 1, "num_frames and label must be ≥ 0: '" + line + "'");
            }
            if (!testMode && n < MIN_FRAMES) {
                continue;
            }
            out.add(new VideoRecord(f[0], n, label, 1, listFile + ":" + (i + 1)));
        }
        return out;
    }

    /** {@code category.txt}: one class name per line, in label order. */
    public static List<String> readCategories(Path categoryFile) {
        List<String> out = new ArrayList<>();
        for (String l : readLines(categoryFile)) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }

    /**
     * The lines of a UTF-8 text file, split at LF, CRLF or CR, without a leading byte-order mark (Windows editors
     * write one; it would otherwise stick to the first field).
     */
    static List<String> readLines(Path file) {
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new AnnotationException(file, 0, "not UTF-8 text (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new AnnotationException(file, 0, "cannot read (" + e + ")", e);
        }
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1));
        }
        return lines;
    }

    static int parseInt(Path file, int line, String field, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new AnnotationException(file, line, field + " '" + text + "' is not an integer");
        }
    }
}
