/**
 * Evaluation: a model over a test protocol's views of every video, scores averaged per video
 * ({@link dev.saccade.eval.Evaluator}, {@link dev.saccade.eval.EvalProtocol}), top-k accuracy
 * ({@link dev.saccade.eval.TopK}) and confusion matrices ({@link dev.saccade.eval.ConfusionMatrixReport}).
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * TestProtocol p = EvalProtocol.parse("3x2").protocol(224);
 * }</pre>
 */
package dev.saccade.eval;
