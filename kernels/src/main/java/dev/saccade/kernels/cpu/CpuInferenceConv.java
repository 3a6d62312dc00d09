package dev.saccade.kernels.cpu;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.PreparedConv;

/**
 * Adapts {@link Backend#prepareConv} and {@link Backend#convInference} to {@link ConvFused}: F32 weights are packed
 * once into {@link PackedConvWeights}; F64 (and anything not packed) runs the composed default. 3×3 stride-1
 * convolutions with 16 or more input channels run {@link WinogradConv} (their transformed weights made on first use). With
 * SIMD off the scalar twin runs. The TSM shift is read in place by 1×1 stride-1 convolutions, applied as a copy before the others.
 * The gated form ({@link #runGated}, M2A's {@code x·σ(z) + x}) applies the gate as the GEMM stores each tile, the
 * pooled form ({@link #runPooled}, CBAM's and W3's avg/max descriptors) pools each tile as it is stored.
 * Outputs come from the {@link ActivationPool} (no zero-fill: the kernels overwrite every element), or, for a residual
 * that is dead after the call, are written into the residual's own array where {@link ConvFused} allows it.
 */
final class CpuInferenceConv {
    private CpuInferenceConv() {}

    static PreparedConv prepare(Tensor w, Tensor bias, dev.saccade.tensor.ops.ConvParams p) {
        Tensor wc = w.contiguous(), bc = bias == null ? null : bias.contiguous();
        if (w.dtype() != DType.F32) return new PreparedConv(wc, bc, p, null);
        int cOut = w.dim(0), cinG = w.dim(1), k = w.numel() / cOut;
        float[] wf = floats(wc), bf = bc == null ? null : floats(bc);
        boolean depthwise = p.groups() == cOut && cinG == 1;
        return new PreparedConv(wc, bc, p, PackedConvWeights.pack(wf, bf, cOut, p.groups(), k, depthwise));
    }

    /**
     * With {@code intoResidual} (the residual dead after the call) y is written into the residual's own array when
     * {@link ConvFused} runs the convolution and {@link ConvFused#residualMayBeOutput allows it} and the residual is
     * a whole, contiguous F32 array of the output's shape; otherwise into a new output as without it.
     */
    static Tensor run(CpuBackend b, Tensor x, PreparedConv c, Tensor residual, ConvActivation act, int frames, int foldDiv,
                      boolean intoResidual, java.util.function.Supplier<Tensor> composed) {
        if (!(c.packed() instanceof PackedConvWeights pw) || x.dtype() != DType.F32) return composed.get();
        ConvGeometry g = CpuConvolution.geometry(x.shape(), c.weight().shape(), c.params());
        int fold = frames > 0 ? x.dim(1) / foldDiv : 0;
        boolean inPlaceShift = frames > 0 && g.isPointwise() && g.groups() == 1;
        Tensor in = frames > 0 && !inPlaceShift ? b.temporalShift(x, frames, foldDiv, false) : x;
        int readFrames = inPlaceShift ? frames : 0;
        float[] xf = floats(in), rf = residual == null ? null : floats(residual);
        boolean winograd = Simd.enabled() && readFrames == 0 && WinogradConv.supports(g);
        boolean inPlace = intoResidual && Simd.enabled() && !winograd && ConvFused.residualMayBeOutput(g, pw)
                && residual != null && CpuBackend.wholeArray(residual) == rf && rf != xf && residual.shape().equals(outShape(g));
        float[] yf = inPlace ? rf : ActivationPool.take(g.outputLength());      // fully overwritten below
        Tensor y = Tensor.wrap(inPlace ? residual.storage() : HostStorage.wrap(yf), outShape(g), b);
        if (winograd) {
            WinogradConv.forward(g, xf, pw.winograd(() -> floats(c.weight())), rf, act, yf);
        } else if (Simd.enabled()) {
            ConvFused.forward(g, xf, pw, rf, act, readFrames, fold, yf);
        } else {
            float[] bias = c.bias() == null ? null : floats(c.bias());
            ConvFused.forwardScalar(g, xf, floats(c.weight()), bias, rf, act, readFrames, fold, yf);
        }
        return y;
    }

    /**
     * The links depth first ({@link ConvChain}) when they are F32, packed, SIMD is on, {@link ConvChain#supports}
     * them and {@link ConvChain#pays}; otherwise {@code composed} (link by link). With {@code intoResidual} (the
     * residual dead after the call) y is written into the residual's own array where {@link ConvChain#forward}
     * allows it and the residual is a whole, contiguous F32 array of the output's shape.
     */
    static Tensor runChain(CpuBackend b, Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                           Tensor residual, boolean intoResidual, java.util.function.Supplier<Tensor> composed) {
        java.util.List<ConvChain.Link> chain = depthFirst(x, links);
        return chain == null ? composed.get() : forwardChain(b, chain, x, residual, intoResidual);
    }

    /**
     * The links depth first with the first one reading x through {@code gate} ({@link ConvChain.Link#gate}: ACTION's
     * gates or M2A's excitation applied as conv1 packs x) when {@link #depthFirst} takes them, the first link is 1×1
     * ungrouped and the gate's tensors are F32; otherwise {@code composed} (the gated convolution, then the others).
     * y goes into the residual's array as in {@link #runChain}.
     */
    static Tensor runChainGated(CpuBackend b, Tensor x, dev.saccade.tensor.ops.InferenceConv.InputGate gate,
                                java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links, Tensor residual,
                                boolean intoResidual, java.util.function.Supplier<Tensor> composed) {
        java.util.List<ConvChain.Link> chain = depthFirst(x, links);
        ConvFused.InputGate read = chain == null ? null : switch (gate) {
            case dev.saccade.tensor.ops.InferenceConv.InputGate.Excited e ->
                    e.channel().dtype() != DType.F32 || e.pixel().dtype() != DType.F32 ? null
                            : new ConvFused.Excitation(floats(e.channel()), floats(e.pixel()), e.offset());
            case dev.saccade.tensor.ops.InferenceConv.InputGate.UpGated u ->
                    !(u.up().packed() instanceof PackedConvWeights pu) || pu.groups() != 1 || u.attended().dtype() != DType.F32
                            || !CpuConvolution.geometry(u.attended().shape(), u.up().weight().shape(), u.up().params()).isPointwise()
                            ? null : new ConvFused.UpGate(floats(u.attended()), pu);
        };
        if (read == null) return composed.get();
        chain = new java.util.ArrayList<>(chain);
        chain.set(0, chain.get(0).withGate(read));
        return ConvChain.supports(chain) ? forwardChain(b, chain, x, residual, intoResidual) : composed.get();
    }

    /** {@link ConvChain#forward} on x into a new output, or into the residual's array where it may go. */
    private static Tensor forwardChain(CpuBackend b, java.util.List<ConvChain.Link> chain, Tensor x, Tensor residual,
                                       boolean intoResidual) {
        ConvChain.Link last = chain.get(chain.size() - 1);
        float[] xf = floats(x), rf = residual == null ? null : floats(residual);
        boolean inPlace = intoResidual && residual != null && ConvFused.residualMayBeOutput(last.g(), last.w())
                && residualArrayTakesY(chain, xf, residual, rf);
        float[] yf = inPlace ? rf : ActivationPool.take(last.g().outputLength());   // fully overwritten below
        ConvChain.forward(chain, xf, rf, yf);
        return Tensor.wrap(inPlace ? residual.storage() : HostStorage.wrap(yf), outShape(last.g()), b);
    }

    /**
     * Whether the chain's output may go into the residual's own array rf (its floats as the chain reads them): the
     * residual is one whole, contiguous F32 array of the output's shape, and not x itself when the first link shifts
     * x (a step would overwrite frames that another step's shift still reads).
     */
    private static boolean residualArrayTakesY(java.util.List<ConvChain.Link> chain, float[] xf, Tensor residual, float[] rf) {
        return CpuBackend.wholeArray(residual) == rf && (rf != xf || chain.get(0).shiftFrames() == 0)
                && residual.shape().equals(outShape(chain.get(chain.size() - 1).g()));
    }

    /**
     * The links depth first, the last one pooling its output ({@link ConvChain.Pooled}) when {@link #depthFirst} takes
     * them; otherwise {@code composed}. Returns {y, pooled (2, N, C_out)}.
     */
    static Tensor[] runChainPooled(CpuBackend b, Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                   java.util.function.Supplier<Tensor[]> composed) {
        java.util.List<ConvChain.Link> chain = depthFirst(x, links);
        if (chain == null) return composed.get();
        ConvGeometry g = chain.get(chain.size() - 1).g();
        float[] yf = ActivationPool.take(g.outputLength());                     // fully overwritten below
        float[] pooled = new float[2 * g.n() * g.cOut()];                      // (2, N, C_out)
        ConvChain.forward(chain, floats(x), null, yf, new ConvChain.Pooled(pooled));
        return new Tensor[] {Tensor.wrap(HostStorage.wrap(yf), outShape(g), b),
                Tensor.wrap(HostStorage.wrap(pooled), Shape.of(2, g.n(), g.cOut()), b)};
    }

    /**
     * The links depth first with CBAM after the last one ({@link ConvChain#forward(java.util.List, float[], float[],
     * float[], ConvChain.Cbam)}) when {@link #depthFirst} takes them and the residual and the weights are F32;
     * otherwise {@code composed}. With {@code intoResidual}, y is written into the residual's own array when it is a
     * whole, contiguous array of the output's shape and the first link does not shift x when the residual is x.
     */
    static Tensor runChainAttended(CpuBackend b, Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                   dev.saccade.tensor.ops.AttendedChain.Attention attention, Tensor residual,
                                   boolean intoResidual, java.util.function.Supplier<Tensor> composed) {
        java.util.List<ConvChain.Link> chain = depthFirst(x, links);
        var cw = attention.channel();
        if (chain == null || residual.dtype() != DType.F32 || attention.spatialKernel().dtype() != DType.F32
                || cw.w1().dtype() != DType.F32) {
            return composed.get();
        }
        ConvChain.Link last = chain.get(chain.size() - 1);
        float[] xf = floats(x), rf = floats(residual);
        boolean inPlace = intoResidual && residualArrayTakesY(chain, xf, residual, rf);
        float[] yf = inPlace ? rf : ActivationPool.take(last.g().outputLength());   // fully overwritten below
        Tensor kernel = attention.spatialKernel();
        ConvChain.forward(chain, xf, rf, yf, new ConvChain.Cbam(floats(cw.w1()), floats(cw.b1()), floats(cw.w2()),
                floats(cw.b2()), cw.w1().dim(0), floats(kernel), kernel.dim(2)));
        return Tensor.wrap(inPlace ? residual.storage() : HostStorage.wrap(yf), outShape(last.g()), b);
    }

    /**
     * The links as {@link ConvChain} runs them on x (geometries, packed weights, shift folds, the Winograd weights of
     * a middle 3×3 link), or null when it cannot or when depth first does not pay ({@link ConvChain#pays}).
     */
    static java.util.List<ConvChain.Link> depthFirst(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links) {
        if (x.dtype() != DType.F32 || !Simd.enabled() || x.rank() != 4) return null;
        java.util.List<ConvChain.Link> chain = new java.util.ArrayList<>(links.size());
        Shape in = x.shape();
        for (int i = 0; i < links.size(); i++) {
            dev.saccade.tensor.ops.InferenceConv.Link l = links.get(i);
            if (!(l.conv().packed() instanceof PackedConvWeights pw)) return null;
            ConvGeometry g = CpuConvolution.geometry(in, l.conv().weight().shape(), l.conv().params());
            int fold = l.shiftFrames() > 0 ? in.dim(1) / l.shiftFoldDiv() : 0;
            boolean middle = i > 0 && i < links.size() - 1;
            WinogradWeights u = middle && l.shiftFrames() == 0 && WinogradConv.supports(g)
                    ? pw.winograd(() -> floats(l.conv().weight())) : null;
            chain.add(new ConvChain.Link(g, pw, l.act(), l.shiftFrames(), fold, u));
            in = outShape(g);
        }
        return ConvChain.supports(chain) && ConvChain.pays(chain) ? chain : null;
    }

    /**
     * {@code y = gate·(1 + σ(conv(x) + b))}: {@link ConvFused#forwardGated}, the gate in the GEMM's store; depthwise
     * convolutions, F64 and disabled SIMD run {@code composed}.
     */
    static Tensor runGated(CpuBackend b, Tensor x, PreparedConv c, Tensor gate, java.util.function.Supplier<Tensor> composed) {
        if (!(c.packed() instanceof PackedConvWeights pw) || pw.isDepthwise() || x.dtype() != DType.F32 || !Simd.enabled()) {
            return composed.get();
        }
        ConvGeometry g = CpuConvolution.geometry(x.shape(), c.weight().shape(), c.params());
        float[] yf = ActivationPool.take(g.outputLength());                     // fully overwritten below
        ConvFused.forwardGated(g, floats(x), pw, floats(gate), yf);
        return Tensor.wrap(HostStorage.wrap(yf), outShape(g), b);
    }

    /**
     * {@code y = act(conv(x·(offset + channel + pixel)) + b + residual)}: {@link ConvFused#forwardExcited}, the gates
     * applied as the 1×1 convolution packs x; other convolutions, F64 and disabled SIMD run {@code composed} (the gate
     * op, then the convolution).
     */
    static Tensor runExcited(CpuBackend b, Tensor x, PreparedConv c, Tensor channel, Tensor pixel, double offset,
                             Tensor residual, ConvActivation act, java.util.function.Supplier<Tensor> composed) {
        if (!(c.packed() instanceof PackedConvWeights pw) || pw.isDepthwise() || x.dtype() != DType.F32 || !Simd.enabled()
                || channel.dtype() != DType.F32 || pixel.dtype() != DType.F32) {
            return composed.get();
        }
        ConvGeometry g = CpuConvolution.geometry(x.shape(), c.weight().shape(), c.params());
        if (!g.isPointwise() || g.groups() != 1) return composed.get();
        float[] yf = ActivationPool.take(g.outputLength());                     // fully overwritten below
        ConvFused.forwardExcited(g, floats(x), pw, residual == null ? null : floats(residual), act, floats(channel),
                floats(pixel), offset, yf);
        return Tensor.wrap(HostStorage.wrap(yf), outShape(g), b);
    }

    /**
     * {@code y = act(conv(shift(u)) + b + residual)} for M2A's {@code u = x·(1 + σ(conv_up(attended)))}:
     * {@link ConvFused#forwardUpGated}, u computed as the 1×1 convolution packs its panels; other convolutions (either
     * one not 1×1 stride-1 ungrouped), F64 and disabled SIMD run {@code composed} (conv_up gated, then the convolution).
     */
    static Tensor runUpGated(CpuBackend b, Tensor x, Tensor attended, PreparedConv up, PreparedConv c, Tensor residual,
                             ConvActivation act, int frames, int foldDiv, java.util.function.Supplier<Tensor> composed) {
        if (!(c.packed() instanceof PackedConvWeights pw) || !(up.packed() instanceof PackedConvWeights pu)
                || x.dtype() != DType.F32 || attended.dtype() != DType.F32 || !Simd.enabled()) {
            return composed.get();
        }
        ConvGeometry g = CpuConvolution.geometry(x.shape(), c.weight().shape(), c.params());
        ConvGeometry gu = CpuConvolution.geometry(attended.shape(), up.weight().shape(), up.params());
        if (!g.isPointwise() || g.groups() != 1 || !gu.isPointwise() || gu.groups() != 1) return composed.get();
        int fold = frames > 0 ? x.dim(1) / foldDiv : 0;
        float[] yf = ActivationPool.take(g.outputLength());                     // fully overwritten below
        ConvFused.forwardUpGated(g, floats(x), floats(attended), pu, pw, residual == null ? null : floats(residual), act,
                frames, fold, yf);
        return Tensor.wrap(HostStorage.wrap(yf), outShape(g), b);
    }

    /**
     * {@code y = conv(x) + b} with its spatial {@code [mean, max]} (2, N, C_out) pooled as the GEMM stores each tile
     * ({@link ConvFused#forwardPooled}); convolutions that run elsewhere (Winograd's 3×3, depthwise), F64 and disabled
     * SIMD run {@code composed} (the convolution, then the pooling op).
     */
    static Tensor[] runPooled(CpuBackend b, Tensor x, PreparedConv c, java.util.function.Supplier<Tensor[]> composed) {
        if (!(c.packed() instanceof PackedConvWeights pw) || pw.isDepthwise() || x.dtype() != DType.F32 || !Simd.enabled()) {
            return composed.get();
        }
        ConvGeometry g = CpuConvolution.geometry(x.shape(), c.weight().shape(), c.params());
        if (WinogradConv.supports(g)) return composed.get();
        float[] yf = ActivationPool.take(g.outputLength());                     // fully overwritten below
        float[] pooled = new float[2 * g.n() * g.cOut()];                      // (2, N, C_out)
        ConvFused.forwardPooled(g, floats(x), pw, yf, pooled);
        return new Tensor[] {Tensor.wrap(HostStorage.wrap(yf), outShape(g), b),
                Tensor.wrap(HostStorage.wrap(pooled), Shape.of(2, g.n(), g.cOut()), b)};
    }

    private static Shape outShape(ConvGeometry g) {
        int[] o = g.outputSize();
        int[] d = new int[o.length + 2];
        d[0] = g.n();
        d[1] = g.cOut();
        System.arraycopy(o, 0, d, 2, o.length);
        return Shape.of(d);
    }

    /** The elements of t as one contiguous float array starting at 0 (a copy only when t is a strided view). */
    static float[] floats(Tensor t) { return ((HostStorage) t.contiguousFromZero().storage()).floats(); }
}
