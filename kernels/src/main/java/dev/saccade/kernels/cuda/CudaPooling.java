package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.PoolParams;
import java.util.Arrays;

/**
 * Pooling on (N, C, *spatial) with 1 to 3 spatial axes.
 *
 * All of it runs our kernels (native/src/main/cuda/pool.cu), not cuDNN, and every backward gathers per input
 * element in a fixed order (no atomics): two runs give the same bits, as the CPU backend does.
 *
 * <ul>
 *   <li>Max pooling: the Backend contract returns the argmax (I32, flat index inside each (n, c) input plane, as
 *       PyTorch's {@code return_indices}), which cudnnPoolingForward does not give. The backward sums, for each
 *       input element, gy over the output cells whose window holds it and whose argmax it is; forward and backward
 *       agree by construction and no input has to be kept.</li>
 *   <li>Average pooling: count_include_pad, floor mode (torch.nn.functional.avg_pool3d's defaults), divisor = the
 *       window clipped to [−pad, in + pad); the backward gathers gy / divisor over the covering windows.</li>
 *   <li>Adaptive average pooling: PyTorch's floor/ceil bins; the backward gathers likewise.</li>
 * </ul>
 *
 * <pre>{@code
 * Tensor[] yAndArgmax = CudaPooling.maxPool(backend, x, PoolParams.uniform(2, 3, 2, 1));
 * }</pre>
 */
final class CudaPooling {
    private CudaPooling() {}

    private static int[] spatial(Shape s) {
        int[] d = new int[s.rank() - 2];
        for (int i = 0; i < d.length; i++) d[i] = s.dim(i + 2);
        return d;
    }

    private static Shape withSpatial(Shape x, int[] out) {
        int[] d = new int[out.length + 2];
        d[0] = x.dim(0);
        d[1] = x.dim(1);
        System.arraycopy(out, 0, d, 2, out.length);
        return Shape.of(d);
    }

    private static int[] outSize(Shape x, PoolParams p) {
        int[] o = new int[p.spatialRank()];
        for (int i = 0; i < o.length; i++) o[i] = p.outputSize(i, x.dim(i + 2));
        return o;
    }

    private static PoolWindow window(Shape x, int[] out, PoolParams p) {
        return PoolWindow.of(spatial(x), out, p.kernel(), p.stride(), p.padding());
    }

    private static long planes(Shape x) { return (long) x.dim(0) * x.dim(1); }

    static Tensor[] maxPool(CudaBackend backend, Tensor x, PoolParams p) {
        KernelDType dt = CudaTensors.kernelType(x, "max pool");
        int[] out = outSize(x.shape(), p);
        Shape ys = withSpatial(x.shape(), out);
        Tensor y = CudaTensors.empty(backend, x.dtype(), ys), arg = CudaTensors.empty(backend, DType.I32, ys);
        if (ys.numel() == 0) return new Tensor[] {y, arg};
        Tensor xd = CudaTensors.dense(backend, x);
        CudaModules.launch(dt.kernel("max_pool"), LaunchConfig.elementwise(ys.numel()), window(x.shape(), out, p),
                xd, y, arg, planes(x.shape()));
        return new Tensor[] {y, arg};
    }

    static Tensor maxPoolBackward(CudaBackend backend, Tensor gy, Tensor argmax, Shape xShape, PoolParams p) {
        KernelDType dt = CudaTensors.kernelType(gy, "max pool backward");
        Tensor gx = CudaTensors.empty(backend, gy.dtype(), xShape);   // (N, C, *in), every element written
        if (gx.numel() == 0) return gx;
        if (gy.numel() == 0) { backend.fill(gx, 0); return gx; }
        if (argmax.dtype() != DType.I32) throw new IllegalArgumentException("max pool backward: argmax must be I32, got " + argmax.dtype());
        Tensor gyd = CudaTensors.dense(backend, gy), ad = CudaTensors.dense(backend, backend.onDevice(argmax));
        CudaModules.launch(dt.kernel("max_pool_backward"), LaunchConfig.elementwise(xShape.numel()),
                window(xShape, spatial(gy.shape()), p), gyd, ad,
                gx, planes(xShape));
        return gx;
    }

    static Tensor adaptiveAvgPool(CudaBackend backend, Tensor x, int[] outSize) {
        KernelDType dt = CudaTensors.kernelType(x, "adaptive avg pool");
        Shape ys = withSpatial(x.shape(), outSize);
        Tensor y = CudaTensors.empty(backend, x.dtype(), ys);
        if (ys.numel() == 0) return y;
        Tensor xd = CudaTensors.dense(backend, x);
        int r = outSize.length;
        int[] ones = new int[r], zeros = new int[r];
        Arrays.fill(ones, 1);
        CudaModules.launch(dt.kernel("adaptive_avg_pool"), LaunchConfig.elementwise(ys.numel()),
                PoolWindow.of(spatial(x.shape()), outSize, ones, ones, zeros), xd,
                y, planes(x.shape()));
        return y;
    }

    static Tensor adaptiveAvgPoolBackward(CudaBackend backend, Tensor gy, Shape xShape) {
        KernelDType dt = CudaTensors.kernelType(gy, "adaptive avg pool backward");
        Tensor gx = CudaTensors.empty(backend, gy.dtype(), xShape);   // every element written
        if (gx.numel() == 0) return gx;
        Tensor gyd = CudaTensors.dense(backend, gy);
        int r = xShape.rank() - 2;
        int[] ones = new int[r], zeros = new int[r];
        Arrays.fill(ones, 1);
        CudaModules.launch(dt.kernel("adaptive_avg_pool_backward"), LaunchConfig.elementwise(xShape.numel()),
                PoolWindow.of(spatial(xShape), spatial(gy.shape()), ones, ones, zeros), gyd,
                gx, planes(xShape));
        return gx;
    }

    static Tensor avgPool(CudaBackend backend, Tensor x, PoolParams p) {
        KernelDType dt = CudaTensors.kernelType(x, "avg pool");
        int[] out = outSize(x.shape(), p);
        Shape ys = withSpatial(x.shape(), out);
        Tensor y = CudaTensors.empty(backend, x.dtype(), ys);   // (N, C, *out)
        if (ys.numel() == 0) return y;
        Tensor xd = CudaTensors.dense(backend, x);
        CudaModules.launch(dt.kernel("avg_pool"), LaunchConfig.elementwise(ys.numel()), window(x.shape(), out, p), xd, y,
                planes(x.shape()));
        return y;
    }

    static Tensor avgPoolBackward(CudaBackend backend, Tensor gy, Shape xShape, PoolParams p) {
        KernelDType dt = CudaTensors.kernelType(gy, "avg pool backward");
        Tensor gx = CudaTensors.empty(backend, gy.dtype(), xShape);   // (N, C, *in), every element written
        if (gx.numel() == 0) return gx;
        if (gy.numel() == 0) { backend.fill(gx, 0); return gx; }
        Tensor gyd = CudaTensors.dense(backend, gy);
        CudaModules.launch(dt.kernel("avg_pool_backward"), LaunchConfig.elementwise(xShape.numel()),
                window(xShape, spatial(gy.shape()), p), gyd, gx, planes(xShape));
        return gx;
    }
}
