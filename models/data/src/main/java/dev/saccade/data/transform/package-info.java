/**
 * Group transforms, one random decision per clip applied to every frame, as the official pipelines do
 * ({@link dev.saccade.data.transform.GroupMultiScaleCrop}, {@link dev.saccade.data.transform.GroupScale},
 * {@link dev.saccade.data.transform.GroupCenterCrop}, {@link dev.saccade.data.transform.GroupRandomHorizontalFlip},
 * {@link dev.saccade.data.transform.GroupFullResSample}), Pillow-exact bilinear resizing
 * ({@link dev.saccade.data.transform.PilBilinear}) and test protocols
 * ({@link dev.saccade.data.transform.TestProtocol}). docs/MODELS.md §3.3, §8.3.
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * GroupTransform val = new GroupScale(256).then(new GroupCenterCrop(224));
 * }</pre>
 */
package dev.saccade.data.transform;
