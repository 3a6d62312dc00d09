package dev.saccade.models.backbone;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.flops.FlopTraceable;
import dev.saccade.nn.Module;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;

/**
 * The part shared by ResNet's BasicBlock and Bottleneck: {@code relu(afterBranch(branch(x)) + shortcut(x))}, then
 * the optional {@code afterBlock} module. The hook modules are registered as {@code after_branch} and
 * {@code after_block}; {@code downsample} is torchvision's shortcut (1×1 conv stride s + BN), absent when the shapes
 * match. Reference: torchvision {@code resnet.py} (v1.5, stride in the 3×3 conv).
 */
abstract class ResidualBlock extends Module implements FlopTraceable {
    private Module afterBranch, afterBlock, downsample;

    /** The residual branch: (N·T, C_in, H, W) → (N·T, C_out, H/s, W/s), ending with its last BatchNorm. */
    protected abstract Tensor branch(Tensor x);

    /** The same walk as {@link #branch} for the FLOP counter. */
    protected abstract Shape traceBranch(FlopCounter c, String name, Shape in);

    /** Registers the shortcut and the hook modules; called at the end of a subclass constructor. */
    protected final void finish(Module downsample, BlockHooks hooks, BlockContext ctx) {
        if (downsample != null) this.downsample = register("downsample", downsample);
        Module ab = hooks.afterBranch(ctx);
        if (ab != null) this.afterBranch = register("after_branch", ab);
        Module ak = hooks.afterBlock(ctx);
        if (ak != null) this.afterBlock = register("after_block", ak);
    }

    @Override public final Tensor forward(Tensor x) {
        Tensor out = branch(x);                                    // (N·T, C_out, H', W')
        if (afterBranch != null) out = afterBranch.forward(out);
        Tensor identity = downsample == null ? x : downsample.forward(x);
        out = out.add(identity).relu();
        if (afterBlock != null) out = afterBlock.forward(out);
        return out;
    }

    @Override public final Shape traceFlops(FlopCounter c, String name, Shape in) {
        Shape out = traceBranch(c, name, in);
        if (afterBranch != null) out = c.trace(FlopCounter.join(name, "after_branch"), afterBranch, out);
        if (downsample != null) c.trace(FlopCounter.join(name, "downsample"), downsample, in);
        c.elementwise(FlopCounter.join(name, "relu"), "ReLU", out, 1);
        if (afterBlock != null) out = c.trace(FlopCounter.join(name, "after_block"), afterBlock, out);
        return out;
    }
}
