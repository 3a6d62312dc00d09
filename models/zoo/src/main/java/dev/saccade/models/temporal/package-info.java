/**
 * TSM's temporal shift as a module wrapped around a block's first convolution
 * ({@link dev.saccade.models.temporal.TemporalShiftModule}) and its "blockres" placement
 * ({@link dev.saccade.models.temporal.TsmHooks}); the uni-directional (online) variant and
 * {@link dev.saccade.models.temporal.OnlineShiftState}, which streams such a model one frame at a time with per-layer
 * caches. docs/MODELS.md §3.
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * ResNet r50 = ResNet.resnet50(new TsmHooks(8), 8, 0, rng);
 * }</pre>
 */
package dev.saccade.models.temporal;
