/**
 * Clips as models take them: {@link dev.saccade.data.Clip} ({@code (T, 3, H, W)} normalised floats),
 * {@link dev.saccade.data.ClipBatch}, the {@link dev.saccade.data.ClipDataset} interface, 8-bit frames
 * ({@link dev.saccade.data.RgbFrame}) and ImageNet normalisation ({@link dev.saccade.data.ImageNetNormalize}).
 * Nothing in {@code saccade-data} depends on the engine.
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * Clip c = ImageNetNormalize.IMAGENET.toClip(frames, label, "video42");
 * }</pre>
 */
package dev.saccade.data;
