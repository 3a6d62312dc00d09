package dev.saccade.nn.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file all-or-nothing: the content goes to a temporary file in the same directory, is forced to disk,
 * then renamed over the target with {@code ATOMIC_MOVE}. A reader sees the old file or the complete new one, never a
 * half-written one; when the writer throws, the temporary file is deleted and the old file is left untouched.
 *
 * <pre>{@code
 * AtomicFiles.write(Path.of("ckpt.safetensors"), ch -> ch.write(ByteBuffer.wrap(bytes)));
 * }</pre>
 */
public final class AtomicFiles {
    /** Writes the whole content of the new file to an open channel positioned at 0. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Replaces {@code target} with what {@code writer} writes, atomically.
     *
     * @throws IOException what the writer threw, or the failure to create, force or rename the temporary file
     */
    public static void write(Path target, ContentWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.writeTo(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(target + ": the file system cannot rename atomically in " + dir, e);
            }
            moved = true;
            forceDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Deletes the temporary files {@link #write} leaves in {@code dir} when the process is killed mid-write
     * ({@code .<name>.<digits>.tmp}); other files are never touched. Returns the names removed.
     */
    public static java.util.List<String> removeStaleTemporaries(Path dir) throws IOException {
        java.util.List<String> removed = new java.util.ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (STALE_TEMPORARY.matcher(name).matches() && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(f);
                    removed.add(name);
                }
            }
        }
        return removed;
    }

    /** The names {@link Files#createTempFile} gives with our prefix and suffix: {@code .<target>.<digits>.tmp}. */
    private static final java.util.regex.Pattern STALE_TEMPORARY = java.util.regex.Pattern.compile("\\..+\\.[0-9]+\\.tmp");

    /** Makes the rename durable where the platform allows opening a directory (Linux); elsewhere a no-op. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not all platforms can fsync a directory; the rename itself is already atomic.
        }
    }

    /** Writes all remaining bytes of {@code buffer}, looping over partial writes. */
    static void writeFully(FileChannel ch, java.nio.ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }
}
