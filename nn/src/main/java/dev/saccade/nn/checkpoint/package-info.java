/**
 * Modules and tensors to and from checkpoint files: {@link dev.saccade.nn.checkpoint.Checkpoints} (safetensors
 * save/load, PyTorch {@code .pth} load, dtype conversions, loading into a module with a
 * {@link dev.saccade.nn.checkpoint.KeyMapping} from official names).
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code Checkpoints.loadInto(model, Checkpoints.loadPth(file), KeyMapping.identity(), true); }</pre>
 */
package dev.saccade.nn.checkpoint;
