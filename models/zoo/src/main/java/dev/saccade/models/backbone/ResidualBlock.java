package dev.saccade.models.backbone;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.flops.FlopTraceable;
import dev.saccade.nn.Module;
import dev.saccade.nn.inference.ConsumesInput;
import dev.saccade.nn.inference.FoldedConv;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.nn.inference.OwnsOutput;
import dev.saccade.nn.inference.ResidualEpilogue;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AttendedChain;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.InferenceGate;

/**
 * The part shared by ResNet's BasicBlock and Bottleneck: {@code relu(afterBranch(branch(x)) + shortcut(x))}, then
 * the optional {@code afterBlock} module. The hook modules are registered as {@code after_branch} and
 * {@code after_block}; {@code downsample} is torchvision's shortcut (1×1 conv stride s + BN), absent when the shapes
 * match. Reference: torchvision {@code resnet.py} (v1.5, stride in the 3×3 conv).
 *
 * <p>In evaluation mode under no-grad ({@link InferenceMode}) the block runs its convolutions with their batch norms
 * folded in ({@link dev.saccade.nn.inference.FoldedConv}), and without an {@code after_branch} module the last
 * convolution adds the shortcut and applies the ReLU as it stores its output; with one, a module that is a
 * {@link ResidualEpilogue} does the add and the ReLU in its own last pass, and any other is followed by one
 * add-and-ReLU pass ({@link InferenceGate}). A {@link ResidualEpilogue} that reads its input's spatial avg and max
 * first (CBAM, W3) gets them from the block ({@link #branchInferencePooled}), pooled by the last convolution's
 * epilogue where the block can; one that attends each frame on its own (CBAM,
 * {@link ResidualEpilogue#frameAttention}) runs inside the block's convolutions where the backend carries frames
 * through them depth first ({@link #branchInferenceAttended}).
 */
abstract class ResidualBlock extends Module implements FlopTraceable, OwnsOutput, ConsumesInput {
    private Module afterBranch, afterBlock, downsample;

    /** The residual branch: (N·T, C_in, H, W) → (N·T, C_out, H/s, W/s), ending with its last BatchNorm. */
    protected abstract Tensor branch(Tensor x);

    /**
     * The branch in inference: as {@link #branch}, with every conv-BN(-ReLU) fused; with a non-null
     * {@code residual}, {@code relu(branch(x) + residual)} from the last convolution's epilogue, written into the
     * residual's own storage where the convolution can when {@code residualDead}
     * ({@link FoldedConv#forwardIntoResidual}).
     */
    protected abstract Tensor branchInference(Tensor x, Tensor residual, boolean residualDead);

    /**
     * {@link #branchInference} without a residual, and the branch's spatial {@code [mean, max]} (2, N·T, C_out) for
     * an {@code after_branch} module that {@linkplain ResidualEpilogue#readsSpatialPool reads them}: {branch, pooled}.
     * The default pools the branch in a pass of its own; a block whose last convolution can pool as it stores
     * overrides it.
     */
    protected Tensor[] branchInferencePooled(Tensor x) {
        Tensor b = branchInference(x, null, false);                         // (N·T, C_out, H', W')
        return new Tensor[] {b, Functional.spatialAvgMaxPool(b, null)};    // (2, N·T, C_out)
    }

    /**
     * {@code relu(attention(branch(x)) + residual)} for a module that attends each frame on its own (CBAM), where the
     * block's backend carries frames through its convolutions depth first ({@link AttendedChain}): the module runs
     * on each frame right after the last convolution wrote it. With {@code residualDead} the output may be written
     * into the residual's storage. Null (the default) where the block does not run so: the caller then runs the
     * branch pooled and the module after it.
     */
    protected Tensor branchInferenceAttended(Tensor x, AttendedChain.Attention attention, Tensor residual, boolean residualDead) {
        return null;
    }

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
        if (InferenceMode.active(this)) return forwardInference(x, false);
        Tensor out = branch(x);                                    // (N·T, C_out, H', W')
        if (afterBranch != null) out = afterBranch.forward(out);
        Tensor identity = downsample == null ? x : downsample.forward(x);
        out = out.add(identity).relu();
        if (afterBlock != null) out = afterBlock.forward(out);
        return out;
    }

    /** In inference the block's output is fresh unless an {@code after_block} module decides what it returns. */
    @Override public boolean ownsInferenceOutput() { return afterBlock == null && InferenceMode.active(this); }

    /**
     * In inference, the block on an x it takes over: without a downsample, x is the shortcut, dead once added, so
     * the last convolution may write the block's output into x's own storage (its lines are read as the shortcut
     * just before they are written; ResNet-50's conv3 64 → 256 at 56² ran 1.18× as fast, docs/PERF.md). x is
     * recycled here when the output does not share it.
     */
    @Override public final Tensor forwardConsuming(Tensor x) {
        return InferenceMode.active(this) ? forwardInference(x, true) : forward(x);
    }

    /** With {@code consume}, x is this call's: read by now, and written into or recycled. */
    private Tensor forwardInference(Tensor x, boolean consume) {
        Tensor identity = downsample == null ? x : downsample.forward(x);   // (N·T, C_out, H', W')
        boolean identityDead = downsample != null || consume;               // nothing reads it after the add
        Tensor out;
        if (afterBranch == null) {
            out = branchInference(x, identity, identityDead);
        } else if (afterBranch instanceof ResidualEpilogue fused && fused.readsSpatialPool()) {
            AttendedChain.Attention perFrame = fused.frameAttention();
            Tensor attended = perFrame == null ? null : branchInferenceAttended(x, perFrame, identity, identityDead);
            if (attended != null) {
                out = attended;                                               // each frame attended as conv3 wrote it
            } else {
                Tensor[] b = branchInferencePooled(x);                        // (N·T, C_out, H', W'), (2, N·T, C_out)
                out = fused.forwardResidualReluConsuming(b[0], b[1], identity);   // pooled by the last conv's epilogue
                if (!InferenceConv.sharesStorage(out, b[0])) InferenceConv.recycle(b[0]);   // the branch's output, dead
            }
        } else if (afterBranch instanceof ResidualEpilogue fused) {
            Tensor b = branchInference(x, null, false);                   // (N·T, C_out, H', W')
            out = fused.forwardResidualReluConsuming(b, null, identity);  // the module's last pass adds and rectifies
            if (!InferenceConv.sharesStorage(out, b)) InferenceConv.recycle(b);   // the branch's own output, dead
        } else {                                                          // relu(m(b) + identity) in one pass
            out = InferenceGate.apply(afterBranch.forward(branchInference(x, null, false)), null, null, BroadcastGate.Combine.PRODUCT, 0,
                    identity, ConvActivation.RELU);
        }
        if (identityDead && !InferenceConv.sharesStorage(out, identity)) InferenceConv.recycle(identity);   // dead
        if (consume && downsample != null) InferenceConv.recycle(x);      // read by the branch and the downsample
        return afterBlock == null ? out : afterBlock.forward(out);
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
