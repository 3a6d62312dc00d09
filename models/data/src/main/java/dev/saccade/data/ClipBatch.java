package dev.saccade.data;

import java.util.List;
import java.util.Objects;

/**
 * N clips stacked: {@code (N, T, 3, H, W)} floats plus their labels and ids.
 *
 * <pre>{@code
 * ClipBatch b = ClipBatch.stack(List.of(clipA, clipB));
 * // b.data() is (2, T, 3, H, W); b.labels()[1] == clipB.label()
 * }</pre>
 *
 * @param data   {@code (N, T, 3, H, W)} contiguous floats
 * @param labels {@code (N)} class indices
 * @param ids    {@code (N)} clip ids
 * @param index  position of this batch in its epoch (0-based)
 */
public record ClipBatch(float[] data, int[] labels, String[] ids, int frames, int height, int width, int index) {

    public ClipBatch {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(ids, "ids");
        if (labels.length != ids.length) {
            throw new IllegalArgumentException("batch " + index + ": " + labels.length + " labels but " + ids.length + " ids");
        }
        long expected = (long) labels.length * frames * Clip.CHANNELS * height * width;
        if (data.length != expected) {
            throw new IllegalArgumentException("batch " + index + ": data has " + data.length + " floats, shape ("
                    + labels.length + ", " + frames + ", 3, " + height + ", " + width + ") needs " + expected);
        }
    }

    /** N, the number of clips. */
    public int size() {
        return labels.length;
    }

    /** Stacks clips of one shape into a batch (batch index 0). */
    public static ClipBatch stack(List<Clip> clips) {
        return stack(clips, 0);
    }

    /** Stacks clips of one shape into batch number {@code index}; an empty list gives an empty batch of shape 1×1×1. */
    public static ClipBatch stack(List<Clip> clips, int index) {
        if (clips.isEmpty()) {
            return new ClipBatch(new float[0], new int[0], new String[0], 1, 1, 1, index);
        }
        Clip first = clips.get(0);
        int per = first.data().length;
        float[] data = new float[per * clips.size()]; // (N, T, 3, H, W)
        int[] labels = new int[clips.size()];
        String[] ids = new String[clips.size()];
        for (int n = 0; n < clips.size(); n++) {
            Clip c = clips.get(n);
            if (c.frames() != first.frames() || c.height() != first.height() || c.width() != first.width()) {
                throw new IllegalArgumentException("batch " + index + ": clip " + c.id() + " has shape (" + c.frames()
                        + ", 3, " + c.height() + ", " + c.width() + ") but clip " + first.id() + " has ("
                        + first.frames() + ", 3, " + first.height() + ", " + first.width() + ")");
            }
            System.arraycopy(c.data(), 0, data, n * per, per);
            labels[n] = c.label();
            ids[n] = c.id();
        }
        return new ClipBatch(data, labels, ids, first.frames(), first.height(), first.width(), index);
    }
}
