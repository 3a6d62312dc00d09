package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;

/**
 * The fused inference ops of {@link CudaBackend}: M2A's motion attention through {@link MotionAttentionKernels}
 * ({@link dev.saccade.tensor.ops.MotionAttention}) and ACTION-Net's shift with its means through
 * {@link PooledTemporalConvKernels} ({@link dev.saccade.tensor.ops.PooledTemporalConv}). Inputs are made contiguous
 * first; shapes are checked by the ops; no autograd.
 */
final class CudaFusedInference {
    private CudaFusedInference() {}

    /** {@code softmax(m mᵀ/√E) m + y} for y (N·T, r, H, W), T ≤ {@link MotionAttentionKernels#MAX_FRAMES}. */
    static Tensor motionAttention(CudaBackend b, Tensor y, int frames, double eps) {
        KernelDType dt = CudaTensors.kernelType(y, "motion attention");
        Tensor out = CudaTensors.empty(b, y.dtype(), y.shape());
        if (y.numel() == 0) return out;
        Tensor yd = CudaTensors.dense(b, y);
        long n = y.dim(0) / frames, e = y.numel() / y.dim(0);
        Tensor stats = CudaTensors.empty(b, y.dtype(), Shape.of((int) MotionAttentionKernels.statsElements(n, frames)));
        long parts = MotionAttentionKernels.partElements(n, frames, MotionAttentionKernels.slices(n, e));
        Tensor part = CudaTensors.empty(b, DType.F64, Shape.of(Math.toIntExact(parts)));       // (N, G, T(T+1)/2)
        Tensor a = CudaTensors.empty(b, y.dtype(), Shape.of((int) n, frames, frames));           // (N, T, T)
        MotionAttentionKernels.forward(dt, CudaTensors.buffer(yd), CudaTensors.buffer(out), CudaTensors.buffer(stats),
                CudaTensors.buffer(part), CudaTensors.buffer(a), n, frames, e, eps);
        return out;
    }

    /** {xs (N·T, C, H, W), spatial mean (N·T, C, 1, 1), channel mean (N·T, 1, H, W)} for x (N·T, C, H, W), w (C, 1, 3). */
    static Tensor[] pooledTemporalConv(CudaBackend b, Tensor x, Tensor w, int frames) {
        KernelDType dt = CudaTensors.kernelType(x, "pooled temporal conv");
        int nt = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        Tensor xs = CudaTensors.empty(b, x.dtype(), x.shape());
        Tensor spatial = CudaTensors.empty(b, x.dtype(), Shape.of(nt, c, 1, 1));
        Tensor channel = CudaTensors.empty(b, x.dtype(), Shape.of(nt, 1, h, wd));
        if (x.numel() == 0) {                       // means over no values are NaN, as the CPU kernel and torch give
            if (spatial.numel() > 0) b.fill(spatial, Double.NaN);
            if (channel.numel() > 0) b.fill(channel, Double.NaN);
            return new Tensor[] {xs, spatial, channel};
        }
        Tensor xd = CudaTensors.dense(b, x), wdn = CudaTensors.dense(b, w);
        long n = nt / frames, s = (long) h * wd;
        Tensor part = CudaTensors.empty(b, x.dtype(),
                Shape.of(Math.toIntExact(PooledTemporalConvKernels.partElements(n, frames, c, s))));   // (N·T, ⌈S/32⌉, C)
        PooledTemporalConvKernels.forward(dt, CudaTensors.buffer(xd), CudaTensors.buffer(wdn), CudaTensors.buffer(xs),
                CudaTensors.buffer(spatial), CudaTensors.buffer(channel), CudaTensors.buffer(part), n, frames, c, s);
        return new Tensor[] {xs, spatial, channel};
    }
}
