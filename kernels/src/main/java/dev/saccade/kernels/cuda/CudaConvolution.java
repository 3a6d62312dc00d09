package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvParams;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Convolution forward, backward-data and backward-filter on cuDNN (cross-correlation, as torch.nn.functional.conv1d/
 * conv2d/conv3d), for packed NCHW / NCDHW tensors with grouped (C_out, C_in/groups, *kernel) filters. A 1-d
 * convolution runs as a 2-d one with H = 1 (kernel 1, stride 1, padding 0, dilation 1 on H).
 *
 * <p>One {@link Plan} per geometry (dtype, input and filter dims, stride, padding, dilation, groups) holds the
 * descriptors and, once asked for, each direction's algorithm and workspace size: the algorithm is the first
 * usable entry of cuDNN's heuristic ranking ({@code cudnnGet*Algorithm_v7}), or with
 * {@code -Dsaccade.cuda.cudnnFind=true} the fastest measured by {@code cudnnFindConvolutionForwardAlgorithm} for the
 * forward direction. Workspace comes from {@link CudnnContext#workspace}.
 *
 * <pre>{@code
 * Tensor y = CudaConvolution.forward(backend, x, w, bias, ConvParams.uniform(2, 1, 1, 1, 1));
 * }</pre>
 */
final class CudaConvolution {
    private static final Map<String, Plan> PLANS = new ConcurrentHashMap<>();

    private CudaConvolution() {}

    /** Descriptors and chosen algorithms of one geometry. */
    private static final class Plan {
        final MemorySegment x, w, y, conv;
        final int dataType;
        int forwardAlgo = -1, dataAlgo = -1, filterAlgo = -1;
        long forwardWs, dataWs, filterWs;

        Plan(int dataType, int[] xDims, int[] wDims, int[] yDims, int[] pad, int[] stride, int[] dilation, int groups) {
            Cudnn dnn = CudnnContext.dnn();
            this.dataType = dataType;
            x = dnn.tensorNd(dataType, xDims);
            w = dnn.filterNd(dataType, wDims);
            conv = dnn.convolutionNd(pad, stride, dilation, groups, dataType, CudnnContext.mathType());
            int[] computed = dnn.convolutionForwardOutputDim(conv, x, w, xDims.length);
            if (!Arrays.equals(computed, yDims))
                throw new IllegalStateException("cuDNN output dims " + Arrays.toString(computed) + " differ from the expected "
                        + Arrays.toString(yDims) + " for input " + Arrays.toString(xDims) + ", filter " + Arrays.toString(wDims));
            y = dnn.tensorNd(dataType, yDims);
        }

        synchronized void chooseForward() {
            if (forwardAlgo >= 0) return;
            Cudnn dnn = CudnnContext.dnn();
            MemorySegment h = CudnnContext.handle();
            if (Boolean.getBoolean("saccade.cuda.cudnnFind")) {
                for (Cudnn.AlgoPerf p : dnn.findConvolutionForwardAlgorithms(h, x, w, conv, y)) {
                    if (p.status() == 0) { forwardAlgo = p.algo(); break; }
                }
            }
            if (forwardAlgo < 0) forwardAlgo = dnn.convolutionForwardAlgorithm(h, x, w, conv, y);
            forwardWs = dnn.convolutionForwardWorkspace(h, x, w, conv, y, forwardAlgo);
        }

        synchronized void chooseData() {
            if (dataAlgo >= 0) return;
            Cudnn dnn = CudnnContext.dnn();
            MemorySegment h = CudnnContext.handle();
            dataAlgo = dnn.convolutionBackwardDataAlgorithm(h, w, y, conv, x);
            dataWs = dnn.convolutionBackwardDataWorkspace(h, w, y, conv, x, dataAlgo);
        }

        synchronized void chooseFilter() {
            if (filterAlgo >= 0) return;
            Cudnn dnn = CudnnContext.dnn();
            MemorySegment h = CudnnContext.handle();
            filterAlgo = dnn.convolutionBackwardFilterAlgorithm(h, x, y, conv, w);
            filterWs = dnn.convolutionBackwardFilterWorkspace(h, x, y, conv, w, filterAlgo);
        }
    }

    /** Input, filter and output dims as cuDNN sees them (1-d lifted to 2-d) plus pad/stride/dilation. */
    private static Plan plan(DType dtype, Shape xShape, Shape wShape, ConvParams p) {
        int r = p.spatialRank();
        if (r < 1 || r > 3) throw new IllegalArgumentException("CUDA conv: 1, 2 or 3 spatial axes, got " + r);
        int lift = r == 1 ? 1 : 0, sr = r + lift;
        int[] xd = new int[sr + 2], wd = new int[sr + 2], yd = new int[sr + 2];
        int[] pad = new int[sr], stride = new int[sr], dil = new int[sr];
        xd[0] = xShape.dim(0); xd[1] = xShape.dim(1);
        wd[0] = wShape.dim(0); wd[1] = wShape.dim(1);
        yd[0] = xShape.dim(0); yd[1] = wShape.dim(0);
        if (lift == 1) { xd[2] = 1; wd[2] = 1; yd[2] = 1; pad[0] = 0; stride[0] = 1; dil[0] = 1; }
        for (int i = 0; i < r; i++) {
            int in = xShape.dim(2 + i), k = wShape.dim(2 + i);
            xd[2 + lift + i] = in;
            wd[2 + lift + i] = k;
            yd[2 + lift + i] = p.outputSize(i, in, k);
            pad[lift + i] = p.padding()[i];
            stride[lift + i] = p.stride()[i];
            dil[lift + i] = p.dilation()[i];
        }
        String key = dtype + Arrays.toString(xd) + Arrays.toString(wd) + p;
        int dataType = CudnnContext.dataType(dtype);
        return PLANS.computeIfAbsent(key, k -> new Plan(dataType, xd, wd, yd, pad, stride, dil, p.groups()));
    }

    private static Shape outputShape(Shape x, Shape w, ConvParams p) {
        int[] d = new int[x.rank()];
        d[0] = x.dim(0);
        d[1] = w.dim(0);
        for (int i = 0; i < p.spatialRank(); i++) d[2 + i] = p.outputSize(i, x.dim(2 + i), w.dim(2 + i));
        return Shape.of(d);
    }

    static Tensor forward(CudaBackend backend, Tensor x, Tensor w, Tensor biasOrNull, ConvParams p) {
        Shape ys = outputShape(x.shape(), w.shape(), p);
        Tensor y = CudaTensors.empty(backend, x.dtype(), ys);   // (N, C_out, *out)
        if (ys.numel() == 0) return y;
        Tensor xd = CudaTensors.dense(backend, x), wd = CudaTensors.dense(backend, w);
        Plan plan = plan(x.dtype(), x.shape(), w.shape(), p);
        plan.chooseForward();
        CudnnContext.dnn().convolutionForward(CudnnContext.handle(), plan.dataType, 1, plan.x, CudaTensors.address(xd),
                plan.w, CudaTensors.address(wd), plan.conv, plan.forwardAlgo, CudnnContext.workspace(plan.forwardWs),
                plan.forwardWs, 0, plan.y, CudaTensors.address(y));
        if (biasOrNull != null) {
            // y[n, c, ...] += bias[c]: the bias seen as (N, C_out, *out) with stride 1 on C and 0 elsewhere.
            int[] strides = new int[ys.rank()];
            strides[1] = biasOrNull.layout().stride(0);
            Tensor b = biasOrNull;
            CudaModules.launch(CudaTensors.kernelType(y, "conv bias").kernel("axpy"), LaunchConfig.elementwise(ys.numel()),
                    CudaTensors.layout(ys.toArray(), strides), CudaTensors.address(b), CudaTensors.layout(y),
                    CudaTensors.address(y), (long) ys.numel(), 1.0);
        }
        return y;
    }

    static Tensor backwardData(CudaBackend backend, Tensor gy, Tensor w, Shape xShape, ConvParams p) {
        Tensor gx = CudaTensors.zeros(backend, gy.dtype(), xShape);   // (N, C_in, *in)
        if (gy.numel() == 0) return gx;
        Tensor gyd = CudaTensors.dense(backend, gy), wd = CudaTensors.dense(backend, w);
        Plan plan = plan(gy.dtype(), xShape, w.shape(), p);
        plan.chooseData();
        CudnnContext.dnn().convolutionBackwardData(CudnnContext.handle(), plan.dataType, 1, plan.w, CudaTensors.address(wd),
                plan.y, CudaTensors.address(gyd), plan.conv, plan.dataAlgo, CudnnContext.workspace(plan.dataWs),
                plan.dataWs, 0, plan.x, CudaTensors.address(gx));
        return gx;
    }

    static Tensor backwardFilter(CudaBackend backend, Tensor x, Tensor gy, Shape wShape, ConvParams p) {
        Tensor gw = CudaTensors.zeros(backend, gy.dtype(), wShape);   // (C_out, C_in/groups, *kernel)
        if (gy.numel() == 0) return gw;
        Tensor xd = CudaTensors.dense(backend, x), gyd = CudaTensors.dense(backend, gy);
        Plan plan = plan(gy.dtype(), x.shape(), wShape, p);
        plan.chooseFilter();
        CudnnContext.dnn().convolutionBackwardFilter(CudnnContext.handle(), plan.dataType, 1, plan.x, CudaTensors.address(xd),
                plan.y, CudaTensors.address(gyd), plan.conv, plan.filterAlgo, CudnnContext.workspace(plan.filterWs),
                plan.filterWs, 0, plan.w, CudaTensors.address(gw));
        return gw;
    }
}
