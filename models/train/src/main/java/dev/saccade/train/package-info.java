/**
 * Training: {@link dev.saccade.train.Trainer} (epochs, checkpoints written atomically, exact resume, metrics and
 * curves in a run folder), {@link dev.saccade.train.TrainConfig}, the official recipes as
 * {@link dev.saccade.train.Presets}, and W3's two-stage {@link dev.saccade.train.MfrTraining}.
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * TrainConfig c = Presets.get("tsm-something");
 * }</pre>
 */
package dev.saccade.train;
