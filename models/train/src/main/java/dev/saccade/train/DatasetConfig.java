package dev.saccade.train;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where the clips come from: the built-in synthetic dataset (default) or an official dataset on disk.
 *
 * <p>{@code kind} is one of {@code synthetic}, {@code something-v1}, {@code something-v2}, {@code jester},
 * {@code egogesture}; {@code root} is the dataset folder (ignored for synthetic). The synthetic fields size the
 * generated splits (see {@link dev.saccade.data.synthetic.SyntheticMotion.Options}).
 *
 * <pre>{@code
 * DatasetConfig d = DatasetConfig.synthetic(600, 168);
 * DatasetConfig j = DatasetConfig.onDisk("jester", "/data/jester");
 * }</pre>
 *
 * @param kind           dataset format
 * @param root           dataset root folder (real datasets only)
 * @param trainClips     synthetic: clips in the train split
 * @param valClips       synthetic: clips in the validation split
 * @param noise          synthetic: per-pixel noise
 * @param difficulty     synthetic: clutter in [0, 1]
 * @param controlClasses synthetic: appearance-only control classes (0 to 2)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DatasetConfig(String kind, String root, int trainClips, int valClips, double noise, double difficulty,
                            int controlClasses) {

    public static final String SYNTHETIC = "synthetic";

    public DatasetConfig {
        if (kind == null || kind.isBlank()) throw new IllegalArgumentException("dataset.kind must be set (synthetic, something-v1, something-v2, jester, egogesture)");
    }

    /** The synthetic dataset with its default noise/difficulty and both control classes. */
    public static DatasetConfig synthetic(int trainClips, int valClips) {
        return new DatasetConfig(SYNTHETIC, null, trainClips, valClips, 0.03, 0.5, 2);
    }

    /** An official dataset stored under {@code root}. */
    public static DatasetConfig onDisk(String kind, String root) {
        return new DatasetConfig(kind, root, 0, 0, 0, 0, 0);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isSynthetic() { return SYNTHETIC.equals(kind); }
}
