package dev.saccade.models.backbone;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.flops.FlopTraceable;
import dev.saccade.nn.Module;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.nn.inference.OwnsOutput;
import dev.saccade.nn.layers.Activation;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * MobileNetV2's inverted residual, laid out as the TSM repository's {@code archs/mobilenet_v2.py}: a child
 * Sequential {@code conv} = [1×1 expand, BN, ReLU6,] 3×3 depthwise (stride s), BN, ReLU6, 1×1 project, BN; the
 * output is {@code x + conv(x)} when stride 1 and C_in = C_out. In blocks that expand <em>and</em> are residual (the
 * 10 blocks where TSM shifts) the hooks apply: {@code conv.0} is {@link BlockHooks#wrapFirstConv}'s result, and
 * {@code after_branch} / {@code after_block} go on the branch output / the sum.
 * Reference: Sandler et al., "MobileNetV2", CVPR 2018, Table 1.
 */
final class InvertedResidual extends Module implements FlopTraceable, OwnsOutput {
    private final Sequential conv;
    private final boolean residual;
    private Module afterBranch, afterBlock;

    /** ctx is non-null exactly when the block is hooked (expansion and residual). */
    InvertedResidual(int in, int out, int stride, int expandRatio, BlockHooks hooks, BlockContext ctx, SplittableRandom rng) {
        int hidden = in * expandRatio;
        residual = stride == 1 && in == out;
        Sequential seq = new Sequential();
        if (expandRatio != 1) {
            Conv expand = MobileNetV2.conv(in, hidden, 1, 1, 1, rng);
            seq.add(ctx != null ? hooks.wrapFirstConv(ctx, expand) : expand);
            seq.add(new BatchNorm(hidden));
            seq.add(Activation.relu6());
        }
        seq.add(MobileNetV2.conv(hidden, hidden, 3, stride, hidden, rng));
        seq.add(new BatchNorm(hidden));
        seq.add(Activation.relu6());
        seq.add(MobileNetV2.conv(hidden, out, 1, 1, 1, rng));
        seq.add(new BatchNorm(out));
        conv = register("conv", seq);
        if (ctx != null) {
            Module ab = hooks.afterBranch(ctx);
            if (ab != null) afterBranch = register("after_branch", ab);
            Module ak = hooks.afterBlock(ctx);
            if (ak != null) afterBlock = register("after_block", ak);
        }
    }

    boolean isResidual() { return residual; }

    /** In inference the output is fresh when no hook decides it and the conv sequence's own output is. */
    @Override public boolean ownsInferenceOutput() {
        return afterBranch == null && afterBlock == null && InferenceMode.active(this) && conv.ownsInferenceOutput();
    }

    @Override public Tensor forward(Tensor x) {
        if (residual && afterBranch == null && InferenceMode.active(this)) {
            Tensor out = conv.forwardAdding(x, x);            // the add fused into the project conv's epilogue
            return afterBlock == null ? out : afterBlock.forward(out);
        }
        Tensor out = conv.forward(x);                         // (N·T, C_out, H/s, W/s)
        if (afterBranch != null) out = afterBranch.forward(out);
        if (!residual) return out;
        out = x.add(out);
        return afterBlock == null ? out : afterBlock.forward(out);
    }

    @Override public Shape traceFlops(FlopCounter c, String name, Shape in) {
        Shape out = c.trace(FlopCounter.join(name, "conv"), conv, in);
        if (afterBranch != null) out = c.trace(FlopCounter.join(name, "after_branch"), afterBranch, out);
        if (afterBlock != null) out = c.trace(FlopCounter.join(name, "after_block"), afterBlock, out);
        return out;
    }

    @Override public String describe() { return "InvertedResidual" + (residual ? "(residual)" : ""); }
}
