package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Training-mode batch normalisation on cuDNN ({@code CUDNN_BATCHNORM_SPATIAL}: statistics per channel over N and
 * the spatial axes), in the Backend contract's terms (Ioffe &amp; Szegedy 2015, Alg. 1;
 * {@code torch.nn.functional.batch_norm(training=True)}). (N, C) and (N, C, L) inputs run as (N, C, 1, 1) and
 * (N, C, 1, L); (N, C, H, W) and (N, C, D, H, W) as they are.
 *
 * <ul>
 *   <li>Forward: {@code cudnnBatchNormalizationForwardTraining} with scale 1 and bias 0 writes x̂ and saves μ and
 *       invStd = 1/√(σ² + ε) (biased σ²); y = γ x̂ + β is then one broadcast multiply and add, and σ² = invStd⁻² − ε.
 *       Running statistics are not touched (the module updates them from the returned μ and σ²).</li>
 *   <li>Backward: the contract hands over x̂ and invStd, not x; cuDNN's backward is given x̂ as its input with saved
 *       mean 0 and inverse std 1 (so it normalises x̂ to itself) and scale γ·invStd, which yields
 *       gx = γ·invStd/M·(M g − Σg − x̂ Σ g x̂), gγ = Σ g x̂ and gβ = Σ g in one call.</li>
 * </ul>
 * ε below cuDNN's minimum (1e-5) is left to the Backend's composed default by the caller.
 */
final class CudaBatchNorm {
    /** CUDNN_BN_MIN_EPSILON: cuDNN rejects smaller ε. */
    static final double MIN_EPSILON = 1e-5;

    private static final Map<String, MemorySegment[]> DESCRIPTORS = new ConcurrentHashMap<>();

    private CudaBatchNorm() {}

    /** The dims cuDNN sees: rank 2 and 3 lifted to 4. */
    static int[] cudnnDims(Shape s) {
        int r = s.rank();
        if (r < 2 || r > 5) throw new IllegalArgumentException("batch norm on CUDA: (N, C, *spatial) with 0 to 3 spatial axes, got " + s);
        if (r == 2) return new int[] {s.dim(0), s.dim(1), 1, 1};
        if (r == 3) return new int[] {s.dim(0), s.dim(1), 1, s.dim(2)};
        return s.toArray();
    }

    /** {x descriptor, per-channel descriptor} for one shape. */
    private static MemorySegment[] descriptors(DType dtype, Shape s) {
        int[] dims = cudnnDims(s);
        return DESCRIPTORS.computeIfAbsent(dtype + Arrays.toString(dims), k -> {
            Cudnn dnn = CudnnContext.dnn();
            MemorySegment x = dnn.tensorNd(CudnnContext.dataType(dtype), dims);
            return new MemorySegment[] {x, dnn.deriveBatchNormDescriptor(x, Cudnn.BATCHNORM_SPATIAL)};
        });
    }

    private static int[] channelShape(int rank, int c) {
        int[] d = new int[rank];
        Arrays.fill(d, 1);
        d[1] = c;
        return d;
    }

    /** Returns {y, x̂, μ, σ², invStd}, the last three (1, C, 1, …). */
    static Tensor[] forward(CudaBackend b, Tensor x, Tensor gammaOrNull, Tensor betaOrNull, double eps) {
        Tensor xd = CudaTensors.dense(b, x);
        int c = x.dim(1);
        Shape channel = Shape.of(channelShape(x.rank(), c));
        Tensor xhat = CudaTensors.empty(b, x.dtype(), x.shape());
        Tensor mean = CudaTensors.empty(b, x.dtype(), channel), invStd = CudaTensors.empty(b, x.dtype(), channel);
        Tensor ones = CudaTensors.empty(b, x.dtype(), channel), zeros = CudaTensors.zeros(b, x.dtype(), channel);
        b.fill(ones, 1);
        MemorySegment[] d = descriptors(x.dtype(), x.shape());
        CudnnContext.dnn().batchNormForwardTraining(CudnnContext.handle(), Cudnn.BATCHNORM_SPATIAL, CudnnContext.dataType(x.dtype()),
                d[0], CudaTensors.address(xd), d[0], CudaTensors.address(xhat), d[1], CudaTensors.address(ones),
                CudaTensors.address(zeros), 0, 0L, 0L, eps, CudaTensors.address(mean), CudaTensors.address(invStd));
        Reference.reachabilityFence(xd);
        Reference.reachabilityFence(ones);
        Reference.reachabilityFence(zeros);
        Tensor var = invStd.square().reciprocal().sub(eps);                        // σ² = invStd⁻² − ε
        Tensor y = xhat;
        if (gammaOrNull != null) y = y.mul(gammaOrNull.reshape(channelShape(x.rank(), c)));
        if (betaOrNull != null) y = y.add(betaOrNull.reshape(channelShape(x.rank(), c)));
        return new Tensor[] {y, xhat, mean, var, invStd};
    }

    /** Returns {gx (null unless needInputGrad), gγ, gβ}, the last two (1, C, 1, …). */
    static Tensor[] backward(CudaBackend b, Tensor g, Tensor xhat, Tensor invStd, Tensor gammaOrNull, boolean needInputGrad) {
        int c = g.dim(1);
        Shape channel = Shape.of(channelShape(g.rank(), c));
        Tensor gd = CudaTensors.dense(b, g), xd = CudaTensors.dense(b, xhat);
        Tensor scale = gammaOrNull == null ? invStd : invStd.mul(gammaOrNull.reshape(channelShape(g.rank(), c)));
        Tensor scaled = CudaTensors.dense(b, b.onDevice(scale));
        Tensor zeros = CudaTensors.zeros(b, g.dtype(), channel), ones = CudaTensors.empty(b, g.dtype(), channel);
        b.fill(ones, 1);
        Tensor gx = CudaTensors.empty(b, g.dtype(), g.shape());
        Tensor gGamma = CudaTensors.empty(b, g.dtype(), channel), gBeta = CudaTensors.empty(b, g.dtype(), channel);
        MemorySegment[] d = descriptors(g.dtype(), g.shape());
        CudnnContext.dnn().batchNormBackward(CudnnContext.handle(), Cudnn.BATCHNORM_SPATIAL, CudnnContext.dataType(g.dtype()),
                d[0], CudaTensors.address(xd), d[0], CudaTensors.address(gd), d[0], CudaTensors.address(gx), d[1],
                CudaTensors.address(scaled), CudaTensors.address(gGamma), CudaTensors.address(gBeta), false, MIN_EPSILON,
                CudaTensors.address(zeros), CudaTensors.address(ones));
        Reference.reachabilityFence(gd);
        Reference.reachabilityFence(xd);
        Reference.reachabilityFence(scaled);
        Reference.reachabilityFence(zeros);
        Reference.reachabilityFence(ones);
        return new Tensor[] {needInputGrad ? gx : null, gGamma, gBeta};
    }
}
