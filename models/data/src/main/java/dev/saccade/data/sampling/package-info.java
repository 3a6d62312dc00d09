/**
 * Which frames make a clip: TSN segment sampling ({@link dev.saccade.data.sampling.SegmentSampler}), the clip
 * protocols of training, validation and test ({@link dev.saccade.data.sampling.ClipSampling}) and derived seeds
 * ({@link dev.saccade.data.sampling.Seeds}). docs/MODELS.md §2.1.
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * int[] val = new SegmentSampler(8, 1).val(40);   // {3, 8, 13, 18, 23, 28, 33, 38}
 * }</pre>
 */
package dev.saccade.data.sampling;
