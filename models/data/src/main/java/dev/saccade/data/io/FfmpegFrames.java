package dev.saccade.data.io;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Decodes a video into a temporary folder of JPEG frames with the {@code ffmpeg} program, as the official
 * Something-Something-V2 extraction does ({@code ffmpeg -i VIDEO -vf scale=-1:256 -q:v 2 DIR/%05d.jpg}), hands the
 * folder to a reader and deletes it afterwards.
 *
 * <p>At most {@value #MAX_FRAMES} frames (five minutes at 30 fps; action clips last seconds) are extracted: ffmpeg
 * is told to stop one frame later, and a longer video is an error, so a feature film handed to {@code predict} cannot
 * fill the temporary folder's disk.
 *
 * <p>Reference: ffmpeg documentation, {@code scale} filter, {@code -frames:v} and the {@code image2} muxer.
 *
 * <pre>{@code
 * Clip c = new FfmpegFrames("ffmpeg").withFrames(Path.of("clip.webm"), dir -> FrameFolderClip.load(dir, 8, 224));
 * }</pre>
 */
public final class FfmpegFrames {

    /** Most frames a video may have. */
    public static final int MAX_FRAMES = 9000;

    private final String command;
    private final int maxFrames;

    /** @param command the ffmpeg program: a name looked up on {@code PATH}, or a path */
    public FfmpegFrames(String command) {
        this(command, MAX_FRAMES);
    }

    /** With a different frame limit (tests). */
    public FfmpegFrames(String command, int maxFrames) {
        if (maxFrames < 1) {
            throw new IllegalArgumentException("maxFrames must be ≥ 1, got " + maxFrames);
        }
        this.command = command;
        this.maxFrames = maxFrames;
    }

    /** The executable {@code command} resolves to: itself when it names a file, else the first match on {@code PATH}. */
    public Optional<Path> locate() {
        if (command.contains(File.separator)) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Extracts the frames of {@code video} to a temporary folder, applies {@code reader} to it, deletes the folder. */
    public <T> T withFrames(Path video, Function<Path, T> reader) {
        Path exe = locate().orElseThrow(() -> new IllegalStateException("cannot decode video " + video + ": '" + command
                + "' was not found on PATH; install ffmpeg (e.g. apt-get install ffmpeg) or pass a folder of"
                + " JPEG/PNG frames to --input"));
        Path dir;
        try {
            dir = Files.createTempDirectory("saccade-frames-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary frame folder for " + video, e);
        }
        try {
            extract(exe, video, dir);
            return reader.apply(dir);
        } finally {
            deleteTree(dir);
        }
    }

    private void extract(Path exe, Path video, Path dir) {
        List<String> argv = List.of(exe.toString(), "-loglevel", "error", "-i", video.toString(),
                "-vf", "scale=-1:256", "-q:v", "2", "-frames:v", String.valueOf(maxFrames + 1),
                dir.resolve("%05d.jpg").toString());
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close(); // no console input: ffmpeg must not wait for keys
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalArgumentException("cannot decode video " + video + ": ffmpeg exited with " + rc
                        + (log.isEmpty() ? "" : ": " + log));
            }
            long written;
            try (Stream<Path> s = Files.list(dir)) {
                written = s.count();
            }
            if (written == 0) {
                throw new IllegalArgumentException("cannot decode video " + video + ": ffmpeg wrote no frames");
            }
            if (written > maxFrames) {
                throw new IllegalArgumentException("video " + video + " has more than " + maxFrames + " frames; cut"
                        + " the clip to classify (e.g. ffmpeg -ss START -t SECONDS) or pass a folder of its frames");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + exe + " on " + video, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding " + video, e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete temporary frame folder " + dir, e);
        }
    }
}
