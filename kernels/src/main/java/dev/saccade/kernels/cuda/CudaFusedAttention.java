package dev.saccade.kernels.cuda;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AvgMaxPool;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ReduceOp;

/**
 * The fused temporal-attention primitives of {@link CudaBackend} through {@link FusedAttentionKernels}: the
 * depthwise temporal convolution on (N·T, C, H, W) ({@link dev.saccade.tensor.ops.TemporalConv}) and the broadcast
 * gate ({@link BroadcastGate}), avg+max pooling ({@link AvgMaxPool}) and the sigmoid gate
 * ({@link dev.saccade.tensor.ops.SigmoidGate}). Inputs are made contiguous first; shapes are checked by the ops.
 */
final class CudaFusedAttention {
    private CudaFusedAttention() {}

    private static long plane(Tensor x) { return (long) x.dim(2) * x.dim(3); }

    static Tensor temporalConv(CudaBackend b, Tensor x, Tensor w, int frames, boolean flip) {
        KernelDType dt = CudaTensors.kernelType(x, "temporal conv");
        Tensor xd = CudaTensors.dense(b, x), wd = CudaTensors.dense(b, w), y = CudaTensors.empty(b, x.dtype(), x.shape());
        if (x.numel() == 0) return y;
        FusedAttentionKernels.temporalConv(dt, CudaTensors.buffer(xd), CudaTensors.buffer(wd), CudaTensors.buffer(y),
                x.dim(0) / frames, frames, x.dim(1), plane(x), flip);
        return y;
    }

    /** gw (C, 1, 3): per-row partial sums on the device, summed over the N·T rows by the backend's reduction. */
    static Tensor temporalConvWeightGradient(CudaBackend b, Tensor gy, Tensor x, Shape wShape, int frames) {
        KernelDType dt = CudaTensors.kernelType(x, "temporal conv weight gradient");
        int nt = x.dim(0), c = x.dim(1);
        if (x.numel() == 0) return CudaTensors.zeros(b, x.dtype(), wShape);
        Tensor gd = CudaTensors.dense(b, gy), xd = CudaTensors.dense(b, x);
        Tensor part = CudaTensors.empty(b, x.dtype(), Shape.of(nt, c, 3));                // (N·T, C, 3)
        FusedAttentionKernels.temporalConvWeightParts(dt, CudaTensors.buffer(gd), CudaTensors.buffer(xd), CudaTensors.buffer(part),
                nt / frames, frames, c, plane(x));
        return b.reduce(ReduceOp.SUM, part, new int[] {0}).reshape(wShape.toArray());      // (1, C, 3) → (C, 1, 3)
    }

    private static DeviceBuffer bufferOrNull(Tensor t) { return t == null ? null : CudaTensors.buffer(t); }

    static Tensor gate(CudaBackend b, Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset) {
        KernelDType dt = CudaTensors.kernelType(x, "broadcast gate");
        Tensor xd = CudaTensors.dense(b, x), y = CudaTensors.empty(b, x.dtype(), x.shape());
        if (x.numel() == 0) return y;
        Tensor cd = c == null ? null : CudaTensors.dense(b, c), sd = s == null ? null : CudaTensors.dense(b, s);
        FusedAttentionKernels.gate(dt, CudaTensors.buffer(xd), bufferOrNull(cd), bufferOrNull(sd), CudaTensors.buffer(y),
                x.dim(0), x.dim(1), plane(x), combine == BroadcastGate.Combine.SUM, offset);
        return y;
    }

    static Tensor[] gateBackward(CudaBackend b, Tensor g, Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset,
                                 boolean needX, boolean needC, boolean needS) {
        KernelDType dt = CudaTensors.kernelType(x, "broadcast gate backward");
        boolean sum = combine == BroadcastGate.Combine.SUM;
        Tensor gd = CudaTensors.dense(b, g), xd = CudaTensors.dense(b, x);
        Tensor cd = c == null ? null : CudaTensors.dense(b, c), sd = s == null ? null : CudaTensors.dense(b, s);
        long m = x.dim(0), ch = x.dim(1), sp = plane(x);
        Tensor gx = needX ? CudaTensors.empty(b, g.dtype(), g.shape()) : null;
        Tensor gc = needC && c != null ? CudaTensors.empty(b, c.dtype(), c.shape()) : null;
        Tensor gs = needS && s != null ? CudaTensors.empty(b, s.dtype(), s.shape()) : null;
        if (x.numel() == 0) return new Tensor[] {gx, gc, gs};
        if (gx != null) FusedAttentionKernels.gateBackwardInput(dt, CudaTensors.buffer(gd), bufferOrNull(cd), bufferOrNull(sd),
                CudaTensors.buffer(gx), m, ch, sp, sum, offset);
        if (gc != null) FusedAttentionKernels.gateBackwardChannel(dt, CudaTensors.buffer(gd), CudaTensors.buffer(xd), bufferOrNull(sd),
                CudaTensors.buffer(gc), m, ch, sp, sum);
        if (gs != null) FusedAttentionKernels.gateBackwardSpatial(dt, CudaTensors.buffer(gd), CudaTensors.buffer(xd), bufferOrNull(cd),
                CudaTensors.buffer(gs), m, ch, sp, sum);
        return new Tensor[] {gx, gc, gs};
    }

    static Tensor avgMaxPool(CudaBackend b, Tensor x, Tensor c, AvgMaxPool.Axis axis) {
        KernelDType dt = CudaTensors.kernelType(x, "avg max pool");
        boolean spatial = axis == AvgMaxPool.Axis.SPATIAL;
        int m = x.dim(0), ch = x.dim(1);
        Tensor xd = CudaTensors.dense(b, x), cd = c == null ? null : CudaTensors.dense(b, c);
        Tensor out = CudaTensors.empty(b, x.dtype(), spatial ? Shape.of(2, m, ch) : Shape.of(m, 2, x.dim(2), x.dim(3)));
        FusedAttentionKernels.avgMaxPool(dt, CudaTensors.buffer(xd), bufferOrNull(cd), CudaTensors.buffer(out), m, ch, plane(x), spatial);
        return out;
    }

    static Tensor[] avgMaxPoolBackward(CudaBackend b, Tensor g, Tensor x, Tensor c, Tensor pooled, AvgMaxPool.Axis axis,
                                       boolean needX, boolean needC) {
        KernelDType dt = CudaTensors.kernelType(x, "avg max pool backward");
        int m = x.dim(0), ch = x.dim(1);
        long sp = plane(x);
        Tensor gd = CudaTensors.dense(b, g), xd = CudaTensors.dense(b, x), pd = CudaTensors.dense(b, pooled);
        Tensor cd = c == null ? null : CudaTensors.dense(b, c);
        Tensor gx = needX ? CudaTensors.empty(b, x.dtype(), x.shape()) : null;
        Tensor gc = needC && c != null ? CudaTensors.empty(b, c.dtype(), c.shape()) : null;
        if (gx == null && gc == null) return new Tensor[] {null, null};
        if (axis == AvgMaxPool.Axis.SPATIAL) {
            FusedAttentionKernels.avgMaxPoolSpatialBackward(dt, CudaTensors.buffer(gd), CudaTensors.buffer(xd), bufferOrNull(cd),
                    CudaTensors.buffer(pd), bufferOrNull(gx), bufferOrNull(gc), m, ch, sp);
        } else {
            Tensor ties = CudaTensors.empty(b, x.dtype(), Shape.of(m, (int) sp));                      // (M, S)
            FusedAttentionKernels.avgMaxPoolChannelBackward(dt, CudaTensors.buffer(gd), CudaTensors.buffer(xd), bufferOrNull(cd),
                    CudaTensors.buffer(pd), bufferOrNull(gx), CudaTensors.buffer(ties), m, ch, sp);
            if (gc != null) FusedAttentionKernels.avgMaxPoolChannelScale(dt, CudaTensors.buffer(gd), CudaTensors.buffer(xd),
                    bufferOrNull(cd), CudaTensors.buffer(pd), CudaTensors.buffer(ties), CudaTensors.buffer(gc), m, ch, sp);
        }
        return new Tensor[] {gx, gc};
    }

    static Tensor sigmoidGate(CudaBackend b, Tensor x, Tensor z, double offset) {
        KernelDType dt = CudaTensors.kernelType(x, "sigmoid gate");
        Tensor xd = CudaTensors.dense(b, x), zd = CudaTensors.dense(b, z), y = CudaTensors.empty(b, x.dtype(), x.shape());
        if (x.numel() == 0) return y;
        FusedAttentionKernels.sigmoidGate(dt, CudaTensors.buffer(xd), CudaTensors.buffer(zd), CudaTensors.buffer(y), x.numel(), offset);
        return y;
    }

    static Tensor[] sigmoidGateBackward(CudaBackend b, Tensor g, Tensor x, Tensor z, double offset, boolean needX, boolean needZ) {
        KernelDType dt = CudaTensors.kernelType(x, "sigmoid gate backward");
        Tensor gx = needX ? CudaTensors.empty(b, x.dtype(), x.shape()) : null, gz = needZ ? CudaTensors.empty(b, z.dtype(), z.shape()) : null;
        if (x.numel() == 0 || (gx == null && gz == null)) return new Tensor[] {gx, gz};
        Tensor gd = CudaTensors.dense(b, g), xd = CudaTensors.dense(b, x), zd = CudaTensors.dense(b, z);
        FusedAttentionKernels.sigmoidGateBackward(dt, CudaTensors.buffer(gd), CudaTensors.buffer(xd), CudaTensors.buffer(zd),
                bufferOrNull(gx), bufferOrNull(gz), x.numel(), offset);
        return new Tensor[] {gx, gz};
    }
}
