package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.List;
import java.util.Objects;

/**
 * A residual block's convolutions followed by CBAM on their output and the block's epilogue, as one op (He et al.,
 * CVPR 2016, Fig. 5; Woo et al., ECCV 2018, Eq. 1–3): for x (N·T, C_in, H, W), links whose last one ends without an
 * activation (the branch's last batch norm), a residual (N·T, C, H', W'),
 * <pre>
 * F   = link_k(… link_1(x) …)                                    (N·T, C, H', W')
 * M_c = σ(MLP(avg_HW F) + MLP(max_HW F))                         (N·T, C)        {@link ChannelAttentionGates}
 * M_s = σ(conv_k×k([mean_C F·M_c, max_C F·M_c]))                 (N·T, 1, H', W') {@link SpatialAttentionGate}
 * y   = relu(F·M_c·M_s + residual)                               (N·T, C, H', W')
 * </pre>
 * CBAM attends each frame on its own, so a backend that carries a few frames at a time through the links
 * ({@link InferenceConv#runsDepthFirst}) may attend and gate those frames right after the last link writes them:
 * F then never goes out to memory and comes back (the CPU's; docs/PERF.md). Otherwise the links run one by one,
 * the last one pooling F as it stores it, then the two attention ops. The same floats as those ops, but for the
 * order of the spatial means' sums (last bits). Evaluation only.
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) {
 *     var attention = new AttendedChain.Attention(channelWeights, spatialKernel);
 *     Tensor y = AttendedChain.inference(x, List.of(conv1, conv2, conv3NoActivation), attention, identity, false);
 * }
 * }</pre>
 */
public final class AttendedChain {
    private static final String OP = "inference_conv_chain_attended";

    private AttendedChain() {}

    /**
     * CBAM's weights: the channel attention's shared MLP (no temporal kernels: each frame is attended on its own) and
     * the spatial attention's kernel (1, 2, k, k), k odd, no bias.
     */
    public record Attention(ChannelAttentionGates.Weights channel, Tensor spatialKernel) {
        public Attention {
            Objects.requireNonNull(channel, OP + ": the channel attention's weights are required");
            Objects.requireNonNull(spatialKernel, OP + ": the spatial kernel is required");
            if (channel.k0() != null) {
                throw new IllegalArgumentException(OP + ": temporal kernels mix frames; this op attends each frame on its own");
            }
            SpatialAttentionGate.checkKernel(OP, spatialKernel);
        }
    }

    /**
     * @param links        the branch's convolutions, the last one with {@link ConvActivation#NONE}
     * @param residual     (N·T, C, H', W'), the shortcut
     * @param residualDead whether nothing reads the residual after the call: y may then be written into its storage
     *                     (check with {@link InferenceConv#sharesStorage} before recycling it)
     * @return y (N·T, C, H', W')
     */
    public static Tensor inference(Tensor x, List<InferenceConv.Link> links, Attention attention, Tensor residual,
                                   boolean residualDead) {
        Objects.requireNonNull(attention, OP + ": the attention is required");
        Objects.requireNonNull(residual, OP + ": the residual is required");
        if (x.rank() != 4) throw new ShapeException(OP + ": x must be (N·T, C, H, W), got " + x.shape());
        long macs = InferenceConv.checkChain(x, links, residual);                  // the residual is the output's shape
        check(links);
        int nt = residual.dim(0), c = residual.dim(1);
        ChannelAttentionGates.checkWeights(OP, c, attention.channel());
        Checks.sameKind(OP, x, attention.spatialKernel());
        long t0 = InferenceProfile.start();
        Tensor y = x.backend().convInferenceChainAttended(x, links, attention, residual, residualDead);
        InferenceProfile.stopChain(t0, OP, x, links, macs, y);
        ChannelAttentionGates.reportMacs(nt, c, attention.channel());
        MacCounter.report("conv2d", dev.saccade.tensor.Shape.of(nt, 1, residual.dim(2), residual.dim(3)),
                (long) attention.spatialKernel().numel() * nt * residual.dim(2) * residual.dim(3));
        return y;
    }

    /**
     * The reference: the links one by one (the last pooling its output as it stores it,
     * {@link InferenceConv#applyPooled}), {@link ChannelAttentionGates#inference} and
     * {@link SpatialAttentionGate#inferenceInPlace} with the residual and a ReLU.
     */
    public static Tensor composed(Tensor x, List<InferenceConv.Link> links, Attention attention, Tensor residual) {
        check(links);
        Tensor in = x;
        for (int i = 0; i < links.size() - 1; i++) {
            InferenceConv.Link l = links.get(i);
            Tensor out = InferenceConv.apply(in, l.conv(), null, l.act(), l.shiftFrames(), l.shiftFoldDiv());
            if (in != x) InferenceConv.recycle(in);
            in = out;
        }
        Tensor[] fp = InferenceConv.applyPooled(in, links.getLast().conv());                  // F (N·T, C, H', W'), (2, N·T, C)
        if (in != x) InferenceConv.recycle(in);
        int nt = fp[0].dim(0), c = fp[0].dim(1);
        Tensor mc = ChannelAttentionGates.inference(fp[1], 1, attention.channel()).reshape(nt, c, 1, 1);
        Tensor y = SpatialAttentionGate.inferenceInPlace(fp[0], mc, attention.spatialKernel(), residual, ConvActivation.RELU)[0];
        if (!InferenceConv.sharesStorage(y, fp[0])) InferenceConv.recycle(fp[0]);
        return y;
    }

    /** The last link pools F as it stores it: no activation (CBAM reads the branch's batch norm), no shift. */
    private static void check(List<InferenceConv.Link> links) {
        InferenceConv.Link last = links.getLast();
        if (last.act() != ConvActivation.NONE) {
            throw new IllegalArgumentException(OP + ": the last link ends with " + last.act()
                    + "; CBAM reads the branch before any activation (give NONE)");
        }
        if (last.shiftFrames() > 0) throw new IllegalArgumentException(OP + ": the last link shifts its input; only a first link of two or more may");
    }
}
