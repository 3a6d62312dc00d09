/**
 * Reading videos and datasets from disk: the official annotation formats (TSN list files, Something-Something V1/V2,
 * Jester, EgoGesture; docs/MODELS.md §8), frame folders ({@link dev.saccade.data.io.FrameFolderDataset},
 * {@link dev.saccade.data.io.FrameFolderClip}) and video files decoded by ffmpeg
 * ({@link dev.saccade.data.io.FfmpegFrames}). Bad files fail with
 * {@link dev.saccade.data.io.AnnotationException} or {@link dev.saccade.data.io.FrameReadException} naming the file.
 *
 * <p><b>Public API.</b>
 */
package dev.saccade.data.io;
