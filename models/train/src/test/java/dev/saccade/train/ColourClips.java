package dev.saccade.train;

import dev.saccade.data.Clip;
import dev.saccade.data.ClipDataset;
import java.util.List;
import java.util.Random;

/**
 * Test-only dataset that a tiny model learns in a few steps: clip {@code i} has label {@code i mod K} and every pixel
 * of channel c is {@code (label == c mod 3 ? 1 : −1) · (1 + label / 3) / 2} plus N(0, 0.3²) noise seeded by the index.
 */
final class ColourClips implements ClipDataset {
    private final int size, classes, frames, side;

    ColourClips(int size, int classes, int frames, int side) {
        this.size = size;
        this.classes = classes;
        this.frames = frames;
        this.side = side;
    }

    @Override public int size() { return size; }
    @Override public int numClasses() { return classes; }
    @Override public List<String> classNames() { return java.util.stream.IntStream.range(0, classes).mapToObj(i -> "c" + i).toList(); }

    @Override public Clip get(int index, Random unused) {
        int label = index % classes;
        Random r = new Random(index * 7919L + 1);
        float[] d = new float[frames * 3 * side * side];                  // (T, 3, H, W)
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < 3; c++) {
                float base = (label % 3 == c ? 1f : -1f) * (1 + label / 3) / 2f;
                for (int p = 0; p < side * side; p++) d[((t * 3 + c) * side * side) + p] = base + (float) (0.3 * r.nextGaussian());
            }
        }
        return new Clip(d, frames, side, side, label, "colour/" + index);
    }
}
