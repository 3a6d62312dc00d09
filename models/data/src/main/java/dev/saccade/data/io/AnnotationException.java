package dev.saccade.data.io;

import java.nio.file.Path;

/**
 * A malformed annotation or list file. The message reads {@code file:line: what is wrong} (line omitted when not
 * known), like a compiler's.
 *
 * <pre>{@code
 * throw new AnnotationException(listFile, 12, "expected '<dir> <num_frames> <label>', found 2 fields");
 * }</pre>
 */
public final class AnnotationException extends DataFileException {

    private final int line;

    /** @param line 1-based line number, or ≤ 0 when not known */
    public AnnotationException(Path file, int line, String message) {
        this(file, line, message, null);
    }

    public AnnotationException(Path file, int line, String message, Throwable cause) {
        super(file, file + (line > 0 ? ":" + line : "") + ": " + message, cause);
        this.line = line;
    }

    /** The 1-based line at fault, or ≤ 0. */
    public int line() {
        return line;
    }
}
