/**
 * Tensors: {@link dev.saccade.tensor.Tensor} (an immutable handle on a {@link dev.saccade.tensor.Storage} seen through
 * a {@link dev.saccade.tensor.Layout}, with reverse-mode autograd), {@link dev.saccade.tensor.Shape},
 * {@link dev.saccade.tensor.DType} and {@link dev.saccade.tensor.Device}.
 *
 * <p><b>Public API.</b> {@link dev.saccade.tensor.Backend} and {@link dev.saccade.tensor.Storage} are the service
 * provider interface a device implements (found with {@link java.util.ServiceLoader} by
 * {@link dev.saccade.tensor.Backends}); applications do not call backends directly.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(new SplittableRandom(0), 2, 3).setRequiresGrad(true);
 * x.mul(x).sum().backward();   // x.grad() == 2x
 * }</pre>
 */
package dev.saccade.tensor;
