package dev.saccade.data.io;

/**
 * One video of an annotation: a folder of frames, how many, the label, and where it was declared.
 * Frame {@code i} (0-based position) is the file {@code String.format(template, firstFrame + i)} in {@code dir}.
 *
 * <pre>{@code
 * VideoRecord r = new VideoRecord("12345", 37, 5, 1, "train_videofolder.txt:3");
 * }</pre>
 *
 * @param dir        frame folder, relative to the dataset's frame root
 * @param numFrames  frames in the video
 * @param label      class index (0 for unlabelled test videos)
 * @param firstFrame number of the first frame file (1 for the 20BN sets; the gesture start for EgoGesture)
 * @param source     {@code file:line} that declared it, for error messages
 */
public record VideoRecord(String dir, int numFrames, int label, int firstFrame, String source) {
}
