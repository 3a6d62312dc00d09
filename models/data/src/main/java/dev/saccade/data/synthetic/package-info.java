/**
 * The built-in synthetic motion dataset ({@link dev.saccade.data.synthetic.SyntheticMotion}): clips of moving shapes
 * rendered from a seed, each motion class paired with its time-reversed twin so that a model that ignores time stays
 * at chance within each pair.
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * Clip c = new SyntheticMotion(SyntheticMotion.Options.defaults()).get(Split.TRAIN, 0);
 * }</pre>
 */
package dev.saccade.data.synthetic;
