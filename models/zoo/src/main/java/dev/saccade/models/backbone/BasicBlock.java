package dev.saccade.models.backbone;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.nn.Module;
import dev.saccade.nn.inference.FoldedConv;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.InferenceConv;

/**
 * ResNet-18/34 block: {@code conv1 3×3 (stride s) → bn1 → relu → conv2 3×3 → bn2}, expansion 1.
 * {@code conv1} is whatever {@link BlockHooks#wrapFirstConv} returns (TSM's shift wrapper, for example).
 * Reference: torchvision {@code BasicBlock}.
 */
final class BasicBlock extends ResidualBlock {
    static final int EXPANSION = 1;
    private final Module conv1;
    private final BatchNorm bn1, bn2;
    private final Conv conv2;
    private final FoldedConv fused1, fused2;   // fused1 null when conv1 is wrapped by something other than a shift

    BasicBlock(int inPlanes, int planes, int stride, Module downsample, BlockHooks hooks, BlockContext ctx) {
        Conv c1 = ResNet.conv(inPlanes, planes, 3, stride, ctx.rng());
        conv1 = register("conv1", hooks.wrapFirstConv(ctx, c1));
        bn1 = register("bn1", new BatchNorm(planes));
        conv2 = register("conv2", ResNet.conv(planes, planes, 3, 1, ctx.rng()));
        bn2 = register("bn2", new BatchNorm(planes));
        finish(downsample, hooks, ctx);
        fused1 = FoldedConv.of(conv1, bn1);
        fused2 = FoldedConv.of(conv2, bn2);
    }

    @Override protected Tensor branch(Tensor x) {
        Tensor h = bn1.forwardRelu(conv1.forward(x));      // (N·T, planes, H/s, W/s)
        return bn2.forward(conv2.forward(h));               // (N·T, planes, H/s, W/s)
    }

    @Override protected Tensor branchInference(Tensor x, Tensor residual, boolean residualDead) {
        Tensor h = fused1 != null ? fused1.forward(x, null, ConvActivation.RELU)    // (N·T, planes, H/s, W/s)
                                  : bn1.forward(conv1.forward(x)).relu();
        Tensor out = residual != null && residualDead ? fused2.forwardIntoResidual(h, residual, ConvActivation.RELU)
                : fused2.forward(h, residual, residual == null ? ConvActivation.NONE : ConvActivation.RELU);
        InferenceConv.recycle(h);
        return out;
    }

    @Override protected Shape traceBranch(FlopCounter c, String name, Shape in) {
        Shape h = c.trace(FlopCounter.join(name, "conv1"), conv1, in);
        h = c.trace(FlopCounter.join(name, "bn1"), bn1, h);
        c.elementwise(FlopCounter.join(name, "relu"), "ReLU", h, 1);
        h = c.trace(FlopCounter.join(name, "conv2"), conv2, h);
        return c.trace(FlopCounter.join(name, "bn2"), bn2, h);
    }

    @Override public String describe() { return "BasicBlock"; }

}
