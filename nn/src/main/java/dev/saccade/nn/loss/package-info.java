/**
 * Training losses: {@link dev.saccade.nn.loss.CrossEntropyLoss} (with a NaN/Inf guard naming the step) and
 * {@link dev.saccade.nn.loss.FeatureL2Loss} (W3's MFR feature distance).
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code Tensor loss = new CrossEntropyLoss().apply(logits, labels, step); }</pre>
 */
package dev.saccade.nn.loss;
