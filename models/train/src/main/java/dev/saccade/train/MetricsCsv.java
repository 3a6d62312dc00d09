package dev.saccade.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The run folder's {@code metrics.csv}: a header ({@link EpochMetrics#HEADER}) and one row per epoch, appended and
 * flushed as each epoch ends. On resume, rows of epochs that the checkpoint does not cover are dropped.
 *
 * <pre>{@code
 * MetricsCsv csv = new MetricsCsv(run.resolve("metrics.csv"));
 * csv.append(metrics);
 * List<EpochMetrics> all = csv.read();
 * }</pre>
 */
public final class MetricsCsv {
    private final Path file;

    public MetricsCsv(Path file) { this.file = file; }

    public Path file() { return file; }

    /**
     * All rows so far (empty when the file does not exist). {@link #append} writes a row and its line end in one
     * call, so a last row without its line end is the torn write of a killed run, possibly cut inside a number: it is
     * left out ({@link #truncate}, run on every start and resume, then rewrites the file without it). A bad row
     * anywhere else is an error naming the line.
     */
    public List<EpochMetrics> read() throws IOException {
        List<EpochMetrics> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        String text = Files.readString(file, StandardCharsets.UTF_8);
        boolean torn = !text.isEmpty() && !text.endsWith("\n");
        List<String> lines = new ArrayList<>(text.lines().toList());
        if (torn && lines.size() > 1) {
            lines.removeLast();
        }
        if (lines.isEmpty()) return out;
        if (!lines.get(0).equals(EpochMetrics.HEADER)) {
            throw new IllegalArgumentException(file + ": header '" + lines.get(0) + "' is not " + EpochMetrics.HEADER);
        }
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                out.add(EpochMetrics.parse(lines.get(i)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ", line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Keeps only the rows of epochs {@code < epochs} (rewriting the file atomically). */
    public void truncate(int epochs) throws IOException {
        List<EpochMetrics> keep = new ArrayList<>();
        for (EpochMetrics m : read()) if (m.epoch() < epochs) keep.add(m);
        StringBuilder sb = new StringBuilder(EpochMetrics.HEADER).append('\n');
        for (EpochMetrics m : keep) sb.append(m.csvRow()).append('\n');
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        dev.saccade.nn.io.AtomicFiles.write(file, ch -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Appends one row (writing the header first when the file is new). */
    public void append(EpochMetrics m) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            Files.writeString(file, EpochMetrics.HEADER + "\n", StandardCharsets.UTF_8);
        }
        Files.writeString(file, m.csvRow() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }
}
