/**
 * The 2D backbones run on the {@code (N·T, 3, H, W)} frame batch: torchvision's ResNet v1.5
 * ({@link dev.saccade.models.backbone.ResNet}) and the TSM repository's MobileNetV2
 * ({@link dev.saccade.models.backbone.MobileNetV2}), with the official parameter names and initialisation.
 * {@link dev.saccade.models.backbone.BlockHooks} is where temporal modules enter every residual block
 * (docs/MODELS.md §1).
 *
 * <p><b>Public API</b>; {@code BlockHooks} is the extension point for a new temporal module.
 *
 * <pre>{@code
 * ResNet r50 = ResNet.resnet50(new TsmHooks(8), 8, 0, new SplittableRandom(0));
 * }</pre>
 */
package dev.saccade.models.backbone;
