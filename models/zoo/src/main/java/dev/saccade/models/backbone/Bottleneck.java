package dev.saccade.models.backbone;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.nn.Module;
import dev.saccade.nn.inference.FoldedConv;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AttendedChain;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.InferenceConv;
import java.util.List;

/**
 * ResNet-50/101 block (v1.5): {@code conv1 1×1 → bn1 → relu → conv2 3×3 stride s → bn2 → relu → conv3 1×1 (×4) →
 * bn3}. The stride sits in {@code conv2}, so {@code conv1} (where TSM shifts) runs at the input resolution.
 * Reference: torchvision {@code Bottleneck}.
 */
final class Bottleneck extends ResidualBlock {
    static final int EXPANSION = 4;
    private final Module conv1;
    private final Conv conv2, conv3;
    private final BatchNorm bn1, bn2, bn3;
    private final FoldedConv fused1, fused2, fused3;   // fused1 null when conv1 is wrapped by something other than a shift

    Bottleneck(int inPlanes, int planes, int stride, Module downsample, BlockHooks hooks, BlockContext ctx) {
        Conv c1 = ResNet.conv(inPlanes, planes, 1, 1, ctx.rng());
        conv1 = register("conv1", hooks.wrapFirstConv(ctx, c1));
        bn1 = register("bn1", new BatchNorm(planes));
        conv2 = register("conv2", ResNet.conv(planes, planes, 3, stride, ctx.rng()));
        bn2 = register("bn2", new BatchNorm(planes));
        conv3 = register("conv3", ResNet.conv(planes, planes * EXPANSION, 1, 1, ctx.rng()));
        bn3 = register("bn3", new BatchNorm(planes * EXPANSION));
        finish(downsample, hooks, ctx);
        fused1 = FoldedConv.of(conv1, bn1);
        fused2 = FoldedConv.of(conv2, bn2);
        fused3 = FoldedConv.of(conv3, bn3);
    }

    @Override protected Tensor branch(Tensor x) {
        Tensor h = bn1.forwardRelu(conv1.forward(x));      // (N·T, planes, H, W)
        h = bn2.forwardRelu(conv2.forward(h));             // (N·T, planes, H/s, W/s)
        return bn3.forward(conv3.forward(h));               // (N·T, 4·planes, H/s, W/s)
    }

    @Override protected Tensor branchInference(Tensor x, Tensor residual, boolean residualDead) {
        List<InferenceConv.Link> chain = residual == null ? null : depthFirst(x, ConvActivation.RELU, true);
        if (chain != null) return fused1.forwardChain(x, chain, residual, residualDead);   // a few frames at a time
        Tensor h2 = firstTwo(x);
        Tensor out = residual != null && residualDead ? fused3.forwardIntoResidual(h2, residual, ConvActivation.RELU)
                : fused3.forward(h2, residual, residual == null ? ConvActivation.NONE : ConvActivation.RELU);
        InferenceConv.recycle(h2);
        return out;
    }

    /** The three convolutions depth first with the attention after conv3, where the backend runs them so. */
    @Override protected Tensor branchInferenceAttended(Tensor x, AttendedChain.Attention attention, Tensor residual,
                                                       boolean residualDead) {
        List<InferenceConv.Link> chain = depthFirst(x, ConvActivation.NONE, false);
        return chain == null ? null : AttendedChain.inference(x, chain, attention, residual, residualDead);
    }

    /**
     * conv3 + bn3 pools its output as it stores it: {branch (N·T, 4·planes, H/s, W/s), [mean; max] (2, N·T, 4·planes)};
     * the three convolutions depth first where the backend runs them so.
     */
    @Override protected Tensor[] branchInferencePooled(Tensor x) {
        List<InferenceConv.Link> chain = depthFirst(x, ConvActivation.NONE, false);
        if (chain != null) return InferenceConv.applyChainPooled(x, chain);
        Tensor h2 = firstTwo(x);
        Tensor[] out = fused3.forwardPooled(h2);
        InferenceConv.recycle(h2);
        return out;
    }

    /**
     * conv1 → conv2 → conv3 (each with its batch norm, ReLU after the first two, the residual and ReLU after the
     * third) as one chain, when the backend carries frames through it depth first on x (the CPU: where the planes are
     * large, so that one frame's part of the block's tensors stays in the cache; docs/PERF.md); else null, and the
     * block runs layer by layer. Not behind an online shift; behind a leading module (ACTION-Net, M2A: conv1 then
     * applies the module's gates as it reads, {@link FoldedConv#forwardChain}) only when {@code behindLead}.
     * {@code last}: conv3's activation (NONE when an attention reads the branch before the residual).
     */
    private List<InferenceConv.Link> depthFirst(Tensor x, ConvActivation last, boolean behindLead) {
        if (fused1 == null) return null;
        InferenceConv.Link l1 = behindLead ? fused1.chainHead(x.backend(), ConvActivation.RELU)
                                           : fused1.link(x.backend(), ConvActivation.RELU);
        if (l1 == null) return null;
        List<InferenceConv.Link> chain = List.of(l1, fused2.link(x.backend(), ConvActivation.RELU),
                fused3.link(x.backend(), last));
        return InferenceConv.runsDepthFirst(x, chain) ? chain : null;
    }

    /** conv1 + bn1 + relu, conv2 + bn2 + relu, fused: (N·T, C_in, H, W) → (N·T, planes, H/s, W/s). */
    private Tensor firstTwo(Tensor x) {
        Tensor h1 = fused1 != null ? fused1.forward(x, null, ConvActivation.RELU)   // (N·T, planes, H, W)
                                   : bn1.forward(conv1.forward(x)).relu();
        Tensor h2 = fused2.forward(h1, null, ConvActivation.RELU);                  // (N·T, planes, H/s, W/s)
        InferenceConv.recycle(h1);
        return h2;
    }

    @Override protected Shape traceBranch(FlopCounter c, String name, Shape in) {
        Shape h = c.trace(FlopCounter.join(name, "conv1"), conv1, in);
        h = c.trace(FlopCounter.join(name, "bn1"), bn1, h);
        c.elementwise(FlopCounter.join(name, "relu"), "ReLU", h, 1);
        h = c.trace(FlopCounter.join(name, "conv2"), conv2, h);
        h = c.trace(FlopCounter.join(name, "bn2"), bn2, h);
        c.elementwise(FlopCounter.join(name, "relu"), "ReLU", h, 1);
        h = c.trace(FlopCounter.join(name, "conv3"), conv3, h);
        return c.trace(FlopCounter.join(name, "bn3"), bn3, h);
    }

    @Override public String describe() { return "Bottleneck"; }
}
