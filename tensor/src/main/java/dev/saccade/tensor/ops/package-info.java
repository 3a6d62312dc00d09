/**
 * The ops, one class per op with forward and backward side by side (each a {@link dev.saccade.tensor.autograd.Function}),
 * their metadata enums ({@link dev.saccade.tensor.ops.UnaryOp}, {@link dev.saccade.tensor.ops.BinaryOp},
 * {@link dev.saccade.tensor.ops.ReduceOp}) and {@link dev.saccade.tensor.ops.Functional}, the functional forms the
 * layers call (convolution, pooling, normalisation, the temporal shift and frame differences).
 *
 * <p><b>Extension point.</b> Applications reach these through {@link dev.saccade.tensor.Tensor}'s methods and the
 * layers of {@code dev.saccade.nn.layers}; the classes are public for new layers and modules, and for
 * {@link dev.saccade.tensor.ops.MacCounter} (FLOP counting). Adding an op: CONTRIBUTING.md.
 *
 * <pre>{@code
 * Tensor y = Functional.temporalShift(x, 8, 8);   // x, y: (N·8, C, H, W)
 * }</pre>
 */
package dev.saccade.tensor.ops;
