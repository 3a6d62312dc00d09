package dev.saccade.data.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts the frame files of a video folder, as the {@code gen_label_*} scripts do ({@code len(os.listdir(dir))}),
 * counting only image files ({@code .jpg}, {@code .jpeg}, {@code .png}).
 *
 * <pre>{@code
 * int n = FrameCounter.count(Path.of("20bn-jester-v1/1"), "jester-v1-train.csv:1");
 * }</pre>
 */
final class FrameCounter {

    private FrameCounter() {
    }

    /** Frame files in {@code dir}; a missing folder is an error naming it and the annotation line. */
    static int count(Path dir, String declaredAt) {
        if (!Files.isDirectory(dir)) {
            throw new FrameReadException(dir, "missing frame folder (video declared at " + declaredAt + ")", null);
        }
        int n = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png")) {
                    n++;
                }
            }
        } catch (IOException e) {
            throw new FrameReadException(dir, "cannot list frame folder (" + e + ")", e);
        }
        return n;
    }
}
