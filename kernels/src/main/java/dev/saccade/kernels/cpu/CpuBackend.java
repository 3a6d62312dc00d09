package dev.saccade.kernels.cpu;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Storage;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ActionChannelGates;
import dev.saccade.tensor.ops.AvgMaxPool;
import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ChannelAttentionGates;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.PoolParams;
import dev.saccade.tensor.ops.ReduceOp;
import dev.saccade.tensor.ops.UnaryOp;

/**
 * The CPU backend: Java heap arrays, Vector API kernels with scalar twins ({@code -Dsaccade.cpu.simd=false}),
 * and a fixed worker pool ({@link CpuThreads}). Always available.
 */
public final class CpuBackend implements Backend {
    @Override public String name() { return "cpu"; }
    @Override public Device device() { return Device.CPU; }
    @Override public int priority() { return 0; }
    @Override public boolean isAvailable() { return true; }
    @Override public String unavailableReason() { return ""; }

    private Tensor alloc(DType dtype, Shape shape) { return Tensor.wrap(allocate(dtype, shape.numel()), shape, this); }

    private static Tensor contiguous(Tensor t) { return t.isContiguous() ? t : t.contiguous(); }

    // ---- memory
    @Override public Storage allocate(DType dtype, int length) { return HostStorage.allocate(dtype, length); }
    @Override public Storage upload(HostStorage host) { return host; }

    @Override public HostStorage download(Storage storage) {
        HostStorage h = (HostStorage) storage;
        HostStorage copy = HostStorage.allocate(h.dtype(), h.length());
        switch (h.dtype()) {
            case F32 -> System.arraycopy(h.floats(), 0, copy.floats(), 0, h.length());
            case F64 -> System.arraycopy(h.doubles(), 0, copy.doubles(), 0, h.length());
            case I32 -> System.arraycopy(h.ints(), 0, copy.ints(), 0, h.length());
            case I64 -> System.arraycopy(h.longs(), 0, copy.longs(), 0, h.length());
        }
        return copy;
    }

    @Override public void copy(Tensor src, Tensor dst) { CpuElementwise.copy(src, dst); }
    @Override public void fill(Tensor dst, double value) { CpuElementwise.fill(dst, value); }

    // ---- elementwise
    @Override public Tensor unary(UnaryOp op, Tensor x, double alpha) {
        Tensor y = alloc(x.dtype(), x.shape());
        CpuElementwise.unary(op, x, y, alpha);
        return y;
    }

    @Override public Tensor unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, double alpha) {
        Tensor gx = alloc(gy.dtype(), gy.shape());
        CpuElementwise.unaryBackward(op, x, y, gy, gx, alpha);
        return gx;
    }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Tensor out = alloc(a.dtype(), a.shape());
        CpuElementwise.binary(op, a, b, out);
        return out;
    }

    @Override public void axpy(double alpha, Tensor src, Tensor dst) { CpuElementwise.axpy(alpha, src, dst); }
    @Override public void sgdStep(Tensor w, Tensor g, Tensor v, double lr, double wd, double momentum, boolean nesterov,
                                  boolean firstStep) {
        if (CpuSgdStep.supports(w, g, v)) CpuSgdStep.step(w, g, v, lr, wd, momentum, nesterov, firstStep);
        else Backend.super.sgdStep(w, g, v, lr, wd, momentum, nesterov, firstStep);
    }

    // ---- reductions
    @Override public Tensor reduce(ReduceOp op, Tensor x, int[] axes) {
        int[] keep = x.shape().toArray();
        for (int a : axes) keep[a] = 1;
        Tensor out = alloc(x.dtype(), Shape.of(keep));
        CpuReduce.reduce(op, x, axes, out);
        return out;
    }

    @Override public Tensor argReduce(ReduceOp op, Tensor x, int axis) {
        int[] keep = x.shape().toArray();
        keep[axis] = 1;
        Tensor out = alloc(DType.I64, Shape.of(keep));
        CpuReduce.argReduce(op, x, axis, out);
        return out;
    }

    @Override public Tensor softmax(Tensor x, boolean log) {
        Tensor out = alloc(x.dtype(), x.shape());
        CpuReduce.softmax(contiguous(x), log, out);
        return out;
    }

    @Override public Tensor softmaxBackward(Tensor y, Tensor gy, boolean log) {
        Tensor out = alloc(gy.dtype(), gy.shape());
        CpuReduce.softmaxBackward(contiguous(y), contiguous(gy), log, out);
        return out;
    }

    // ---- linear algebra
    @Override public Tensor matmul(Tensor a, Tensor b) {
        Tensor out = alloc(a.dtype(), Shape.of(a.dim(0), a.dim(1), b.dim(2)));
        int[] as = a.layout().strides(), bs = b.layout().strides();
        Tensor aa = CpuMatmul.leading(as, a.dim(1), a.dim(2)) == null ? a.contiguous() : a;
        Tensor bb = CpuMatmul.leading(bs, b.dim(1), b.dim(2)) == null ? b.contiguous() : b;
        CpuMatmul.matmul(aa, bb, out);
        return out;
    }

    // ---- normalisation
    @Override public Tensor[] batchNormTraining(Tensor x, Tensor gamma, Tensor beta, double eps) {
        Tensor[] r = CpuNormalization.batchNormTraining(this, x, gamma, beta, eps);
        return r != null ? r : Backend.super.batchNormTraining(x, gamma, beta, eps);
    }

    @Override public Tensor[] batchNormReluTraining(Tensor x, Tensor gamma, Tensor beta, double eps) {
        Tensor[] r = CpuNormalization.batchNormTraining(this, x, gamma, beta, eps, true);
        return r != null ? r : Backend.super.batchNormReluTraining(x, gamma, beta, eps);
    }

    @Override public Tensor[] batchNormReluTrainingBackward(Tensor g, Tensor xhat, Tensor invStd, Tensor gamma, Tensor beta,
                                                            boolean needInputGrad) {
        Tensor[] r = CpuNormalization.batchNormTrainingBackward(this, g, xhat, invStd, gamma, beta, true, needInputGrad);
        return r != null ? r : Backend.super.batchNormReluTrainingBackward(g, xhat, invStd, gamma, beta, needInputGrad);
    }

    @Override public Tensor[] batchNormTrainingBackward(Tensor g, Tensor xhat, Tensor invStd, Tensor gamma, boolean needInputGrad) {
        Tensor[] r = CpuNormalization.batchNormTrainingBackward(this, g, xhat, invStd, gamma, needInputGrad);
        return r != null ? r : Backend.super.batchNormTrainingBackward(g, xhat, invStd, gamma, needInputGrad);
    }

    // ---- convolution and pooling
    @Override public Tensor conv(Tensor x, Tensor w, Tensor bias, ConvParams p) { return CpuConvolution.conv(this, x, w, bias, p); }
    @Override public Tensor convBackwardData(Tensor gy, Tensor w, Shape xShape, ConvParams p) { return CpuConvolution.backwardData(this, gy, w, xShape, p); }
    @Override public Tensor convBackwardFilter(Tensor x, Tensor gy, Shape wShape, ConvParams p) { return CpuConvolution.backwardFilter(this, x, gy, wShape, p); }
    @Override public Tensor[] maxPool(Tensor x, PoolParams p) { return CpuPooling.maxPool(this, x, p); }
    @Override public Tensor maxPoolBackward(Tensor gy, Tensor argmax, Shape xShape, PoolParams p) { return CpuPooling.maxPoolBackward(this, gy, argmax, xShape, p); }
    @Override public Tensor avgPool(Tensor x, PoolParams p) { return CpuPooling.avgPool(this, x, p); }
    @Override public Tensor avgPoolBackward(Tensor gy, Shape xShape, PoolParams p) { return CpuPooling.avgPoolBackward(this, gy, xShape, p); }
    @Override public Tensor adaptiveAvgPool(Tensor x, int[] outSize) { return CpuPooling.adaptiveAvgPool(this, x, outSize); }
    @Override public Tensor adaptiveAvgPoolBackward(Tensor gy, Shape xShape) { return CpuPooling.adaptiveAvgPoolBackward(this, gy, xShape); }

    // ---- temporal
    // ---- inference: prepared convolution with a fused epilogue
    @Override public dev.saccade.tensor.ops.PreparedConv prepareConv(Tensor w, Tensor bias, ConvParams p) {
        return CpuInferenceConv.prepare(w, bias, p);
    }

    @Override public Tensor convInference(Tensor x, dev.saccade.tensor.ops.PreparedConv c, Tensor residual,
                                          dev.saccade.tensor.ops.ConvActivation act, int frames, int foldDiv) {
        return CpuInferenceConv.run(this, x, c, residual, act, frames, foldDiv, false,
                () -> Backend.super.convInference(x, c, residual, act, frames, foldDiv));
    }

    @Override public Tensor convInferenceIntoResidual(Tensor x, dev.saccade.tensor.ops.PreparedConv c, Tensor residual,
                                                      dev.saccade.tensor.ops.ConvActivation act, int frames, int foldDiv) {
        return CpuInferenceConv.run(this, x, c, residual, act, frames, foldDiv, true,
                () -> Backend.super.convInference(x, c, residual, act, frames, foldDiv));
    }

    @Override public Tensor convInferenceChain(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                               Tensor residual) {
        return CpuInferenceConv.runChain(this, x, links, residual, false, () -> Backend.super.convInferenceChain(x, links, residual));
    }

    @Override public Tensor convInferenceChainIntoResidual(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                                           Tensor residual) {
        return CpuInferenceConv.runChain(this, x, links, residual, true, () -> Backend.super.convInferenceChain(x, links, residual));
    }

    @Override public Tensor convInferenceChainGated(Tensor x, dev.saccade.tensor.ops.InferenceConv.InputGate gate,
                                                    java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                                    Tensor residual, boolean intoResidual) {
        return CpuInferenceConv.runChainGated(this, x, gate, links, residual, intoResidual,
                () -> Backend.super.convInferenceChainGated(x, gate, links, residual, intoResidual));
    }

    @Override public Tensor[] convInferenceChainPooled(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links) {
        return CpuInferenceConv.runChainPooled(this, x, links, () -> Backend.super.convInferenceChainPooled(x, links));
    }

    @Override public Tensor convInferenceChainAttended(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links,
                                                       dev.saccade.tensor.ops.AttendedChain.Attention attention,
                                                       Tensor residual, boolean intoResidual) {
        return CpuInferenceConv.runChainAttended(this, x, links, attention, residual, intoResidual,
                () -> Backend.super.convInferenceChainAttended(x, links, attention, residual, intoResidual));
    }

    @Override public boolean convChainDepthFirst(Tensor x, java.util.List<dev.saccade.tensor.ops.InferenceConv.Link> links) {
        return CpuInferenceConv.depthFirst(x, links) != null;
    }

    @Override public Tensor convInferenceGated(Tensor x, dev.saccade.tensor.ops.PreparedConv c, Tensor gate) {
        return CpuInferenceConv.runGated(this, x, c, gate, () -> Backend.super.convInferenceGated(x, c, gate));
    }

    @Override public Tensor convInferenceUpGated(Tensor x, Tensor attended, dev.saccade.tensor.ops.PreparedConv up,
                                                dev.saccade.tensor.ops.PreparedConv c, Tensor residual,
                                                dev.saccade.tensor.ops.ConvActivation act, int frames, int foldDiv) {
        return CpuInferenceConv.runUpGated(this, x, attended, up, c, residual, act, frames, foldDiv,
                () -> Backend.super.convInferenceUpGated(x, attended, up, c, residual, act, frames, foldDiv));
    }

    @Override public Tensor convInferenceExcited(Tensor x, dev.saccade.tensor.ops.PreparedConv c, Tensor channel, Tensor pixel,
                                                double offset, Tensor residual, dev.saccade.tensor.ops.ConvActivation act) {
        return CpuInferenceConv.runExcited(this, x, c, channel, pixel, offset, residual, act,
                () -> Backend.super.convInferenceExcited(x, c, channel, pixel, offset, residual, act));
    }

    @Override public Tensor[] convInferencePooled(Tensor x, dev.saccade.tensor.ops.PreparedConv c) {
        return CpuInferenceConv.runPooled(this, x, c, () -> Backend.super.convInferencePooled(x, c));
    }

    @Override public Tensor motionAttention(Tensor y, int frames, double eps) {
        if (y.dtype() != DType.F32 || !Simd.enabled() || y.numel() == 0) {
            return Backend.super.motionAttention(y, frames, eps);
        }
        float[] yf = ((HostStorage) y.contiguousFromZero().storage()).floats();
        float[] out = ActivationPool.take(y.numel());                            // fully overwritten
        CpuMotionAttention.forward(yf, y.dim(0) / frames, frames, y.numel() / y.dim(0), eps, out);
        return Tensor.wrap(HostStorage.wrap(out), y.shape(), this);
    }

    @Override public Tensor motionAttentionBackward(Tensor g, Tensor y, int frames, double eps) {
        if (y.dtype() != DType.F32 || g.dtype() != DType.F32 || !Simd.enabled() || y.numel() == 0
                || !g.shape().equals(y.shape())) {
            return Backend.super.motionAttentionBackward(g, y, frames, eps);
        }
        float[] yf = ((HostStorage) y.contiguousFromZero().storage()).floats();
        float[] gf = ((HostStorage) g.contiguousFromZero().storage()).floats();
        float[] gy = new float[y.numel()];                                       // fully overwritten
        CpuMotionAttention.backward(yf, gf, y.dim(0) / frames, frames, y.numel() / y.dim(0), eps, gy);
        return Tensor.wrap(HostStorage.wrap(gy), y.shape(), this);
    }

    /**
     * An output the kernel overwrites completely: F32 from the {@link ActivationPool} (a buffer handed back by the
     * inference path, or a new one), other types zero-filled as {@link #alloc} makes them.
     */
    private Tensor pooledOrAlloc(DType dtype, Shape shape) {
        if (dtype != DType.F32) return alloc(dtype, shape);
        return Tensor.wrap(HostStorage.wrap(ActivationPool.take(shape.numel())), shape, this);
    }

    @Override public void recycle(Tensor t) {
        float[] whole = wholeArray(t);
        if (whole != null) ActivationPool.give(whole);
    }

    /**
     * The F32 array t covers exactly, element i at index i (contiguous, the whole storage); null for anything else.
     * Such an array can be handed back to the pool, or written in place as t's own.
     */
    static float[] wholeArray(Tensor t) {
        return t.storage() instanceof HostStorage h && h.dtype() == DType.F32 && t.isContiguous() && t.numel() == h.length()
                ? h.floats() : null;
    }

    @Override public Tensor maxPoolInference(Tensor x, PoolParams p) { return CpuPooling.maxPoolValues(this, x, p); }

    @Override public Tensor temporalShift(Tensor x, int frames, int foldDiv, boolean inverse) {
        Tensor out = alloc(x.dtype(), x.shape());
        CpuTemporal.shift(contiguous(x), frames, foldDiv, inverse, out);
        return out;
    }

    @Override public Tensor frameDifferenceM2a(Tensor x, int frames) {
        Tensor out = alloc(x.dtype(), x.shape());
        CpuTemporal.m2a(contiguous(x), frames, out);
        return out;
    }

    @Override public Tensor frameDifferenceM2aBackward(Tensor gy, int frames) {
        Tensor out = alloc(gy.dtype(), gy.shape());
        CpuTemporal.m2aBackward(contiguous(gy), frames, out);
        return out;
    }

    @Override public Tensor frameDifferenceAction(Tensor a, Tensor b, int frames) {
        Tensor out = pooledOrAlloc(a.dtype(), a.shape());                          // every frame written, the last zeroed
        CpuTemporal.action(contiguous(a), contiguous(b), frames, out);
        return out;
    }

    @Override public Tensor[] frameDifferenceActionBackward(Tensor gy, int frames) {
        Tensor ga = alloc(gy.dtype(), gy.shape()), gb = alloc(gy.dtype(), gy.shape());
        CpuTemporal.actionBackward(contiguous(gy), frames, ga, gb);
        return new Tensor[] {ga, gb};
    }

    // ---- fused temporal attention
    @Override public Tensor temporalConv(Tensor x, Tensor w, int frames) {
        Tensor y = alloc(x.dtype(), x.shape());
        CpuTemporalConv.forward(contiguous(x), w, frames, false, y);
        return y;
    }

    @Override public Tensor[] pooledTemporalConv(Tensor x, Tensor w, int frames) {
        if (x.dtype() != DType.F32 || !Simd.enabled()) return Backend.super.pooledTemporalConv(x, w, frames);
        return pooledTemporalConv(x, w, frames, false);
    }

    @Override public Tensor[] pooledTemporalConvTaps(Tensor x, Tensor w, int frames) {
        if (x.dtype() != DType.F32 || !Simd.enabled() || x.numel() == 0) {
            return Backend.super.pooledTemporalConvTaps(x, w, frames);
        }
        return pooledTemporalConv(x, w, frames, true);
    }

    /** {xs, spatial, channel} and, with {@code taps}, the tap sums of xs, from one {@link CpuPooledTemporalConv} pass. */
    private Tensor[] pooledTemporalConv(Tensor x, Tensor w, int frames, boolean taps) {
        int nt = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        Tensor xc = contiguous(x);
        float[] y = ActivationPool.take(x.numel());                               // fully overwritten
        Tensor spatial = alloc(DType.F32, Shape.of(nt, c, 1, 1)), channel = alloc(DType.F32, Shape.of(nt, 1, h, wd));
        Tensor tapSums = taps ? alloc(DType.F32, Shape.of(nt, 3, 3, c)) : null;
        CpuPooledTemporalConv.forward(((HostStorage) xc.storage()).floats(), xc.layout().offset(), CpuTemporalConv.taps(w),
                nt / frames, frames, c, h * wd, Math.max(1, h), y, ((HostStorage) spatial.storage()).floats(),
                ((HostStorage) channel.storage()).floats(), taps ? ((HostStorage) tapSums.storage()).floats() : null);
        Tensor xs = Tensor.wrap(HostStorage.wrap(y), x.shape(), this);
        return taps ? new Tensor[] {xs, spatial, channel, tapSums} : new Tensor[] {xs, spatial, channel};
    }

    @Override public Tensor channelAttentionGates(Tensor pooled, int frames, ChannelAttentionGates.Weights w) {
        if (pooled.dtype() != DType.F32 || !Simd.enabled()) return Backend.super.channelAttentionGates(pooled, frames, w);
        int nt = pooled.dim(1), c = pooled.dim(2);
        Tensor pc = contiguous(pooled), out = alloc(DType.F32, Shape.of(nt, c));
        CpuChannelAttentionGates.forward(((HostStorage) pc.storage()).floats(), pc.layout().offset(), nt / frames, frames, c,
                w.w1().dim(0), weights(w.w1()), weights(w.b1()), weights(w.w2()), weights(w.b2()),
                w.k0() == null ? null : CpuTemporalConv.taps(w.k0()), w.k2() == null ? null : CpuTemporalConv.taps(w.k2()), ((HostStorage) out.storage()).floats());
        return out;
    }

    @Override public Tensor actionChannelGates(Tensor pooled, Tensor taps, int frames, int height, int width,
                                               ActionChannelGates.Weights w) {
        if (pooled.dtype() != DType.F32 || !Simd.enabled()) return Backend.super.actionChannelGates(pooled, taps, frames, height, width, w);
        int nt = pooled.dim(0), c = pooled.dim(1), r = w.ceSqueeze().dim(0);
        Tensor pc = contiguous(pooled), tc = contiguous(taps), out = alloc(DType.F32, Shape.of(nt, c, 1, 1));
        CpuActionChannelGates.forward(((HostStorage) pc.storage()).floats(), pc.layout().offset(),
                ((HostStorage) tc.storage()).floats(), tc.layout().offset(), nt / frames, frames, c, r, height, width,
                weights(w.ceSqueeze()), weights(w.ceTemporal()), weights(w.ceExpand()), weights(w.meSqueeze()),
                w.meBias() == null ? null : weights(w.meBias()), weights(w.meDepthwise()), weights(w.meExpand()),
                ((HostStorage) out.storage()).floats());
        return out;
    }

    /** A weight's floats from index 0, contiguous (a copy only when it is not already). */
    private static float[] weights(Tensor t) { return CpuInferenceConv.floats(t); }

    @Override public Tensor tapSums(Tensor x) {
        if (x.dtype() != DType.F32 || !Simd.enabled()) return Backend.super.tapSums(x);
        Tensor xc = contiguous(x), out = alloc(DType.F32, Shape.of(x.dim(0), 3, 3, x.dim(1)));
        CpuTapSums.forward(((HostStorage) xc.storage()).floats(), xc.layout().offset(), x.dim(0), x.dim(1), x.dim(2),
                x.dim(3), ((HostStorage) out.storage()).floats());
        return out;
    }

    @Override public Tensor[] temporalConvBackward(Tensor gy, Tensor x, Tensor w, int frames, boolean needX, boolean needW) {
        Tensor g = contiguous(gy), gx = null, gw = null;
        if (needX) {
            gx = alloc(gy.dtype(), gy.shape());
            CpuTemporalConv.forward(g, w, frames, true, gx);
        }
        if (needW) {
            gw = alloc(w.dtype(), w.shape());
            CpuTemporalConv.weightGradient(g, contiguous(x), frames, gw);
        }
        return new Tensor[] {gx, gw};
    }

    @Override public Tensor broadcastGate(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset) {
        Tensor y = pooledOrAlloc(x.dtype(), x.shape());                           // every element written
        CpuBroadcastGate.forward(contiguous(x), c, s, combine, offset, y);
        return y;
    }

    @Override public Tensor gateInference(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset, Tensor residual,
                                          dev.saccade.tensor.ops.ConvActivation act) {
        if (x.dtype() != DType.F32) return Backend.super.gateInference(x, c, s, combine, offset, residual, act);
        Tensor y = Tensor.wrap(HostStorage.wrap(ActivationPool.take(x.numel())), x.shape(), this);   // fully overwritten below
        CpuBroadcastGate.forward(contiguous(x), c, s, combine, offset, residual == null ? null : contiguous(residual), act, y);
        return y;
    }

    /** Into x's own array when x is a whole, contiguous F32 array that no gate shares; else {@link #gateInference}. */
    @Override public Tensor gateInferenceInPlace(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset,
                                                 Tensor residual, dev.saccade.tensor.ops.ConvActivation act) {
        boolean gatesApart = (c == null || c.storage() != x.storage()) && (s == null || s.storage() != x.storage());
        if (wholeArray(x) == null || !gatesApart) return gateInference(x, c, s, combine, offset, residual, act);
        CpuBroadcastGate.forward(x, c, s, combine, offset, residual == null ? null : contiguous(residual), act, x);
        return x.detach();                                                     // a tensor over x's storage
    }

    /**
     * The Vector API kernel ({@link CpuSpatialAttentionGate}) for F32 with SIMD on, into x's own array when asked and
     * x is a whole contiguous array that c does not share; otherwise the composed ops.
     */
    @Override public Tensor[] spatialAttentionGate(Tensor x, Tensor c, Tensor kernel, Tensor residual,
                                                   dev.saccade.tensor.ops.ConvActivation act, boolean intoX) {
        if (x.dtype() != DType.F32 || !Simd.enabled()) return Backend.super.spatialAttentionGate(x, c, kernel, residual, act, intoX);
        int m = x.dim(0), ch = x.dim(1), h = x.dim(2), w = x.dim(3);
        boolean inPlace = intoX && wholeArray(x) != null && c.storage() != x.storage();
        Tensor xc = contiguous(x), rc = residual == null ? null : contiguous(residual);
        Tensor y = inPlace ? x : Tensor.wrap(HostStorage.wrap(ActivationPool.take(x.numel())), x.shape(), this);   // fully overwritten
        Tensor map = alloc(DType.F32, Shape.of(m, 1, h, w));
        CpuSpatialAttentionGate.forward(((HostStorage) xc.storage()).floats(), xc.layout().offset(), c.toFloatArray(),
                weights(kernel), kernel.dim(2), rc == null ? null : ((HostStorage) rc.storage()).floats(),
                rc == null ? 0 : rc.layout().offset(), act, ((HostStorage) y.storage()).floats(), y.layout().offset(),
                ((HostStorage) map.storage()).floats(), m, ch, h, w);
        return new Tensor[] {inPlace ? x.detach() : y, map};
    }

    @Override public Tensor spatioTemporalMask(Tensor pooled, Tensor frameKernel, Tensor k0, Tensor k2, int frames) {
        if (pooled.dtype() != DType.F32 || !Simd.enabled()) return Backend.super.spatioTemporalMask(pooled, frameKernel, k0, k2, frames);
        int nt = pooled.dim(0), h = pooled.dim(2), w = pooled.dim(3);
        Tensor pc = contiguous(pooled), mask = alloc(DType.F32, Shape.of(nt, 1, h, w));
        CpuSpatioTemporalMask.forward(((HostStorage) pc.storage()).floats(), pc.layout().offset(), nt / frames, frames, h, w,
                weights(frameKernel), frameKernel.dim(2), weights(k0), weights(k2), ((HostStorage) mask.storage()).floats());
        return mask;
    }

    @Override public Tensor[] broadcastGateBackward(Tensor gy, Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine,
                                                    double offset, boolean needX, boolean needC, boolean needS) {
        Tensor gx = needX ? alloc(gy.dtype(), gy.shape()) : null;
        Tensor gc = needC && c != null ? alloc(c.dtype(), c.shape()) : null;
        Tensor gs = needS && s != null ? alloc(s.dtype(), s.shape()) : null;
        if (gx != null || gc != null || gs != null) {
            CpuBroadcastGate.backward(contiguous(gy), contiguous(x), c, s, combine, offset, gx, gc, gs);
        }
        return new Tensor[] {gx, gc, gs};
    }

    @Override public Tensor avgMaxPool(Tensor x, Tensor c, AvgMaxPool.Axis axis) {
        int m = x.dim(0), ch = x.dim(1);
        Tensor out = alloc(x.dtype(), axis == AvgMaxPool.Axis.SPATIAL ? Shape.of(2, m, ch) : Shape.of(m, 2, x.dim(2), x.dim(3)));
        CpuAvgMaxPool.forward(contiguous(x), c, axis, out);
        return out;
    }

    @Override public Tensor[] avgMaxPoolBackward(Tensor gy, Tensor x, Tensor c, Tensor pooled, AvgMaxPool.Axis axis,
                                                 boolean needX, boolean needC) {
        Tensor gx = needX ? alloc(x.dtype(), x.shape()) : null;
        Tensor gc = needC && c != null ? alloc(c.dtype(), c.shape()) : null;
        if (gx != null || gc != null) CpuAvgMaxPool.backward(contiguous(gy), contiguous(x), c, pooled, axis, gx, gc);
        return new Tensor[] {gx, gc};
    }

    @Override public Tensor sigmoidGate(Tensor x, Tensor z, double offset) {
        Tensor y = alloc(x.dtype(), x.shape());
        CpuSigmoidGate.forward(contiguous(x), contiguous(z), offset, y);
        return y;
    }

    @Override public Tensor[] sigmoidGateBackward(Tensor gy, Tensor x, Tensor z, double offset, boolean needX, boolean needZ) {
        Tensor gx = needX ? alloc(x.dtype(), x.shape()) : null, gz = needZ ? alloc(z.dtype(), z.shape()) : null;
        if (gx != null || gz != null) CpuSigmoidGate.backward(contiguous(gy), contiguous(x), contiguous(z), offset, gx, gz);
        return new Tensor[] {gx, gz};
    }

    // ---- indexing
    @Override public Tensor indexSelect(Tensor x, int axis, Tensor indices) {
        int[] d = x.shape().toArray();
        d[axis] = indices.numel();
        Tensor out = alloc(x.dtype(), Shape.of(d));
        CpuIndex.indexSelect(contiguous(x), axis, indices.toLongArray(), out);
        return out;
    }

    @Override public Tensor indexAdd(Shape shape, int axis, Tensor indices, Tensor src) {
        Tensor out = alloc(src.dtype(), shape);
        CpuIndex.indexAdd(shape.toArray(), axis, indices.toLongArray(), contiguous(src), out);
        return out;
    }

    @Override public Tensor gather(Tensor x, int axis, Tensor indices) {
        Tensor out = alloc(x.dtype(), indices.shape());
        CpuIndex.gather(contiguous(x), axis, contiguous(indices), out);
        return out;
    }

    @Override public Tensor scatterAdd(Shape shape, int axis, Tensor indices, Tensor src) {
        Tensor out = alloc(src.dtype(), shape);
        CpuIndex.scatterAdd(shape.toArray(), axis, contiguous(indices), contiguous(src), out);
        return out;
    }
}
