package dev.saccade.data.io;

import java.nio.file.Path;

/**
 * A dataset input that cannot be used: a malformed annotation or list file ({@link AnnotationException}), a frame
 * that cannot be decoded or is too large ({@link FrameReadException}). The one type every data reader throws; the
 * message is one line that starts with the file (and line, where there is one) and says what is wrong, so a command
 * line can print it as it is.
 *
 * <pre>{@code
 * try { TsnListFile.read(list, false); } catch (DataFileException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public abstract sealed class DataFileException extends RuntimeException permits AnnotationException, FrameReadException {
    private final Path file;

    protected DataFileException(Path file, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** Line breaks and other control characters from a file's text, written as escapes. */
    static String oneLine(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
            if (unsafe && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (b != null) {
                if (unsafe) {
                    b.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? text : b.toString();
    }
}
