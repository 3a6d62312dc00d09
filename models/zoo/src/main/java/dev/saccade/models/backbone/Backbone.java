package dev.saccade.models.backbone;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.flops.FlopTraceable;
import dev.saccade.tensor.Shape;
import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;

/**
 * A 2D image backbone run on the (N·T, 3, H, W) frame batch: {@link #features} gives the last feature map, and
 * {@link #forward} adds the backbone's own global pooling and classifier when it has one (ImageNet use).
 *
 * <pre>{@code
 * Backbone r18 = ResNet.resnet18(BlockHooks.NONE, 8, 0, new SplittableRandom(0));
 * Tensor f = r18.features(x);   // (N·T, 512, H/32, W/32)
 * }</pre>
 */
public abstract class Backbone extends Module implements FlopTraceable {
    /** The last feature map: (N·T, 3, H, W) → (N·T, featureChannels(), h, w). */
    public abstract Tensor features(Tensor x);

    /** Channels of the last feature map (512 for ResNet-18, 2048 for ResNet-50, 1280 for MobileNetV2). */
    public abstract int featureChannels();

    /** The FLOP walk of {@link #features} only (see {@link FlopTraceable}). */
    public abstract Shape traceFeatures(FlopCounter counter, String name, Shape input);

    /** The name of the own classifier child ({@code fc} or {@code classifier}), as in the official code. */
    public abstract String classifierName();
}
