package dev.saccade.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint or array file that cannot be read or written: truncated, bad magic, bad header, unknown dtype, shape
 * and size that disagree, a missing entry, a corrupt zip entry (CRC-32), a disallowed pickle global, a budget of
 * {@link ReadLimits} exceeded. The message always starts with the file name and, where there is one, the entry; it is
 * one line, and text taken from the file is escaped ({@link SafeText}) so it can be printed as it is.
 *
 * <pre>{@code
 * try { SafeTensors.read(path); }
 * catch (ArrayFileException e) { System.err.println(e.getMessage()); } // "w.safetensors: entry 'fc.weight': ..."
 * }</pre>
 */
public final class ArrayFileException extends IOException {
    private final Path file;
    private final String limit;

    public ArrayFileException(Path file, String message) {
        this(file, message, null, null);
    }

    public ArrayFileException(Path file, String message, Throwable cause) {
        this(file, message, null, cause);
    }

    private ArrayFileException(Path file, String message, String limit, Throwable cause) {
        super(SafeText.escape(fileName(file) + ": " + message), cause);
        this.file = file;
        this.limit = limit;
    }

    /** An error about one entry (tensor name, zip entry, header field) of a file. */
    public static ArrayFileException inEntry(Path file, String entry, String message) {
        return new ArrayFileException(file, "entry '" + entry + "': " + message);
    }

    /**
     * A budget of {@link ReadLimits} exceeded: the message says what was found and ends with
     * {@code (limit <name> = <value>)}; {@code entry} may be null.
     */
    public static ArrayFileException overLimit(Path file, String entry, String limitName, long limitValue,
            String what) {
        String message = (entry == null ? "" : "entry '" + entry + "': ") + what + " (limit " + limitName + " = "
                + limitValue + ")";
        return new ArrayFileException(file, message, limitName, null);
    }

    /** The file the error is about. */
    public Path file() {
        return file;
    }

    /** The name of the {@link ReadLimits} component that was exceeded, or null when the error is not a budget. */
    public String limit() {
        return limit;
    }

    private static String fileName(Path file) {
        return file == null ? "<unnamed>" : file.toString();
    }
}
