package dev.saccade.data.io;

import java.nio.file.Path;

/**
 * A video frame that could not be read: missing, unreadable or not a decodable image. The message names the file.
 *
 * <pre>{@code
 * try { reader.read(path); } catch (FrameReadException e) { log(e.file() + ": " + e.getMessage()); }
 * }</pre>
 */
public final class FrameReadException extends DataFileException {

    public FrameReadException(Path file, String reason, Throwable cause) {
        super(file, "cannot read frame " + file + ": " + reason, cause);
    }

}
