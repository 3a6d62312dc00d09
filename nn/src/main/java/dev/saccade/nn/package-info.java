/**
 * {@link dev.saccade.nn.Module}, the base of every layer and model (parameters, buffers and children under
 * PyTorch-style dotted names, so official state dicts load by name; train/eval mode), PyTorch's initialisers
 * ({@link dev.saccade.nn.Init}) and per-step re-seeding of random layers ({@link dev.saccade.nn.StepSeeded}).
 *
 * <p><b>Public API</b>; {@code Module} is also what a new layer or model extends.
 *
 * <pre>{@code
 * model.eval();
 * Map<String, Tensor> state = model.stateDict();   // "layer1.0.conv1.weight" → (64, 64, 1, 1), …
 * }</pre>
 */
package dev.saccade.nn;
