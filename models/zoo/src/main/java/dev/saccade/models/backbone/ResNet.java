package dev.saccade.models.backbone;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.nn.Init;
import dev.saccade.nn.Module;
import dev.saccade.nn.inference.FoldedConv;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Linear;
import dev.saccade.nn.layers.Pooling;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.InferenceConv;
import java.util.SplittableRandom;

/**
 * torchvision's ResNet v1.5 (stride 2 in the 3×3 conv of each stage's first block) with torchvision's parameter
 * names ({@code conv1}, {@code bn1}, {@code layer1.0.conv1}, {@code layer1.0.downsample.0}, …, {@code fc}) and
 * initialisation (convs {@code kaiming_normal_(mode='fan_out', nonlinearity='relu')}, BN γ = 1, β = 0, fc PyTorch's
 * Linear default). Temporal modules enter through {@link BlockHooks} at every block; {@code classes = 0} builds it
 * without {@code fc} (the TSN wrapper puts its own {@code new_fc} after pooling).
 * Reference: He et al., "Deep Residual Learning", CVPR 2016; torchvision {@code models/resnet.py}.
 *
 * <pre>{@code
 * ResNet r50 = ResNet.resnet50(new TsmHooks(8), 8, 0, new SplittableRandom(0));
 * Tensor f = r50.features(x);    // (N·8, 3, 224, 224) → (N·8, 2048, 7, 7)
 * }</pre>
 */
public final class ResNet extends Backbone {
    private final Conv conv1;
    private final BatchNorm bn1;
    private final Pooling maxpool;
    private final FoldedConv stem;   // conv1 + bn1 + ReLU for the inference path
    private final Sequential[] layers = new Sequential[4];
    private final Pooling avgpool;
    private final Linear fc;
    private final int featureChannels;

    /**
     * @param bottleneck {@code true} for Bottleneck blocks (ResNet-50/101), {@code false} for BasicBlock (18/34)
     * @param blocks     blocks per stage, e.g. {3, 4, 6, 3}
     * @param frames     T, handed to the hooks
     * @param classes    size of {@code fc}, or 0 for no classifier
     */
    public ResNet(boolean bottleneck, int[] blocks, BlockHooks hooks, int frames, int classes, SplittableRandom rng) {
        this(bottleneck, blocks, 64, hooks, frames, classes, rng);
    }

    /**
     * A ResNet whose stages have {@code width · 2^stage} planes (torchvision: width 64). Narrower widths give the
     * small backbones of the CPU demo; their state dicts keep torchvision's names but not its shapes.
     */
    public ResNet(boolean bottleneck, int[] blocks, int width, BlockHooks hooks, int frames, int classes, SplittableRandom rng) {
        if (blocks.length != 4) throw new IllegalArgumentException("ResNet needs 4 stages, got " + blocks.length);
        int expansion = bottleneck ? Bottleneck.EXPANSION : BasicBlock.EXPANSION;
        if (width < 1) throw new IllegalArgumentException("ResNet width must be ≥ 1, got " + width);
        conv1 = register("conv1", Conv.conv2d(3, width, 7, 2, 3, 1, false, rng));
        Init.assign(conv1.weight(), Init.kaimingNormalFanOut(rng, conv1.weight().shape().toArray()));
        bn1 = register("bn1", new BatchNorm(width));
        maxpool = register("maxpool", Pooling.max2d(3, 2, 1));
        stem = FoldedConv.of(conv1, bn1);
        int inPlanes = width;
        for (int stage = 0; stage < 4; stage++) {
            int planes = width << stage;
            int stride = stage == 0 ? 1 : 2;
            Sequential layer = new Sequential();
            for (int i = 0; i < blocks[stage]; i++) {
                int s = i == 0 ? stride : 1;
                Module downsample = null;
                if (i == 0 && (s != 1 || inPlanes != planes * expansion)) {
                    downsample = new Sequential(conv(inPlanes, planes * expansion, 1, s, rng), new BatchNorm(planes * expansion));
                }
                String name = "layer" + (stage + 1) + "." + i;
                BlockContext ctx = new BlockContext(name, stage, i, i == blocks[stage] - 1, inPlanes, planes * expansion, frames, rng);
                layer.add(bottleneck ? new Bottleneck(inPlanes, planes, s, downsample, hooks, ctx)
                                     : new BasicBlock(inPlanes, planes, s, downsample, hooks, ctx));
                inPlanes = planes * expansion;
            }
            layers[stage] = register("layer" + (stage + 1), layer);
        }
        featureChannels = inPlanes;
        avgpool = register("avgpool", Pooling.adaptiveAvg(1, 1));
        fc = classes > 0 ? register("fc", new Linear(featureChannels, classes, true, rng)) : null;
    }

    /** ResNet-18: BasicBlock, {2, 2, 2, 2}, 512 feature channels. */
    public static ResNet resnet18(BlockHooks hooks, int frames, int classes, SplittableRandom rng) {
        return new ResNet(false, new int[] {2, 2, 2, 2}, hooks, frames, classes, rng);
    }

    /** ResNet-18 with {@code width} planes in the first stage (64 is the standard one). */
    public static ResNet resnet18(int width, BlockHooks hooks, int frames, int classes, SplittableRandom rng) {
        return new ResNet(false, new int[] {2, 2, 2, 2}, width, hooks, frames, classes, rng);
    }

    /** ResNet-50: Bottleneck, {3, 4, 6, 3}, 2048 feature channels. */
    public static ResNet resnet50(BlockHooks hooks, int frames, int classes, SplittableRandom rng) {
        return new ResNet(true, new int[] {3, 4, 6, 3}, hooks, frames, classes, rng);
    }

    /** A bias-free conv with torchvision's ResNet init (kaiming normal, fan_out, ReLU gain). */
    static Conv conv(int in, int out, int k, int stride, SplittableRandom rng) {
        Conv c = Conv.conv2d(in, out, k, stride, k / 2, 1, false, rng);
        Init.assign(c.weight(), Init.kaimingNormalFanOut(rng, c.weight().shape().toArray()));
        return c;
    }

    @Override public Tensor features(Tensor x) {
        if (!InferenceMode.active(this)) {
            Tensor h = maxpool.forward(bn1.forwardRelu(conv1.forward(x)));
            for (Sequential layer : layers) h = layer.forward(h);           // … → (N·T, C_f, H/32, W/32)
            return h;
        }
        Tensor s = stem.forward(x, null, ConvActivation.RELU);                          // (N·T, width, H/2, W/2)
        Tensor h = maxpool.forward(s);                                                  // (N·T, width, H/4, W/4)
        InferenceConv.recycle(s);
        boolean owned = true;                                                // the pool's output is ours alone
        for (Sequential layer : layers) {
            Tensor next = owned ? layer.forwardConsuming(h) : layer.forward(h);   // an input we own, taken over
            owned = layer.ownsInferenceOutput();
            h = next;
        }
        return h;
    }

    @Override public Tensor forward(Tensor x) {
        Tensor pooled = avgpool.forward(features(x)).flatten(1);            // (N·T, C_f)
        return fc == null ? pooled : fc.forward(pooled);                    // (N·T, classes)
    }

    @Override public int featureChannels() { return featureChannels; }
    @Override public String classifierName() { return "fc"; }

    @Override public Shape traceFlops(FlopCounter c, String name, Shape in) {
        Shape h = traceFeatures(c, name, in);
        h = c.trace(FlopCounter.join(name, "avgpool"), avgpool, h);
        h = Shape.of(h.dim(0), h.dim(1));
        return fc == null ? h : c.trace(FlopCounter.join(name, "fc"), fc, h);
    }

    @Override public Shape traceFeatures(FlopCounter c, String name, Shape in) {
        Shape h = c.trace(FlopCounter.join(name, "conv1"), conv1, in);
        h = c.trace(FlopCounter.join(name, "bn1"), bn1, h);
        c.elementwise(FlopCounter.join(name, "relu"), "ReLU", h, 1);
        h = c.trace(FlopCounter.join(name, "maxpool"), maxpool, h);
        for (int i = 0; i < 4; i++) h = c.trace(FlopCounter.join(name, "layer" + (i + 1)), layers[i], h);
        return h;
    }

    @Override public String describe() { return "ResNet(features=" + featureChannels + (fc == null ? "" : ", fc=" + fc.outFeatures()) + ")"; }
}
