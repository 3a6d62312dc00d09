package dev.saccade.data.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A class-name file: one name per line, line k naming class k (the {@code category.txt} the TSM tooling writes);
 * trailing blank lines are ignored.
 *
 * <pre>{@code
 * List<String> names = ClassNames.read(Path.of("category.txt"), 174);
 * }</pre>
 */
public final class ClassNames {

    private ClassNames() {
    }

    /** The names in {@code file}, which must hold exactly {@code classes} of them. */
    public static List<String> read(Path file, int classes) {
        List<String> lines = new ArrayList<>(TsnListFile.readLines(file));
        while (!lines.isEmpty() && lines.getLast().isBlank()) {
            lines.removeLast();
        }
        if (lines.size() != classes) {
            throw new AnnotationException(file, 0, "labels file has " + lines.size()
                    + " class names (one per line) but --classes is " + classes);
        }
        return lines.stream().map(String::strip).toList();
    }
}
