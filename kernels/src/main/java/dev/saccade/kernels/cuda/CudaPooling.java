package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.PoolParams;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pooling on (N, C, *spatial) with 1 to 3 spatial axes.
 *
 * <ul>
 *   <li>Max pooling runs our kernels (native/src/main/cuda/pool.cu), not cuDNN: the Backend contract returns the
 *       argmax (I32, flat index inside each (n, c) input plane, as PyTorch's {@code return_indices}) and
 *       cudnnPoolingForward gives none. The backward scatters gy to the argmax with atomicAdd, so forward and
 *       backward agree by construction and no input has to be kept.</li>
 *   <li>Average pooling (count_include_pad, floor mode) runs {@code cudnnPoolingForward} /
 *       {@code cudnnPoolingBackward} in {@code CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING} mode; 1-d runs as 2-d
 *       with H = 1. The backward API asks for x and y, which average pooling does not read: gy stands in for y and
 *       the zeroed gx for x.</li>
 *   <li>Adaptive average pooling runs our kernels (PyTorch's floor/ceil bins; the backward gathers per input
 *       element, no atomics).</li>
 * </ul>
 *
 * <pre>{@code
 * Tensor[] yAndArgmax = CudaPooling.maxPool(backend, x, PoolParams.uniform(2, 3, 2, 1));
 * }</pre>
 */
final class CudaPooling {
    private static final Map<String, MemorySegment[]> AVG_DESCRIPTORS = new ConcurrentHashMap<>();

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
                CudaTensors.address(xd), CudaTensors.address(y), CudaTensors.address(arg), planes(x.shape()));
        return new Tensor[] {y, arg};
    }

    static Tensor maxPoolBackward(CudaBackend backend, Tensor gy, Tensor argmax, Shape xShape, PoolParams p) {
        KernelDType dt = CudaTensors.kernelType(gy, "max pool backward");
        Tensor gx = CudaTensors.zeros(backend, gy.dtype(), xShape);
        if (gy.numel() == 0) return gx;
        Tensor gyd = CudaTensors.dense(backend, gy), ad = CudaTensors.dense(backend, backend.onDevice(argmax));
        if (ad.dtype() != DType.I32) throw new IllegalArgumentException("max pool backward: argmax must be I32, got " + ad.dtype());
        CudaModules.launch(dt.kernel("max_pool_backward"), LaunchConfig.elementwise(gy.numel()),
                window(xShape, spatial(gy.shape()), p), CudaTensors.address(gyd), CudaTensors.address(ad),
                CudaTensors.address(gx), planes(xShape));
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
                PoolWindow.of(spatial(x.shape()), outSize, ones, ones, zeros), CudaTensors.address(xd),
                CudaTensors.address(y), planes(x.shape()));
        return y;
    }

    static Tensor adaptiveAvgPoolBackward(CudaBackend backend, Tensor gy, Shape xShape) {
        KernelDType dt = CudaTensors.kernelType(gy, "adaptive avg pool backward");
        Tensor gx = CudaTensors.zeros(backend, gy.dtype(), xShape);
        if (gx.numel() == 0) return gx;
        Tensor gyd = CudaTensors.dense(backend, gy);
        int r = xShape.rank() - 2;
        int[] ones = new int[r], zeros = new int[r];
        Arrays.fill(ones, 1);
        CudaModules.launch(dt.kernel("adaptive_avg_pool_backward"), LaunchConfig.elementwise(xShape.numel()),
                PoolWindow.of(spatial(xShape), spatial(gy.shape()), ones, ones, zeros), CudaTensors.address(gyd),
                CudaTensors.address(gx), planes(xShape));
        return gx;
    }

    /** {pooling, x, y} descriptors for one average-pooling geometry (1-d lifted to 2-d with H = 1). */
    private static MemorySegment[] avgDescriptors(DType dtype, Shape xShape, int[] out, PoolParams p) {
        int r = p.spatialRank(), lift = r == 1 ? 1 : 0, sr = r + lift;
        int[] win = new int[sr], pad = new int[sr], stride = new int[sr], xd = new int[sr + 2], yd = new int[sr + 2];
        xd[0] = yd[0] = xShape.dim(0);
        xd[1] = yd[1] = xShape.dim(1);
        if (lift == 1) { win[0] = 1; stride[0] = 1; xd[2] = 1; yd[2] = 1; }
        for (int i = 0; i < r; i++) {
            win[lift + i] = p.kernel()[i];
            pad[lift + i] = p.padding()[i];
            stride[lift + i] = p.stride()[i];
            xd[2 + lift + i] = xShape.dim(2 + i);
            yd[2 + lift + i] = out[i];
        }
        String key = dtype + Arrays.toString(xd) + Arrays.toString(win) + Arrays.toString(pad) + Arrays.toString(stride);
        int dataType = CudnnContext.dataType(dtype);
        return AVG_DESCRIPTORS.computeIfAbsent(key, k -> {
            Cudnn dnn = CudnnContext.dnn();
            return new MemorySegment[] {
                    dnn.poolingNd(Cudnn.POOLING_AVERAGE_INCLUDE_PADDING, Cudnn.NOT_PROPAGATE_NAN, win, pad, stride),
                    dnn.tensorNd(dataType, xd), dnn.tensorNd(dataType, yd)};
        });
    }

    static Tensor avgPool(CudaBackend backend, Tensor x, PoolParams p) {
        int[] out = outSize(x.shape(), p);
        Shape ys = withSpatial(x.shape(), out);
        Tensor y = CudaTensors.empty(backend, x.dtype(), ys);
        if (ys.numel() == 0) return y;
        Tensor xd = CudaTensors.dense(backend, x);
        MemorySegment[] d = avgDescriptors(x.dtype(), x.shape(), out, p);
        CudnnContext.dnn().poolingForward(CudnnContext.handle(), d[0], CudnnContext.dataType(x.dtype()), 1, d[1],
                CudaTensors.address(xd), 0, d[2], CudaTensors.address(y));
        return y;
    }

    static Tensor avgPoolBackward(CudaBackend backend, Tensor gy, Shape xShape, PoolParams p) {
        Tensor gx = CudaTensors.zeros(backend, gy.dtype(), xShape);
        if (gy.numel() == 0) return gx;
        Tensor gyd = CudaTensors.dense(backend, gy);
        MemorySegment[] d = avgDescriptors(gy.dtype(), xShape, spatial(gy.shape()), p);
        long g = CudaTensors.address(gyd), dx = CudaTensors.address(gx);
        CudnnContext.dnn().poolingBackward(CudnnContext.handle(), d[0], CudnnContext.dataType(gy.dtype()), 1, d[2], g,
                d[2], g, d[1], dx, 0, d[1], dx);
        return gx;
    }
}
