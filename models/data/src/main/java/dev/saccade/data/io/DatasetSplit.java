package dev.saccade.data.io;

/**
 * The splits of the official annotation files.
 *
 * <pre>{@code
 * VideoAnnotations val = TwentyBnCsv.JESTER.load(root, DatasetSplit.VAL);
 * }</pre>
 */
public enum DatasetSplit {
    TRAIN,
    VAL,
    TEST,
    /** EgoGesture's train + val subjects (ACTION-Net trains on it). */
    TRAIN_PLUS_VAL
}
