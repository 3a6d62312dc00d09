/**
 * The library for Java applications: {@link dev.saccade.inference.VideoClassifier} (built with
 * {@link dev.saccade.inference.VideoClassifierBuilder}) classifies a video, a folder of frames, a preprocessed
 * {@code .npy} clip or a list of images with any model of the zoo and an official or saccade checkpoint, and answers
 * with {@link dev.saccade.inference.Prediction}s; bad input throws an {@link dev.saccade.inference.InferenceException}
 * naming the file and the problem. Instances are thread-safe and {@link java.lang.AutoCloseable}. The JVM needs
 * {@code --add-modules jdk.incubator.vector}. {@link dev.saccade.inference.StreamingClassifier} is TSM's online mode:
 * one frame at a time through a uni-directional TSM, the prediction after each frame; one instance per stream.
 *
 * <p><b>Public API</b>: the place to start (docs/API.md).
 *
 * <pre>{@code
 * try (VideoClassifier clf = VideoClassifier.builder().model("tsm-resnet50").frames(8).weights(weights).build()) {
 *     List<Prediction> top5 = clf.classify(Path.of("clip.mp4"), 5);
 * }
 * }</pre>
 */
package dev.saccade.inference;
