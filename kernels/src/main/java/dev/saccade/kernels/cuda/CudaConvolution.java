package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvParams;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Convolution forward, backward-data and backward-filter on cuDNN (cross-correlation, as torch.nn.functional.conv1d/
 * conv2d/conv3d), for packed NCHW / NCDHW tensors with grouped (C_out, C_in/groups, *kernel) filters. A 1-d
 * convolution runs as a 2-d one with H = 1 (kernel 1, stride 1, padding 0, dilation 1 on H).
 *
 * <p>One {@link Plan} per geometry (dtype, input and filter dims, stride, padding, dilation, groups) holds the
 * descriptors and, once asked for, each direction's candidate algorithms ({@link CudnnAlgorithms}): cuDNN's
 * heuristic ranking ({@code cudnnGet*Algorithm_v7}), or with {@code -Dsaccade.cuda.cudnnFind=true} the forward
 * ranking measured by {@code cudnnFindConvolutionForwardAlgorithm}. Each call sets the math type the algorithm came
 * with, takes its workspace from {@link CudnnContext#workspace} first and only then the operands' addresses, and
 * falls back to the next candidate when an algorithm is not supported or its workspace cannot be had; the one that
 * ran is tried first next time. Operands stay reachable until the call has been queued
 * ({@link Reference#reachabilityFence}).
 *
 * <pre>{@code
 * Tensor y = CudaConvolution.forward(backend, x, w, bias, ConvParams.uniform(2, 1, 1, 1, 1));
 * }</pre>
 */
final class CudaConvolution {
    private static final Map<String, Plan> PLANS = new ConcurrentHashMap<>();

    private CudaConvolution() {}

    /** The three directions of a convolution. */
    private enum Direction { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    /** One direction's candidates, the one that last ran, and the workspace each needs (queried once). */
    private static final class Choice {
        final List<CudnnAlgorithms.Candidate> candidates;
        final Map<Integer, Long> workspace = new ConcurrentHashMap<>();
        volatile int preferred;

        Choice(List<CudnnAlgorithms.Candidate> candidates) { this.candidates = candidates; }
    }

    /** Descriptors and chosen algorithms of one geometry. */
    private static final class Plan {
        final MemorySegment x, w, y, conv;
        final int dataType;
        private final Map<Direction, Choice> choices = new ConcurrentHashMap<>();

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

        Choice choice(Direction d) {
            return choices.computeIfAbsent(d, k -> {
                Cudnn dnn = CudnnContext.dnn();
                MemorySegment h = CudnnContext.handle();
                // Ranking queries run with the requested math type on the descriptor.
                dnn.setConvolutionMathType(conv, CudnnContext.mathType());
                Cudnn.AlgoPerf[] ranking = switch (d) {
                    case FORWARD -> Boolean.getBoolean("saccade.cuda.cudnnFind")
                            ? CollectAndRetry.run(() -> dnn.findConvolutionForwardAlgorithms(h, x, w, conv, y))
                            : dnn.convolutionForwardAlgorithms(h, x, w, conv, y);
                    case BACKWARD_DATA -> dnn.convolutionBackwardDataAlgorithms(h, w, y, conv, x);
                    case BACKWARD_FILTER -> dnn.convolutionBackwardFilterAlgorithms(h, x, y, conv, w);
                };
                return new Choice(CudnnAlgorithms.usable(ranking, CudnnContext.tf32()));
            });
        }

        long workspaceBytes(Direction d, Choice c, int algo) {
            return c.workspace.computeIfAbsent(algo, a -> {
                Cudnn dnn = CudnnContext.dnn();
                MemorySegment h = CudnnContext.handle();
                return switch (d) {
                    case FORWARD -> dnn.convolutionForwardWorkspace(h, x, w, conv, y, a);
                    case BACKWARD_DATA -> dnn.convolutionBackwardDataWorkspace(h, w, y, conv, x, a);
                    case BACKWARD_FILTER -> dnn.convolutionBackwardFilterWorkspace(h, x, y, conv, w, a);
                };
            });
        }
    }

    /** What one direction's cuDNN call does once its algorithm, math type and workspace are set. */
    @FunctionalInterface
    private interface Call {
        void run(int algo, long workspace, long workspaceBytes);
    }

    /**
     * Runs one direction: candidates in order from the preferred one, each with its math type set and its workspace
     * allocated before {@code call} takes the operands' addresses; when no candidate could get its workspace, collects
     * garbage once and tries them all again.
     */
    private static void run(Plan plan, Direction d, String what, Call call) {
        Choice choice = plan.choice(d);
        CudnnAlgorithms.Attempt attempt = c -> {
            long bytes = plan.workspaceBytes(d, choice, c.algo());
            long workspace = CudnnContext.workspace(bytes);        // first: it may allocate
            CudnnContext.dnn().setConvolutionMathType(plan.conv, c.mathType());
            call.run(c.algo(), workspace, bytes);
        };
        int ran;
        try {
            ran = CudnnAlgorithms.runFirstWorking(what, choice.candidates, choice.preferred, attempt);
        } catch (CudaException e) {
            if (!(e.getCause() instanceof CudaException last) || !CollectAndRetry.isOutOfMemory(last)) throw e;
            CollectAndRetry.collect();
            ran = CudnnAlgorithms.runFirstWorking(what, choice.candidates, choice.preferred, attempt);
        }
        choice.preferred = ran;
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
        run(plan, Direction.FORWARD, "cuDNN convolution forward " + x.shape() + " * " + w.shape(), (algo, ws, wsBytes) ->
                CudnnContext.dnn().convolutionForward(CudnnContext.handle(), plan.dataType, 1, plan.x, CudaTensors.address(xd),
                        plan.w, CudaTensors.address(wd), plan.conv, algo, ws, wsBytes, 0, plan.y, CudaTensors.address(y)));
        Reference.reachabilityFence(xd);
        Reference.reachabilityFence(wd);
        if (biasOrNull != null) {
            // y[n, c, ...] += bias[c]: the bias seen as (N, C_out, *out) with stride 1 on C and 0 elsewhere.
            int[] strides = new int[ys.rank()];
            strides[1] = biasOrNull.layout().stride(0);
            CudaModules.launch(CudaTensors.kernelType(y, "conv bias").kernel("axpy"), LaunchConfig.elementwise(ys.numel()),
                    CudaTensors.layout(ys.toArray(), strides), biasOrNull, CudaTensors.layout(y), y, (long) ys.numel(), 1.0);
        }
        return y;
    }

    static Tensor backwardData(CudaBackend backend, Tensor gy, Tensor w, Shape xShape, ConvParams p) {
        Tensor gx = CudaTensors.empty(backend, gy.dtype(), xShape);   // (N, C_in, *in), written with β = 0
        if (gx.numel() == 0) return gx;
        if (gy.numel() == 0) { backend.fill(gx, 0); return gx; }
        Tensor gyd = CudaTensors.dense(backend, gy), wd = CudaTensors.dense(backend, w);
        Plan plan = plan(gy.dtype(), xShape, w.shape(), p);
        run(plan, Direction.BACKWARD_DATA, "cuDNN convolution backward data " + gy.shape() + " * " + w.shape(), (algo, ws, wsBytes) ->
                CudnnContext.dnn().convolutionBackwardData(CudnnContext.handle(), plan.dataType, 1, plan.w, CudaTensors.address(wd),
                        plan.y, CudaTensors.address(gyd), plan.conv, algo, ws, wsBytes, 0, plan.x, CudaTensors.address(gx)));
        Reference.reachabilityFence(gyd);
        Reference.reachabilityFence(wd);
        return gx;
    }

    static Tensor backwardFilter(CudaBackend backend, Tensor x, Tensor gy, Shape wShape, ConvParams p) {
        Tensor gw = CudaTensors.empty(backend, gy.dtype(), wShape);   // (C_out, C_in/groups, *kernel), written with β = 0
        if (gw.numel() == 0) return gw;
        if (gy.numel() == 0 || x.numel() == 0) { backend.fill(gw, 0); return gw; }
        Tensor xd = CudaTensors.dense(backend, x), gyd = CudaTensors.dense(backend, gy);
        Plan plan = plan(gy.dtype(), x.shape(), wShape, p);
        run(plan, Direction.BACKWARD_FILTER, "cuDNN convolution backward filter " + x.shape() + ", " + gy.shape(), (algo, ws, wsBytes) ->
                CudnnContext.dnn().convolutionBackwardFilter(CudnnContext.handle(), plan.dataType, 1, plan.x, CudaTensors.address(xd),
                        plan.y, CudaTensors.address(gyd), plan.conv, algo, ws, wsBytes, 0, plan.w, CudaTensors.address(gw)));
        Reference.reachabilityFence(xd);
        Reference.reachabilityFence(gyd);
        return gw;
    }
}
