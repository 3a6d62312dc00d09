/**
 * Layers with PyTorch's semantics, parameter names and default initialisation: {@link dev.saccade.nn.layers.Conv}
 * (1D, 2D, 3D, grouped and depthwise), {@link dev.saccade.nn.layers.Linear}, {@link dev.saccade.nn.layers.BatchNorm},
 * {@link dev.saccade.nn.layers.LayerNorm}, {@link dev.saccade.nn.layers.Pooling}, {@link dev.saccade.nn.layers.Activation},
 * {@link dev.saccade.nn.layers.Dropout}, {@link dev.saccade.nn.layers.Sequential} and
 * {@link dev.saccade.nn.layers.Identity}.
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * Module conv1 = Conv.conv2d(256, 64, 1, 1, 0, 1, false, rng);   // (N·T, 256, H, W) → (N·T, 64, H, W)
 * }</pre>
 */
package dev.saccade.nn.layers;
