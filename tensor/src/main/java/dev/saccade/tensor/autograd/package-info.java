/**
 * Reverse-mode differentiation: {@link dev.saccade.tensor.autograd.GradMode} turns graph recording off on the current
 * thread (like {@code torch.no_grad()}), {@link dev.saccade.tensor.autograd.Function} is one differentiable operation
 * with its forward and backward side by side, and {@link dev.saccade.tensor.autograd.Autograd} walks the graph.
 *
 * <p><b>Public API</b> ({@code GradMode}); {@code Function} is the extension point for a new op (see CONTRIBUTING.md).
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) { logits = model.forward(clip); }
 * }</pre>
 */
package dev.saccade.tensor.autograd;
