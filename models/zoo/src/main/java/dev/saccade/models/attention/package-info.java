/**
 * The temporal attention and excitation modules and their placement in a backbone: ACTION-Net's multi-path excitation
 * ({@link dev.saccade.models.attention.ActionModule}), M2A ({@link dev.saccade.models.attention.M2A}), W3
 * ({@link dev.saccade.models.attention.W3Attention} and its feature refinement
 * {@link dev.saccade.models.attention.AttentionGuidedRefinement}), and the comparators CBAM
 * ({@link dev.saccade.models.attention.Cbam}) and Non-local ({@link dev.saccade.models.attention.NonLocal}); each with
 * its {@code *Hooks} class, and their costs ({@link dev.saccade.models.attention.AttentionCost}). Every module takes
 * {@code (N·T, C, H, W)} with T fixed when it is built. What each computes and why: docs/MODELS.md §4–§7.
 *
 * <p><b>Public API.</b> Most code builds these through {@code dev.saccade.models.registry.ModelRegistry} by model id.
 *
 * <pre>{@code
 * Tensor y = new M2A(64, 8, rng).forward(x);   // x, y: (N·8, 64, H, W)
 * }</pre>
 */
package dev.saccade.models.attention;
