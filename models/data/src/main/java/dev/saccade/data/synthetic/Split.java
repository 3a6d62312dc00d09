package dev.saccade.data.synthetic;

/**
 * Splits of the synthetic dataset; each draws its clips from its own seed stream, so they never share a clip.
 *
 * <pre>{@code
 * ClipDataset val = new SyntheticMotion(SyntheticMotion.Options.defaults()).split(Split.VAL);
 * }</pre>
 */
public enum Split {
    TRAIN,
    VAL,
    TEST
}
