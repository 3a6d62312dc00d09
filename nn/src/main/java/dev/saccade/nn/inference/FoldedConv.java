package dev.saccade.nn.inference;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.PreparedConv;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A convolution (optionally behind TSM's shift) and the batch norm after it, as one inference convolution:
 * {@code y = act(conv(shift(x), w') + b' + residual)} with the running statistics folded into the weights,
 * <pre>
 *   s = γ / sqrt(σ² + ε),   w'[co] = s[co] · w[co],   b' = (b − μ) · s + β
 * </pre>
 * ({@code torch.nn.utils.fusion.fuse_conv_bn_eval}; ONNX Runtime {@code conv_bn_fusion.cc}). The folded weights are
 * prepared by the input's backend once and kept until {@link Module#parameterVersion()} moves (a state dict load,
 * an optimizer step, a train/eval switch); the cache is swapped atomically, so one model can run from several
 * threads at once (two threads may both fold after a change; either result is the same).
 *
 * <pre>{@code
 * FoldedConv f = FoldedConv.of(conv1, bn1);
 * Tensor h = f.forward(x, null, ConvActivation.RELU);      // relu(bn1(conv1(x)))
 * }</pre>
 */
public final class FoldedConv {
    private final Conv conv;
    private final BatchNorm bn;           // or null
    private final ShiftedInput shift;     // or null
    private final LeadsIntoConv lead;     // or null
    private final AtomicReference<Prepared> prepared = new AtomicReference<>();

    /** The folded weights w' (C_out, C_in/g, *k) and bias b' (C_out, or null), and the backend's prepared form of them. */
    private record Prepared(long version, Backend backend, Tensor weight, Tensor bias, PreparedConv conv) {}

    private FoldedConv(Conv conv, BatchNorm bn, ShiftedInput shift, LeadsIntoConv lead) {
        this.conv = conv;
        this.bn = bn;
        this.shift = shift;
        this.lead = lead;
    }

    /**
     * The fused form of {@code module} (a {@link Conv}, a {@link ShiftedInput} around one, or a module that
     * {@link LeadsIntoConv} one, as its structure is now) followed by {@code bnOrNull}; null when {@code module} is
     * none of these (the caller then runs it as it is).
     */
    public static FoldedConv of(Module module, BatchNorm bnOrNull) {
        if (module instanceof Conv c) return new FoldedConv(c, bnOrNull, null, null);
        if (module instanceof ShiftedInput s && s.net() instanceof Conv c) return new FoldedConv(c, bnOrNull, s, null);
        if (module instanceof LeadsIntoConv l && l.lastConv() != null) return new FoldedConv(l.lastConv(), bnOrNull, null, l);
        return null;
    }

    public Conv conv() { return conv; }

    /** {@code act(bn(conv(shift(x))) + residual)}; residual may be null. Evaluation under no-grad only. */
    public Tensor forward(Tensor x, Tensor residual, ConvActivation act) {
        PreparedConv c = prepared(x.backend());
        if (lead != null) {
            LeadsIntoConv.UpGatedInput u = lead.upGatedConvInput(x);
            if (u != null) {                                                             // M2A's output read as made
                Tensor y = InferenceConv.applyUpGated(u.x(), u.attended(), u.up().prepared(x.backend()), c, residual, act,
                        lead.shiftFrames(), lead.shiftFoldDiv());
                InferenceConv.recycle(u.attended());
                return y;
            }
            LeadsIntoConv.ExcitedInput e = lead.shiftFrames() == 0 ? lead.excitedConvInput(x) : null;
            if (e != null) {                                                             // the gates read with x
                Tensor y = InferenceConv.applyExcited(e.x(), c, e.channel(), e.pixel(), e.offset(), residual, act);
                if (e.owned() && e.x() != x) InferenceConv.recycle(e.x());
                return y;
            }
            Tensor in = lead.convInput(x);                                               // (N·T, C_in, H, W)
            Tensor y = InferenceConv.apply(in, c, residual, act, lead.shiftFrames(), lead.shiftFoldDiv());
            if (lead.ownsConvInput() && in != x) InferenceConv.recycle(in);             // consumed by the conv
            return y;
        }
        if (shift != null && !shift.bidirectionalNow()) {
            return InferenceConv.apply(shift.shift(x), c, residual, act, 0, 0);         // online or streaming
        }
        return InferenceConv.apply(x, c, residual, act, shift == null ? 0 : shift.frames(),
                shift == null ? 0 : shift.foldDiv());
    }

    /**
     * {@link #forward} with a residual that is dead after the call: the output may be written into the residual's own
     * storage ({@link InferenceConv#applyIntoResidual}; check with {@link InferenceConv#sharesStorage} before
     * recycling the residual). A convolution behind a leading module or an online shift runs {@link #forward}.
     */
    public Tensor forwardIntoResidual(Tensor x, Tensor residual, ConvActivation act) {
        if (lead != null || residual == null || shift != null && !shift.bidirectionalNow()) return forward(x, residual, act);
        return InferenceConv.applyIntoResidual(x, prepared(x.backend()), residual, act, shift == null ? 0 : shift.frames(),
                shift == null ? 0 : shift.foldDiv());
    }

    /**
     * {@code gate·(1 + σ(bn(conv(x))))}, the convolution followed by {@code Functional.sigmoidGate(gate, ·, 1)} (M2A's
     * excitation), the gate applied as the convolution stores its output. Evaluation under no-grad only; not for a
     * conv behind a shift or a leading module.
     */
    public Tensor forwardGated(Tensor x, Tensor gate) {
        if (lead != null || shift != null) throw new IllegalStateException("FoldedConv.forwardGated: only for a plain convolution");
        return InferenceConv.applyGated(x, prepared(x.backend()), gate);
    }

    /**
     * {@code y = bn(conv(x))} and its spatial {@code [mean, max]} (2, N, C_out), as {@code Functional
     * .spatialAvgMaxPool(y, null)} gives them (the means to the last bits): {@link InferenceConv#applyPooled}, the
     * pooling done as the convolution stores y. Evaluation under no-grad only; not for a conv behind a shift or a
     * leading module.
     *
     * @return {y (N, C_out, H', W'), pooled (2, N, C_out)}
     */
    public Tensor[] forwardPooled(Tensor x) {
        if (lead != null || shift != null) throw new IllegalStateException("FoldedConv.forwardPooled: only for a plain convolution");
        return InferenceConv.applyPooled(x, prepared(x.backend()));
    }

    /**
     * This convolution as a link of {@link InferenceConv#applyChain} on {@code backend}, with activation act: its
     * prepared weights and its shift (when it reads the whole clip); null for a conv behind a leading module or an
     * online / streaming shift, which run on their own.
     */
    public InferenceConv.Link link(Backend backend, ConvActivation act) {
        if (lead != null || shift != null && !shift.bidirectionalNow()) return null;
        return new InferenceConv.Link(prepared(backend), act, shift == null ? 0 : shift.frames(), shift == null ? 0 : shift.foldDiv());
    }

    /**
     * This convolution as the first link of {@link #forwardChain}: {@link #link}, and also behind a leading module
     * whose output keeps x's shape ({@link LeadsIntoConv#convInputKeepsShape}: ACTION-Net, M2A), with the module's
     * shift — the module itself runs in {@link #forwardChain}. Null otherwise.
     */
    public InferenceConv.Link chainHead(Backend backend, ConvActivation act) {
        if (lead == null) return link(backend, act);
        if (!lead.convInputKeepsShape()) return null;
        return new InferenceConv.Link(prepared(backend), act, lead.shiftFrames(), lead.shiftFoldDiv());
    }

    /**
     * {@code links} as one chain on x, the first being this convolution ({@link #chainHead}) behind its leading
     * module if it has one: the module's output handed over as gates the first link applies as it reads
     * ({@link InferenceConv#applyChain(Tensor, InferenceConv.InputGate, java.util.List, Tensor, boolean)}: ACTION's
     * excitation, M2A's), or else computed and read as a tensor. With {@code residualDead} the output may be written
     * into the residual's storage (check with {@link InferenceConv#sharesStorage}). Evaluation under no-grad only.
     *
     * <pre>{@code
     * List<InferenceConv.Link> chain = List.of(f1.chainHead(b, RELU), f2.link(b, RELU), f3.link(b, RELU));
     * if (InferenceConv.runsDepthFirst(x, chain)) out = f1.forwardChain(x, chain, x, true);
     * }</pre>
     */
    public Tensor forwardChain(Tensor x, java.util.List<InferenceConv.Link> links, Tensor residual, boolean residualDead) {
        if (lead == null) {
            return residualDead ? InferenceConv.applyChainIntoResidual(x, links, residual) : InferenceConv.applyChain(x, links, residual);
        }
        LeadsIntoConv.UpGatedInput u = lead.upGatedConvInput(x);
        if (u != null) {                                                                 // M2A's output read as made
            Tensor y = InferenceConv.applyChain(u.x(), new InferenceConv.InputGate.UpGated(u.attended(), u.up().prepared(x.backend())),
                    links, residual, residualDead);
            InferenceConv.recycle(u.attended());
            return y;
        }
        LeadsIntoConv.ExcitedInput e = lead.shiftFrames() == 0 ? lead.excitedConvInput(x) : null;
        if (e != null) {                                                                 // the gates read with xs
            Tensor y = InferenceConv.applyChain(e.x(), new InferenceConv.InputGate.Excited(e.channel(), e.pixel(), e.offset()),
                    links, residual, residualDead);
            if (e.owned() && e.x() != x) InferenceConv.recycle(e.x());
            return y;
        }
        Tensor in = lead.convInput(x);                                                   // (N·T, C_in, H, W)
        Tensor y = residualDead ? InferenceConv.applyChainIntoResidual(in, links, residual) : InferenceConv.applyChain(in, links, residual);
        if (lead.ownsConvInput() && in != x) InferenceConv.recycle(in);
        return y;
    }

    /**
     * {w', b'}: the weights and bias with the batch norm folded in, as this convolution runs them (b' null for a
     * convolution without bias or batch norm), kept with the prepared form. For callers that apply the same linear
     * map to something other than the convolution's input (ACTION's motion excitation maps plane sums through it).
     */
    public Tensor[] foldedWeights(Backend backend) {
        Prepared p = current(backend);
        return new Tensor[] {p.weight(), p.bias()};
    }

    private PreparedConv prepared(Backend backend) { return current(backend).conv(); }

    private Prepared current(Backend backend) {
        long version = Module.parameterVersion();
        Prepared p = prepared.get();
        if (p != null && p.version() == version && p.backend() == backend) return p;
        Prepared fresh = fold(version, backend);
        prepared.set(fresh);
        return fresh;
    }

    /** w' and b' as above, on the weights' device, then prepared by the backend. */
    private Prepared fold(long version, Backend backend) {
        try (var noGrad = GradMode.disable()) {
            Tensor w = conv.weight().detach(), b = conv.bias() == null ? null : conv.bias().detach();
            if (bn != null) {
                Tensor s = bn.weight().detach().mul(bn.runningVar().add(bn.eps()).rsqrt());   // (C_out)
                int[] perChannel = new int[w.rank()];
                java.util.Arrays.fill(perChannel, 1);
                perChannel[0] = w.dim(0);
                w = w.mul(s.reshape(perChannel));                                            // (C_out, C_in/g, *k)
                Tensor shifted = b == null ? bn.runningMean().neg() : b.sub(bn.runningMean());
                b = shifted.mul(s).add(bn.bias().detach());                                  // (C_out)
            }
            Tensor weight = w.contiguous(), bias = b == null ? null : b.contiguous();
            return new Prepared(version, backend, weight, bias, backend.prepareConv(weight, bias, conv.params()));
        }
    }
}
