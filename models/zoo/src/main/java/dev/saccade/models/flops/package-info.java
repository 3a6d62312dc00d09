/**
 * Multiply-accumulate and parameter counts of a model for one input shape, layer by layer, in the papers' convention
 * (and mmcv's, side by side): {@link dev.saccade.models.flops.FlopCounter}. Modules that can report their shapes
 * without running implement {@link dev.saccade.models.flops.FlopTraceable}. Conventions and published figures:
 * docs/MODELS.md §9.
 *
 * <p><b>Public API</b>; {@code FlopTraceable} is an extension point.
 *
 * <pre>{@code
 * FlopCounter.Report r = FlopCounter.count(model, Shape.of(1, 8, 3, 224, 224));
 * }</pre>
 */
package dev.saccade.models.flops;
