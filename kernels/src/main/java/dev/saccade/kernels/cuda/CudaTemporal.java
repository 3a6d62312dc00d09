package dev.saccade.kernels.cuda;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;

/**
 * The temporal primitives on (N·T, C, H, W) activations through {@link TemporalKernels}: TSM shift (Lin et al.
 * 2019; fold = C / foldDiv, backward = the inverse shift), M2A frame difference and ACTION-Net ME difference.
 * Inputs are made contiguous first; the kernels see (N, T, C, H·W) or (N, T, F) with F = C·H·W.
 *
 * <pre>{@code
 * Tensor y = CudaTemporal.shift(backend, x, 8, 8, false);   // x (N·8, C, H, W)
 * }</pre>
 */
final class CudaTemporal {
    private CudaTemporal() {}

    private static long samples(Tensor x, int frames, String op) {
        if (x.rank() < 2 || frames < 1 || x.dim(0) % frames != 0)
            throw new ShapeException(op + ": input " + x.shape() + " must be (N·T, ...) with T = " + frames + " dividing N·T");
        return x.dim(0) / frames;
    }

    static Tensor shift(CudaBackend b, Tensor x, int frames, int foldDiv, boolean inverse) {
        KernelDType dt = CudaTensors.kernelType(x, "temporal shift");
        long n = samples(x, frames, "temporal shift");
        Tensor xd = CudaTensors.dense(b, x), y = CudaTensors.empty(b, x.dtype(), x.shape());
        if (x.numel() == 0) return y;
        long c = x.dim(1), hw = x.numel() / (x.dim(0) * c), fold = c / foldDiv;
        if (inverse) TemporalKernels.shiftBackward(dt, CudaTensors.buffer(xd), CudaTensors.buffer(y), n, frames, c, hw, fold);
        else TemporalKernels.shift(dt, CudaTensors.buffer(xd), CudaTensors.buffer(y), n, frames, c, hw, fold);
        return y;
    }

    static Tensor m2a(CudaBackend b, Tensor x, int frames, boolean backward) {
        KernelDType dt = CudaTensors.kernelType(x, "M2A frame difference");
        long n = samples(x, frames, "M2A frame difference");
        Tensor xd = CudaTensors.dense(b, x), y = CudaTensors.empty(b, x.dtype(), x.shape());
        if (x.numel() == 0) return y;
        long f = x.numel() / x.dim(0);
        if (backward) TemporalKernels.frameDiffM2aBackward(dt, CudaTensors.buffer(xd), CudaTensors.buffer(y), n, frames, f);
        else TemporalKernels.frameDiffM2a(dt, CudaTensors.buffer(xd), CudaTensors.buffer(y), n, frames, f);
        return y;
    }

    static Tensor action(CudaBackend b, Tensor a, Tensor bb, int frames) {
        KernelDType dt = CudaTensors.kernelType(a, "ACTION-Net frame difference");
        long n = samples(a, frames, "ACTION-Net frame difference");
        Tensor ad = CudaTensors.dense(b, a), bd = CudaTensors.dense(b, bb), y = CudaTensors.empty(b, a.dtype(), a.shape());
        if (a.numel() == 0) return y;
        TemporalKernels.frameDiffMe(dt, CudaTensors.buffer(ad), CudaTensors.buffer(bd), CudaTensors.buffer(y), n, frames,
                a.numel() / a.dim(0));
        return y;
    }

    static Tensor[] actionBackward(CudaBackend b, Tensor gy, int frames) {
        KernelDType dt = CudaTensors.kernelType(gy, "ACTION-Net frame difference backward");
        long n = samples(gy, frames, "ACTION-Net frame difference backward");
        Tensor gyd = CudaTensors.dense(b, gy);
        Tensor ga = CudaTensors.empty(b, gy.dtype(), gy.shape()), gb = CudaTensors.empty(b, gy.dtype(), gy.shape());
        if (gy.numel() == 0) return new Tensor[] {ga, gb};
        TemporalKernels.frameDiffMeBackward(dt, CudaTensors.buffer(gyd), CudaTensors.buffer(ga), CudaTensors.buffer(gb), n,
                frames, gy.numel() / gy.dim(0));
        return new Tensor[] {ga, gb};
    }
}
