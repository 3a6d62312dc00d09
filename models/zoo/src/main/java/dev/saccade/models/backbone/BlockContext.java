package dev.saccade.models.backbone;

import java.util.SplittableRandom;

/**
 * Where a residual block sits in a backbone, handed to {@link BlockHooks} when the backbone is built.
 *
 * @param name        the block's dotted name, e.g. {@code layer1.0} (ResNet) or {@code features.2} (MobileNetV2)
 * @param stage       0-based stage index (ResNet layer1..4 → 0..3; MobileNetV2 stride groups)
 * @param lastInStage whether this is the stage's last block
 * @param inChannels  channels entering the block (and its conv1 / conv[0])
 * @param outChannels channels of the residual branch output
 * @param frames      T, the number of frames per clip in the (N·T, C, H, W) batch
 */
public record BlockContext(String name, int stage, int index, boolean lastInStage, int inChannels, int outChannels,
                           int frames, SplittableRandom rng) {}
