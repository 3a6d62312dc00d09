package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.saccade.kernels.cpu.CpuBackend;
import dev.saccade.tensor.Backend;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Storage;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AvgMaxPool;
import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.PoolParams;
import dev.saccade.tensor.ops.ReduceOp;
import dev.saccade.tensor.ops.UnaryOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.function.Function;

/**
 * The CUDA backend on device {@code cuda:0}: storage in device memory from the caching allocator, elementwise,
 * reduction, softmax, indexing, pooling and temporal primitives on saccade's kernels (native/src/main/cuda),
 * matmul on cuBLAS ({@link CudaMatmul}), convolution and average pooling on cuDNN ({@link CudaConvolution},
 * {@link CudaPooling}). Everything runs on the legacy default stream; downloads synchronise.
 *
 * <p>Chosen over the CPU (priority 10 vs 0) whenever {@link Cuda#available()}; constructing it touches no native
 * code, so on a machine without a GPU it is simply unavailable and {@link #unavailableReason()} says why.
 * Integer tensors (labels, indices) take a host round trip for the arithmetic primitives that have no integer
 * kernels (unary, binary, reduce, argReduce, axpy, indexAdd, scatterAdd); copies, fills, casts, index_select and
 * gather of integers run on the device.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(rng, 8, 3, 224, 224).to(Device.cuda(0));
 * Tensor y = x.relu();                                 // runs relu_f32
 * float[] back = y.toFloatArray();                     // synchronous download
 * }</pre>
 */
public final class CudaBackend implements Backend {
    private final CpuBackend host = new CpuBackend();

    @Override public String name() { return "cuda"; }
    @Override public Device device() { return Device.cuda(0); }
    @Override public int priority() { return 10; }
    @Override public boolean isAvailable() { return Cuda.available(); }
    @Override public String unavailableReason() { return Cuda.unavailableReason(); }

    // ------------------------------------------------------------------ helpers

    /** {@code t} itself when on CUDA, else an uploaded contiguous copy. */
    Tensor onDevice(Tensor t) {
        if (t.storage() instanceof CudaStorage) return t;
        Tensor c = t.contiguous();
        return Tensor.wrap(upload(c.toHost()), c.shape(), this);
    }

    /** The same view over a host copy of the whole storage, on the CPU backend. */
    private Tensor onHost(Tensor t) {
        if (!(t.storage() instanceof CudaStorage)) return t;
        return Tensor.wrap(download(t.storage()), t.layout(), host);
    }

    /** Uploads a CPU result. */
    private Tensor fromHost(Tensor t) {
        Tensor c = t.contiguousFromZero();
        HostStorage h = (HostStorage) c.storage();
        return Tensor.wrap(upload(h), c.shape(), this);
    }

    private Tensor viaHost(Function<CpuBackend, Tensor> op) { return fromHost(op.apply(host)); }

    private static Tensor empty(CudaBackend b, DType d, Shape s) { return CudaTensors.empty(b, d, s); }

    /** Launches a grid-stride kernel over n > 0 items (callers return early on empty tensors, before building layouts). */
    private static void launch(String kernel, long n, Object... args) {
        CudaModules.launch(kernel, LaunchConfig.elementwise(n), args);
    }

    // ------------------------------------------------------------------ memory

    @Override public Storage allocate(DType dtype, int length) { return CudaStorage.allocate(dtype, length); }

    @Override public Storage upload(HostStorage h) {
        CudaStorage s = CudaStorage.uninitialised(h.dtype(), h.length());
        if (h.length() == 0) return s;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = switch (h.dtype()) {
                case F32 -> arena.allocateFrom(JAVA_FLOAT, h.floats());
                case F64 -> arena.allocateFrom(JAVA_DOUBLE, h.doubles());
                case I32 -> arena.allocateFrom(JAVA_INT, h.ints());
                case I64 -> arena.allocateFrom(JAVA_LONG, h.longs());
            };
            s.buffer().copyFrom(seg);
        }
        Reference.reachabilityFence(s);
        return s;
    }

    @Override public HostStorage download(Storage storage) {
        if (!(storage instanceof CudaStorage s)) throw new IllegalArgumentException("CUDA download of a " + storage.device() + " storage");
        HostStorage h = HostStorage.allocate(s.dtype(), s.length());
        if (s.length() == 0) return h;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate((long) s.length() * s.dtype().bytes(), 8);
            s.buffer().copyTo(seg);
            switch (s.dtype()) {
                case F32 -> MemorySegment.copy(seg, JAVA_FLOAT, 0, h.floats(), 0, s.length());
                case F64 -> MemorySegment.copy(seg, JAVA_DOUBLE, 0, h.doubles(), 0, s.length());
                case I32 -> MemorySegment.copy(seg, JAVA_INT, 0, h.ints(), 0, s.length());
                case I64 -> MemorySegment.copy(seg, JAVA_LONG, 0, h.longs(), 0, s.length());
            }
        } finally {
            Reference.reachabilityFence(s);   // its cleaner must not release the block during the copy
        }
        return h;
    }

    @Override public void copy(Tensor src, Tensor dst) { CudaTensors.convert(onDevice(src), dst); }

    @Override public void fill(Tensor dst, double value) {
        if (dst.numel() == 0) return;   // StridedLayout has no size-0 axes: nothing to build, nothing to launch
        launch("fill_" + CudaTensors.suffix(dst.dtype()), dst.numel(), CudaTensors.layout(dst), dst,
                (long) dst.numel(), value);
    }

    // ------------------------------------------------------------------ elementwise

    @Override public Tensor unary(UnaryOp op, Tensor x, double alpha) {
        if (!x.dtype().isFloating()) return viaHost(h -> h.unary(op, onHost(x), alpha));
        KernelDType dt = CudaTensors.kernelType(x, op.kernelName());
        Tensor y = empty(this, x.dtype(), x.shape());
        long n = x.numel();
        if (n == 0) return y;
        launch(ElementwiseKernels.unaryKernel(op, dt), n, CudaTensors.layout(x), x, y, n, alpha);
        return y;
    }

    @Override public Tensor unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, double alpha) {
        if (!gy.dtype().isFloating()) return viaHost(h -> h.unaryBackward(op, onHost(x), onHost(y), onHost(gy), alpha));
        KernelDType dt = CudaTensors.kernelType(gy, op.kernelName() + " backward");
        Tensor xd = CudaTensors.dense(this, onDevice(x)), yd = CudaTensors.dense(this, onDevice(y)),
                gyd = CudaTensors.dense(this, onDevice(gy));
        Tensor gx = empty(this, gy.dtype(), gy.shape());
        long n = gy.numel();
        if (n == 0) return gx;
        launch(ElementwiseKernels.unaryBackwardKernel(op, dt), n, xd, yd, gyd, gx, n, alpha);
        return gx;
    }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        if (!a.dtype().isFloating() || a.dtype() != b.dtype()) return viaHost(h -> h.binary(op, onHost(a), onHost(b)));
        KernelDType dt = CudaTensors.kernelType(a, op.kernelName());
        Tensor ad = onDevice(a), bd = onDevice(b);
        Tensor out = empty(this, a.dtype(), a.shape());
        long n = out.numel();
        if (n == 0) return out;
        launch(ElementwiseKernels.binaryKernel(op, dt), n, CudaTensors.broadcast(ad, bd), ad, bd,
                out, n);
        return out;
    }

    @Override public void axpy(double alpha, Tensor src, Tensor dst) {
        if (dst.numel() == 0) return;
        if (!dst.dtype().isFloating()) {
            Tensor h = onHost(dst);
            host.axpy(alpha, onHost(src), h);
            CudaStorage s = CudaTensors.storage(dst);
            CudaStorage back = (CudaStorage) upload((HostStorage) h.storage());
            s.buffer().copyFrom(back.buffer(), (long) s.length() * s.dtype().bytes());
            Reference.reachabilityFence(s);
            Reference.reachabilityFence(back);
            return;
        }
        Tensor s = onDevice(src);
        if (s.dtype() != dst.dtype()) s = s.to(dst.dtype());
        KernelDType dt = CudaTensors.kernelType(dst, "axpy");
        launch(dt.kernel("axpy"), dst.numel(), CudaTensors.layout(s), s, CudaTensors.layout(dst),
                dst, (long) dst.numel(), alpha);
    }

    // ------------------------------------------------------------------ reductions

    @Override public Tensor reduce(ReduceOp op, Tensor x, int[] axes) {
        if (!x.dtype().isFloating()) return viaHost(h -> h.reduce(op, onHost(x), axes));
        return CudaReduce.reduce(this, op, onDevice(x), axes);
    }

    @Override public Tensor argReduce(ReduceOp op, Tensor x, int axis) {
        if (!x.dtype().isFloating()) return viaHost(h -> h.argReduce(op, onHost(x), axis));
        return CudaReduce.argReduce(this, op, onDevice(x), axis);
    }

    @Override public Tensor softmax(Tensor x, boolean log) {
        KernelDType dt = CudaTensors.kernelType(x, "softmax");
        Tensor xd = CudaTensors.dense(this, onDevice(x));
        Tensor y = empty(this, x.dtype(), x.shape());
        if (x.numel() == 0) return y;
        long cols = x.dim(-1), rows = x.numel() / cols;
        RowKernels.softmax(dt, CudaTensors.buffer(xd), CudaTensors.buffer(y), rows, cols, log);
        return y;
    }

    @Override public Tensor softmaxBackward(Tensor y, Tensor gy, boolean log) {
        KernelDType dt = CudaTensors.kernelType(gy, "softmax backward");
        Tensor yd = CudaTensors.dense(this, onDevice(y)), gyd = CudaTensors.dense(this, onDevice(gy));
        Tensor gx = empty(this, gy.dtype(), gy.shape());
        if (gy.numel() == 0) return gx;
        long cols = gy.dim(-1), rows = gy.numel() / cols;
        RowKernels.softmaxBackward(dt, CudaTensors.buffer(yd), CudaTensors.buffer(gyd), CudaTensors.buffer(gx), rows, cols, log);
        return gx;
    }

    // ------------------------------------------------------------------ linear algebra

    @Override public Tensor matmul(Tensor a, Tensor b) { return CudaMatmul.matmul(this, onDevice(a), onDevice(b)); }

    // ------------------------------------------------------------------ convolution and pooling

    @Override public Tensor conv(Tensor x, Tensor w, Tensor biasOrNull, ConvParams p) {
        return CudaConvolution.forward(this, onDevice(x), onDevice(w), biasOrNull == null ? null : onDevice(biasOrNull), p);
    }

    @Override public Tensor convBackwardData(Tensor gy, Tensor w, Shape xShape, ConvParams p) {
        return CudaConvolution.backwardData(this, onDevice(gy), onDevice(w), xShape, p);
    }

    @Override public Tensor convBackwardFilter(Tensor x, Tensor gy, Shape wShape, ConvParams p) {
        return CudaConvolution.backwardFilter(this, onDevice(x), onDevice(gy), wShape, p);
    }

    @Override public Tensor[] maxPool(Tensor x, PoolParams p) { return CudaPooling.maxPool(this, onDevice(x), p); }

    @Override public Tensor maxPoolBackward(Tensor gy, Tensor argmax, Shape xShape, PoolParams p) {
        return CudaPooling.maxPoolBackward(this, onDevice(gy), argmax, xShape, p);
    }

    @Override public Tensor avgPool(Tensor x, PoolParams p) { return CudaPooling.avgPool(this, onDevice(x), p); }

    @Override public Tensor avgPoolBackward(Tensor gy, Shape xShape, PoolParams p) {
        return CudaPooling.avgPoolBackward(this, onDevice(gy), xShape, p);
    }

    @Override public Tensor adaptiveAvgPool(Tensor x, int[] outSize) { return CudaPooling.adaptiveAvgPool(this, onDevice(x), outSize); }

    @Override public Tensor adaptiveAvgPoolBackward(Tensor gy, Shape xShape) {
        return CudaPooling.adaptiveAvgPoolBackward(this, onDevice(gy), xShape);
    }

    // ------------------------------------------------------------------ normalisation

    /** Batch-norm forward on cuDNN ({@link CudaBatchNorm}); the composed default for integer or empty inputs or ε < 1e-5. */
    @Override public Tensor[] batchNormTraining(Tensor x, Tensor gammaOrNull, Tensor betaOrNull, double eps) {
        if (!x.dtype().isFloating() || x.numel() == 0 || eps < CudaBatchNorm.MIN_EPSILON || x.rank() < 2 || x.rank() > 5)
            return Backend.super.batchNormTraining(x, gammaOrNull, betaOrNull, eps);
        return CudaBatchNorm.forward(this, onDevice(x), gammaOrNull, betaOrNull, eps);
    }

    /** Batch-norm backward on cuDNN ({@link CudaBatchNorm}); the composed default for integer or empty inputs. */
    @Override public Tensor[] batchNormTrainingBackward(Tensor g, Tensor xhat, Tensor invStd, Tensor gammaOrNull,
                                                        boolean needInputGrad) {
        if (!g.dtype().isFloating() || g.numel() == 0 || g.rank() < 2 || g.rank() > 5)
            return Backend.super.batchNormTrainingBackward(g, xhat, invStd, gammaOrNull, needInputGrad);
        return CudaBatchNorm.backward(this, onDevice(g), onDevice(xhat), onDevice(invStd), gammaOrNull, needInputGrad);
    }

    // ------------------------------------------------------------------ temporal, on (N·T, C, H, W)

    @Override public Tensor temporalShift(Tensor x, int frames, int foldDiv, boolean inverse) {
        return CudaTemporal.shift(this, onDevice(x), frames, foldDiv, inverse);
    }

    @Override public Tensor frameDifferenceM2a(Tensor x, int frames) { return CudaTemporal.m2a(this, onDevice(x), frames, false); }

    @Override public Tensor frameDifferenceM2aBackward(Tensor gy, int frames) { return CudaTemporal.m2a(this, onDevice(gy), frames, true); }

    @Override public Tensor frameDifferenceAction(Tensor a, Tensor b, int frames) {
        return CudaTemporal.action(this, onDevice(a), onDevice(b), frames);
    }

    @Override public Tensor[] frameDifferenceActionBackward(Tensor gy, int frames) {
        return CudaTemporal.actionBackward(this, onDevice(gy), frames);
    }

    // ------------------------------------------------------------------ fused temporal attention

    @Override public Tensor temporalConv(Tensor x, Tensor w, int frames) {
        return CudaFusedAttention.temporalConv(this, onDevice(x), onDevice(w), frames, false);
    }

    /** ACTION-Net's shift with its spatial and channel means, in one pass over x (pooled_temporal_conv.cu). */
    @Override public Tensor[] pooledTemporalConv(Tensor x, Tensor w, int frames) {
        return CudaFusedInference.pooledTemporalConv(this, onDevice(x), onDevice(w), frames);
    }

    /** M2A's motion attention on motion_attention.cu for T ≤ 16 frames; longer clips run the composed form. */
    @Override public Tensor motionAttention(Tensor y, int frames, double eps) {
        if (frames > MotionAttentionKernels.MAX_FRAMES) return Backend.super.motionAttention(y, frames, eps);
        return CudaFusedInference.motionAttention(this, onDevice(y), frames, eps);
    }

    @Override public Tensor[] temporalConvBackward(Tensor gy, Tensor x, Tensor w, int frames, boolean needX, boolean needW) {
        Tensor gx = needX ? CudaFusedAttention.temporalConv(this, onDevice(gy), onDevice(w), frames, true) : null;
        Tensor gw = needW ? CudaFusedAttention.temporalConvWeightGradient(this, onDevice(gy), onDevice(x), w.shape(), frames) : null;
        return new Tensor[] {gx, gw};
    }

    @Override public Tensor broadcastGate(Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine, double offset) {
        return CudaFusedAttention.gate(this, onDevice(x), c == null ? null : onDevice(c), s == null ? null : onDevice(s), combine, offset);
    }

    @Override public Tensor[] broadcastGateBackward(Tensor gy, Tensor x, Tensor c, Tensor s, BroadcastGate.Combine combine,
                                                    double offset, boolean needX, boolean needC, boolean needS) {
        return CudaFusedAttention.gateBackward(this, onDevice(gy), onDevice(x), c == null ? null : onDevice(c),
                s == null ? null : onDevice(s), combine, offset, needX, needC, needS);
    }

    @Override public Tensor avgMaxPool(Tensor x, Tensor c, AvgMaxPool.Axis axis) {
        return CudaFusedAttention.avgMaxPool(this, onDevice(x), c == null ? null : onDevice(c), axis);
    }

    @Override public Tensor[] avgMaxPoolBackward(Tensor gy, Tensor x, Tensor c, Tensor pooled, AvgMaxPool.Axis axis,
                                                 boolean needX, boolean needC) {
        return CudaFusedAttention.avgMaxPoolBackward(this, onDevice(gy), onDevice(x), c == null ? null : onDevice(c), onDevice(pooled),
                axis, needX, needC);
    }

    @Override public Tensor sigmoidGate(Tensor x, Tensor z, double offset) {
        return CudaFusedAttention.sigmoidGate(this, onDevice(x), onDevice(z), offset);
    }

    @Override public Tensor[] sigmoidGateBackward(Tensor gy, Tensor x, Tensor z, double offset, boolean needX, boolean needZ) {
        return CudaFusedAttention.sigmoidGateBackward(this, onDevice(gy), onDevice(x), onDevice(z), offset, needX, needZ);
    }

    // ------------------------------------------------------------------ indexing

    @Override public Tensor indexSelect(Tensor x, int axis, Tensor indices) {
        return CudaIndex.indexSelect(this, onDevice(x), axis, indices);
    }

    @Override public Tensor indexAdd(Shape shape, int axis, Tensor indices, Tensor src) {
        if (!src.dtype().isFloating()) return viaHost(h -> h.indexAdd(shape, axis, onHost(indices), onHost(src)));
        return CudaIndex.indexAdd(this, shape, axis, indices, onDevice(src));
    }

    @Override public Tensor gather(Tensor x, int axis, Tensor indices) { return CudaIndex.gather(this, onDevice(x), axis, indices); }

    @Override public Tensor scatterAdd(Shape shape, int axis, Tensor indices, Tensor src) {
        if (!src.dtype().isFloating()) return viaHost(h -> h.scatterAdd(shape, axis, onHost(indices), onHost(src)));
        return CudaIndex.scatterAdd(this, shape, axis, indices, onDevice(src));
    }

    @Override public String toString() { return "CudaBackend[" + (isAvailable() ? Cuda.describe() : "unavailable: " + unavailableReason()) + "]"; }
}
