package dev.saccade.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint or array file that cannot be read or written: truncated, bad magic, bad header, unknown dtype, shape
 * and size that disagree, a missing entry, a disallowed pickle global. The message always starts with the file name
 * and, where there is one, the entry.
 *
 * <pre>{@code
 * try { SafeTensors.read(path); }
 * catch (ArrayFileException e) { System.err.println(e.getMessage()); } // "w.safetensors: entry 'fc.weight': ..."
 * }</pre>
 */
public final class ArrayFileException extends IOException {
    private final Path file;

    public ArrayFileException(Path file, String message) {
        super(fileName(file) + ": " + message);
        this.file = file;
    }

    public ArrayFileException(Path file, String message, Throwable cause) {
        super(fileName(file) + ": " + message, cause);
        this.file = file;
    }

    /** An error about one entry (tensor name, zip entry, header field) of a file. */
    public static ArrayFileException inEntry(Path file, String entry, String message) {
        return new ArrayFileException(file, "entry '" + entry + "': " + message);
    }

    /** The file the error is about. */
    public Path file() {
        return file;
    }

    private static String fileName(Path file) {
        return file == null ? "<unnamed>" : file.toString();
    }
}
