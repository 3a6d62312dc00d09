package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;

/**
 * Adapts the tensor-level batch-norm primitives ({@code Backend.batchNormTraining} and its backward) to the fused
 * {@link CpuBatchNorm} kernels for F32 with SIMD on; returns null otherwise, and the backend then runs the composed
 * default (F64 and {@code -Dsaccade.cpu.simd=false} keep the op-by-op reference).
 */
final class CpuNormalization {
    /** {@code -Dsaccade.cpu.fusedBatchNorm=false} runs the composed default instead (for comparisons). */
    static final boolean FUSED = !"false".equalsIgnoreCase(System.getProperty("saccade.cpu.fusedBatchNorm", "true"));

    private CpuNormalization() {}

    /** {@code {y, x̂, μ, σ², invStd}} as {@code Backend.batchNormTraining}, or null when not handled here. */
    static Tensor[] batchNormTraining(CpuBackend b, Tensor x, Tensor gamma, Tensor beta, double eps) {
        return batchNormTraining(b, x, gamma, beta, eps, false);
    }

    /** As {@link #batchNormTraining(CpuBackend, Tensor, Tensor, Tensor, double)}, with y rectified when relu. */
    static Tensor[] batchNormTraining(CpuBackend b, Tensor x, Tensor gamma, Tensor beta, double eps, boolean relu) {
        if (!handles(x, gamma) || (beta != null && beta.dtype() != DType.F32) || x.rank() < 2) return null;
        int n = x.dim(0), c = x.dim(1), s = x.numel() / (n * c);
        Shape stat = channelShape(x);
        Tensor xhat = alloc(b, x.shape()), mean = alloc(b, stat), var = alloc(b, stat), invStd = alloc(b, stat);
        Tensor y = gamma == null && beta == null && !relu ? xhat : alloc(b, x.shape());
        CpuBatchNorm.forward(floats(x), n, c, s, gamma == null ? null : floats(gamma), beta == null ? null : floats(beta),
                eps, relu, floats(y), floats(xhat), floats(mean), floats(var), floats(invStd));
        return new Tensor[] {y, xhat, mean, var, invStd};
    }

    /** {@code {gx or null, gγ, gβ}} as {@code Backend.batchNormTrainingBackward}, or null when not handled here. */
    static Tensor[] batchNormTrainingBackward(CpuBackend b, Tensor g, Tensor xhat, Tensor invStd, Tensor gamma,
                                              boolean needInputGrad) {
        return batchNormTrainingBackward(b, g, xhat, invStd, gamma, null, false, needInputGrad);
    }

    /** As above; with relu, the backward of batch norm followed by ReLU (beta (C) or null gives the mask). */
    static Tensor[] batchNormTrainingBackward(CpuBackend b, Tensor g, Tensor xhat, Tensor invStd, Tensor gamma,
                                              Tensor beta, boolean relu, boolean needInputGrad) {
        if (!handles(g, gamma) || xhat.dtype() != DType.F32 || invStd.dtype() != DType.F32 || g.rank() < 2
                || (beta != null && beta.dtype() != DType.F32))
            return null;
        int n = g.dim(0), c = g.dim(1), s = g.numel() / (n * c);
        Shape stat = channelShape(g);
        Tensor gx = needInputGrad ? alloc(b, g.shape()) : null, gGamma = alloc(b, stat), gBeta = alloc(b, stat);
        CpuBatchNorm.backward(floats(g), floats(xhat), n, c, s, floats(invStd), gamma == null ? null : floats(gamma),
                beta == null ? null : floats(beta), relu, gx == null ? null : floats(gx), floats(gGamma), floats(gBeta));
        return new Tensor[] {gx, gGamma, gBeta};
    }

    private static boolean handles(Tensor x, Tensor gamma) {
        return FUSED && Simd.enabled() && !ConvKernels.SCALAR && x.dtype() == DType.F32
                && (gamma == null || gamma.dtype() == DType.F32);
    }

    /** (1, C, 1, …) for x (N, C, …). */
    private static Shape channelShape(Tensor x) {
        int[] d = new int[x.rank()];
        java.util.Arrays.fill(d, 1);
        d[1] = x.dim(1);
        return Shape.of(d);
    }

    private static Tensor alloc(CpuBackend b, Shape shape) {
        return Tensor.wrap(b.allocate(DType.F32, shape.numel()), shape, b);
    }

    /** The contiguous float data of t (copied when t is a view). */
    private static float[] floats(Tensor t) {
        return ((HostStorage) t.contiguousFromZero().storage()).floats();
    }
}
