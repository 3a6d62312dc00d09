/**
 * The TSN wrapper every model in the zoo is ({@link dev.saccade.models.tsn.Tsn}: backbone over the frames, optional
 * feature refinement, pooling, dropout, {@code new_fc}, average over frames), and official checkpoints: loading
 * ({@link dev.saccade.models.tsn.TsnCheckpoint}) and key mapping ({@link dev.saccade.models.tsn.OfficialKeys},
 * docs/CHECKPOINTS.md).
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * TsnCheckpoint.load(model, Path.of("TSM_somethingv2_RGB_resnet50_shift8_blockres_avg_segment8_e45.pth"));
 * }</pre>
 */
package dev.saccade.models.tsn;
