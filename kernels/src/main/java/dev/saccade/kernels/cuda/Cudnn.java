package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;

/**
 * Hand-written FFM bindings to cuDNN 9's legacy (descriptor) API in {@code libcudnn.so.9}: tensor, filter,
 * convolution and pooling descriptors; convolution forward / backward-data / backward-filter with algorithm
 * choice and workspace queries; batch normalisation; pooling. Reference: NVIDIA cuDNN API Reference
 * (https://docs.nvidia.com/deeplearning/cudnn/api/), sections cudnn_ops (tensor, pooling, batch norm) and
 * cudnn_cnn (convolution). Device data are {@code long} pointers, handles and descriptors {@link MemorySegment}s.
 * Scaling factors α, β are host values, passed as float for {@link #DATA_FLOAT} and {@link #DATA_HALF} data and
 * double for {@link #DATA_DOUBLE} (the {@code double} overloads choose by the {@code dataType} argument).
 *
 * <pre>{@code
 * Cudnn dnn = Cudnn.load();
 * MemorySegment h = dnn.create();
 * MemorySegment x = dnn.tensorNd(Cudnn.DATA_FLOAT, new int[] {8, 64, 56, 56});        // packed NCHW
 * MemorySegment w = dnn.filterNd(Cudnn.DATA_FLOAT, new int[] {64, 64, 3, 3});
 * MemorySegment conv = dnn.convolutionNd(new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1,
 *         Cudnn.DATA_FLOAT, Cudnn.TENSOR_OP_MATH);
 * MemorySegment y = dnn.tensorNd(Cudnn.DATA_FLOAT, dnn.convolutionForwardOutputDim(conv, x, w, 4));
 * int algo = dnn.convolutionForwardAlgorithm(h, x, w, conv, y);
 * }</pre>
 */
public final class Cudnn {
    /** Library file name. */
    public static final String LIBRARY = "libcudnn.so.9";
    /** {@code CUDNN_DATA_FLOAT}. */
    public static final int DATA_FLOAT = 0;
    /** {@code CUDNN_DATA_DOUBLE}. */
    public static final int DATA_DOUBLE = 1;
    /** {@code CUDNN_DATA_HALF}. */
    public static final int DATA_HALF = 2;
    /** {@code CUDNN_TENSOR_NCHW}. */
    public static final int FORMAT_NCHW = 0;
    /** {@code CUDNN_CROSS_CORRELATION} (what deep-learning frameworks call convolution). */
    public static final int CROSS_CORRELATION = 1;
    /** {@code CUDNN_DEFAULT_MATH}. */
    public static final int DEFAULT_MATH = 0;
    /** {@code CUDNN_TENSOR_OP_MATH}. */
    public static final int TENSOR_OP_MATH = 1;
    /** {@code CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION}. */
    public static final int TENSOR_OP_MATH_ALLOW_CONVERSION = 2;
    /** {@code CUDNN_FMA_MATH}: no tensor cores (exact FP32). */
    public static final int FMA_MATH = 3;
    /** {@code CUDNN_BATCHNORM_PER_ACTIVATION}. */
    public static final int BATCHNORM_PER_ACTIVATION = 0;
    /** {@code CUDNN_BATCHNORM_SPATIAL} (BatchNorm2d/3d: statistics per channel). */
    public static final int BATCHNORM_SPATIAL = 1;
    /** {@code CUDNN_POOLING_MAX}. */
    public static final int POOLING_MAX = 0;
    /** {@code CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING}. */
    public static final int POOLING_AVERAGE_INCLUDE_PADDING = 1;
    /** {@code CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING}. */
    public static final int POOLING_AVERAGE_EXCLUDE_PADDING = 2;
    /** {@code CUDNN_POOLING_MAX_DETERMINISTIC}. */
    public static final int POOLING_MAX_DETERMINISTIC = 3;
    /** {@code CUDNN_NOT_PROPAGATE_NAN}. */
    public static final int NOT_PROPAGATE_NAN = 0;
    /** {@code CUDNN_PROPAGATE_NAN}. */
    public static final int PROPAGATE_NAN = 1;
    /**
     * {@code CUDNN_STATUS_BAD_PARAM}. cuDNN 9 numbers its statuses by category (1000s not initialised / loading,
     * 2000s bad parameter with sub-codes 2001…, 3000s not supported, 4000s internal, 5000s execution failed);
     * cuDNN 8's small numbers (3 = BAD_PARAM) are gone.
     */
    public static final int STATUS_BAD_PARAM = 2000;
    /** {@code CUDNN_STATUS_NOT_SUPPORTED} (cuDNN 9; sub-codes 3001… follow). */
    public static final int STATUS_NOT_SUPPORTED = 3000;

    /** The category of a cuDNN 9 status: 2000 for every BAD_PARAM sub-code, 3000 for every NOT_SUPPORTED one, … */
    public static int statusCategory(int status) { return status / 1000 * 1000; }

    /**
     * {@code cudnnConvolutionFwdAlgoPerf_t} / {@code BwdDataAlgoPerf_t} / {@code BwdFilterAlgoPerf_t} (same layout):
     * algo, status, time (ms), memory (bytes), determinism, mathType, reserved[3].
     */
    static final MemoryLayout ALGO_PERF = MemoryLayout.structLayout(JAVA_INT.withName("algo"),
            JAVA_INT.withName("status"), JAVA_FLOAT.withName("time"), MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("memory"), JAVA_INT.withName("determinism"), JAVA_INT.withName("mathType"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("reserved"), MemoryLayout.paddingLayout(4));

    /** One result of an algorithm query: the algorithm, its status, time (ms, Find only) and workspace bytes. */
    public record AlgoPerf(int algo, int status, float timeMs, long memory, int determinism, int mathType) {}

    private final Map<String, MethodHandle> handles = new HashMap<>();
    private final MethodHandle getErrorString, getVersion;

    private Cudnn(SymbolLookup lib) {
        getErrorString = NativeLibraries.downcall(lib, LIBRARY, "cudnnGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        getVersion = NativeLibraries.downcall(lib, LIBRARY, "cudnnGetVersion", FunctionDescriptor.of(JAVA_LONG));
        bind(lib, "cudnnCreate", ADDRESS);
        bind(lib, "cudnnDestroy", ADDRESS);
        bind(lib, "cudnnSetStream", ADDRESS, ADDRESS);
        bind(lib, "cudnnCreateTensorDescriptor", ADDRESS);
        bind(lib, "cudnnSetTensorNdDescriptor", ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        bind(lib, "cudnnDestroyTensorDescriptor", ADDRESS);
        bind(lib, "cudnnCreateFilterDescriptor", ADDRESS);
        bind(lib, "cudnnSetFilterNdDescriptor", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
        bind(lib, "cudnnDestroyFilterDescriptor", ADDRESS);
        bind(lib, "cudnnCreateConvolutionDescriptor", ADDRESS);
        bind(lib, "cudnnSetConvolutionNdDescriptor", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT);
        bind(lib, "cudnnSetConvolutionGroupCount", ADDRESS, JAVA_INT);
        bind(lib, "cudnnSetConvolutionMathType", ADDRESS, JAVA_INT);
        bind(lib, "cudnnDestroyConvolutionDescriptor", ADDRESS);
        bind(lib, "cudnnGetConvolutionNdForwardOutputDim", ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        bind(lib, "cudnnGetConvolutionForwardAlgorithm_v7", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        bind(lib, "cudnnFindConvolutionForwardAlgorithm", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        bind(lib, "cudnnGetConvolutionForwardWorkspaceSize", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        bind(lib, "cudnnConvolutionForward", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT,
                JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
        bind(lib, "cudnnGetConvolutionBackwardDataAlgorithm_v7", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        bind(lib, "cudnnGetConvolutionBackwardDataWorkspaceSize", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        bind(lib, "cudnnConvolutionBackwardData", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS,
                JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
        bind(lib, "cudnnGetConvolutionBackwardFilterAlgorithm_v7", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        bind(lib, "cudnnGetConvolutionBackwardFilterWorkspaceSize", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        bind(lib, "cudnnConvolutionBackwardFilter", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS,
                JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
        bind(lib, "cudnnDeriveBNTensorDescriptor", ADDRESS, ADDRESS, JAVA_INT);
        bind(lib, "cudnnBatchNormalizationForwardTraining", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_DOUBLE, JAVA_LONG, JAVA_LONG, JAVA_DOUBLE,
                JAVA_LONG, JAVA_LONG);
        bind(lib, "cudnnBatchNormalizationForwardInference", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_DOUBLE);
        bind(lib, "cudnnBatchNormalizationBackward", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_DOUBLE, JAVA_LONG, JAVA_LONG);
        bind(lib, "cudnnCreatePoolingDescriptor", ADDRESS);
        bind(lib, "cudnnSetPoolingNdDescriptor", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        bind(lib, "cudnnDestroyPoolingDescriptor", ADDRESS);
        bind(lib, "cudnnPoolingForward", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
        bind(lib, "cudnnPoolingBackward", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS,
                JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    }

    /** Loads {@code libcudnn.so.9} (the shim that dispatches to the cudnn_ops / cudnn_cnn sub-libraries). */
    public static Cudnn load() { return new Cudnn(NativeLibraries.load(LIBRARY)); }

    /** Binds to an already loaded library (tests bind to a stand-in with the same symbols). */
    static Cudnn bind(SymbolLookup library) { return new Cudnn(library); }

    private void bind(SymbolLookup lib, String name, MemoryLayout... args) {
        handles.put(name, NativeLibraries.downcall(lib, LIBRARY, name, FunctionDescriptor.of(JAVA_INT, args)));
    }

    /** Calls a bound function (coarse-grained calls: the boxing of invokeWithArguments is negligible). */
    private void call(String name, Object... args) {
        int status;
        try {
            status = (int) handles.get(name).invokeWithArguments(args);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
        if (status != 0) throw new CudaException(name, status, errorString(status));
    }

    /** {@code cudnnGetErrorString}: e.g. "CUDNN_STATUS_BAD_PARAM". */
    public String errorString(int status) {
        try { return NativeLibraries.cString((MemorySegment) getErrorString.invokeExact(status)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cudnnGetVersion}: e.g. 91000 for 9.10.0 (major·10000 + minor·100 + patch since cuDNN 9). */
    public long version() {
        try { return (long) getVersion.invokeExact(); } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    private MemorySegment created(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            call(name, out);
            return out.get(ADDRESS, 0);
        }
    }

    private static MemorySegment scalar(Arena arena, int dataType, double v) {
        return dataType == DATA_DOUBLE ? arena.allocateFrom(JAVA_DOUBLE, v) : arena.allocateFrom(JAVA_FLOAT, (float) v);
    }

    // ---- handle -------------------------------------------------------------------------------------------

    /** {@code cudnnCreate}: a handle bound to the current context. */
    public MemorySegment create() { return created("cudnnCreate"); }

    /** {@code cudnnDestroy}. */
    public void destroy(MemorySegment handle) { call("cudnnDestroy", handle); }

    /** {@code cudnnSetStream}. */
    public void setStream(MemorySegment handle, MemorySegment stream) { call("cudnnSetStream", handle, stream); }

    // ---- descriptors --------------------------------------------------------------------------------------

    /** {@code cudnnCreateTensorDescriptor} + {@code cudnnSetTensorNdDescriptor} with packed (row-major) strides. */
    public MemorySegment tensorNd(int dataType, int[] dims) {
        int[] strides = new int[dims.length];
        int s = 1;
        for (int d = dims.length - 1; d >= 0; d--) { strides[d] = s; s *= dims[d]; }
        return tensorNd(dataType, dims, strides);
    }

    /**
     * {@code cudnnCreateTensorDescriptor} + {@code cudnnSetTensorNdDescriptor}: 3 to 8 dimensions (N, C, spatial...),
     * strides in elements.
     */
    public MemorySegment tensorNd(int dataType, int[] dims, int[] strides) {
        if (dims.length < 3 || dims.length != strides.length)
            throw new IllegalArgumentException("cuDNN tensor needs 3 to 8 dims with matching strides, got dims "
                    + java.util.Arrays.toString(dims) + " strides " + java.util.Arrays.toString(strides));
        MemorySegment desc = created("cudnnCreateTensorDescriptor");
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnSetTensorNdDescriptor", desc, dataType, dims.length, arena.allocateFrom(JAVA_INT, dims),
                    arena.allocateFrom(JAVA_INT, strides));
        }
        return desc;
    }

    /** {@code cudnnDestroyTensorDescriptor}. */
    public void destroyTensor(MemorySegment desc) { call("cudnnDestroyTensorDescriptor", desc); }

    /** {@code cudnnCreateFilterDescriptor} + {@code cudnnSetFilterNdDescriptor}: (K, C/groups, kernel...) in NCHW format. */
    public MemorySegment filterNd(int dataType, int[] dims) {
        MemorySegment desc = created("cudnnCreateFilterDescriptor");
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnSetFilterNdDescriptor", desc, dataType, FORMAT_NCHW, dims.length, arena.allocateFrom(JAVA_INT, dims));
        }
        return desc;
    }

    /** {@code cudnnDestroyFilterDescriptor}. */
    public void destroyFilter(MemorySegment desc) { call("cudnnDestroyFilterDescriptor", desc); }

    /**
     * {@code cudnnCreateConvolutionDescriptor} + {@code cudnnSetConvolutionNdDescriptor} (cross-correlation, as
     * torch.nn.Conv2d/3d) + {@code cudnnSetConvolutionGroupCount} + {@code cudnnSetConvolutionMathType}.
     */
    public MemorySegment convolutionNd(int[] pad, int[] stride, int[] dilation, int groups, int computeType, int mathType) {
        MemorySegment desc = created("cudnnCreateConvolutionDescriptor");
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnSetConvolutionNdDescriptor", desc, pad.length, arena.allocateFrom(JAVA_INT, pad),
                    arena.allocateFrom(JAVA_INT, stride), arena.allocateFrom(JAVA_INT, dilation), CROSS_CORRELATION,
                    computeType);
        }
        call("cudnnSetConvolutionGroupCount", desc, groups);
        call("cudnnSetConvolutionMathType", desc, mathType);
        return desc;
    }

    /** {@code cudnnSetConvolutionMathType}: the math type to run the next call with (the one an algorithm came with). */
    public void setConvolutionMathType(MemorySegment conv, int mathType) { call("cudnnSetConvolutionMathType", conv, mathType); }

    /** {@code cudnnDestroyConvolutionDescriptor}. */
    public void destroyConvolution(MemorySegment desc) { call("cudnnDestroyConvolutionDescriptor", desc); }

    /** {@code cudnnGetConvolutionNdForwardOutputDim}: the output dims for input x and filter w. */
    public int[] convolutionForwardOutputDim(MemorySegment conv, MemorySegment x, MemorySegment w, int nbDims) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT, nbDims);
            call("cudnnGetConvolutionNdForwardOutputDim", conv, x, w, nbDims, out);
            return out.toArray(JAVA_INT);
        }
    }

    /**
     * {@code cudnnCreatePoolingDescriptor} + {@code cudnnSetPoolingNdDescriptor} ({@link #POOLING_MAX},
     * {@link #POOLING_AVERAGE_INCLUDE_PADDING}...).
     */
    public MemorySegment poolingNd(int mode, int nanPropagation, int[] window, int[] pad, int[] stride) {
        MemorySegment desc = created("cudnnCreatePoolingDescriptor");
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnSetPoolingNdDescriptor", desc, mode, nanPropagation, window.length,
                    arena.allocateFrom(JAVA_INT, window), arena.allocateFrom(JAVA_INT, pad), arena.allocateFrom(JAVA_INT, stride));
        }
        return desc;
    }

    /** {@code cudnnDestroyPoolingDescriptor}. */
    public void destroyPooling(MemorySegment desc) { call("cudnnDestroyPoolingDescriptor", desc); }

    /** {@code cudnnDeriveBNTensorDescriptor}: the (1, C, 1, 1) descriptor of scale, bias, mean and variance. */
    public MemorySegment deriveBatchNormDescriptor(MemorySegment x, int mode) {
        MemorySegment desc = created("cudnnCreateTensorDescriptor");
        call("cudnnDeriveBNTensorDescriptor", desc, x, mode);
        return desc;
    }

    // ---- convolution --------------------------------------------------------------------------------------

    private AlgoPerf[] perfs(String name, int requested, Object... descriptors) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            MemorySegment results = arena.allocate(ALGO_PERF, requested);
            Object[] args = new Object[descriptors.length + 3];
            System.arraycopy(descriptors, 0, args, 0, descriptors.length);
            args[descriptors.length] = requested;
            args[descriptors.length + 1] = count;
            args[descriptors.length + 2] = results;
            call(name, args);
            AlgoPerf[] out = new AlgoPerf[count.get(JAVA_INT, 0)];
            for (int i = 0; i < out.length; i++) {
                MemorySegment r = results.asSlice(i * ALGO_PERF.byteSize(), ALGO_PERF.byteSize());
                out[i] = new AlgoPerf(r.get(JAVA_INT, 0), r.get(JAVA_INT, 4), r.get(JAVA_FLOAT, 8), r.get(JAVA_LONG, 16),
                        r.get(JAVA_INT, 24), r.get(JAVA_INT, 28));
            }
            return out;
        }
    }

    private static int firstSuccessful(AlgoPerf[] perfs, String what) {
        for (AlgoPerf p : perfs) if (p.status() == 0) return p.algo();
        throw new CudaException(what + " returned no usable algorithm", null);
    }

    /** {@code cudnnGetConvolutionForwardAlgorithm_v7}: heuristic ranking, best first. */
    public AlgoPerf[] convolutionForwardAlgorithms(MemorySegment handle, MemorySegment x, MemorySegment w,
                                                   MemorySegment conv, MemorySegment y) {
        return perfs("cudnnGetConvolutionForwardAlgorithm_v7", 8, handle, x, w, conv, y);
    }

    /** The best usable algorithm of {@link #convolutionForwardAlgorithms}. */
    public int convolutionForwardAlgorithm(MemorySegment handle, MemorySegment x, MemorySegment w, MemorySegment conv,
                                           MemorySegment y) {
        return firstSuccessful(convolutionForwardAlgorithms(handle, x, w, conv, y), "cudnnGetConvolutionForwardAlgorithm_v7");
    }

    /** {@code cudnnFindConvolutionForwardAlgorithm}: runs and times each algorithm (allocates its own buffers). */
    public AlgoPerf[] findConvolutionForwardAlgorithms(MemorySegment handle, MemorySegment x, MemorySegment w,
                                                       MemorySegment conv, MemorySegment y) {
        return perfs("cudnnFindConvolutionForwardAlgorithm", 8, handle, x, w, conv, y);
    }

    private long workspace(String name, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
            all[args.length] = out;
            call(name, all);
            return out.get(JAVA_LONG, 0);
        }
    }

    /** {@code cudnnGetConvolutionForwardWorkspaceSize}: bytes of workspace {@code algo} needs. */
    public long convolutionForwardWorkspace(MemorySegment handle, MemorySegment x, MemorySegment w, MemorySegment conv,
                                            MemorySegment y, int algo) {
        return workspace("cudnnGetConvolutionForwardWorkspaceSize", handle, x, w, conv, y, algo);
    }

    /** {@code cudnnConvolutionForward}: y = α·conv(x, w) + β·y. */
    public void convolutionForward(MemorySegment handle, int dataType, double alpha, MemorySegment xDesc, long x,
                                   MemorySegment wDesc, long w, MemorySegment conv, int algo, long workspace,
                                   long workspaceBytes, double beta, MemorySegment yDesc, long y) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnConvolutionForward", handle, scalar(arena, dataType, alpha), xDesc, x, wDesc, w, conv, algo,
                    workspace, workspaceBytes, scalar(arena, dataType, beta), yDesc, y);
        }
    }

    /** {@code cudnnGetConvolutionBackwardDataAlgorithm_v7}: heuristic ranking, best first. */
    public AlgoPerf[] convolutionBackwardDataAlgorithms(MemorySegment handle, MemorySegment w, MemorySegment dy,
                                                        MemorySegment conv, MemorySegment dx) {
        return perfs("cudnnGetConvolutionBackwardDataAlgorithm_v7", 8, handle, w, dy, conv, dx);
    }

    /** The best usable algorithm of {@link #convolutionBackwardDataAlgorithms}. */
    public int convolutionBackwardDataAlgorithm(MemorySegment handle, MemorySegment w, MemorySegment dy,
                                                MemorySegment conv, MemorySegment dx) {
        return firstSuccessful(convolutionBackwardDataAlgorithms(handle, w, dy, conv, dx),
                "cudnnGetConvolutionBackwardDataAlgorithm_v7");
    }

    /** {@code cudnnGetConvolutionBackwardDataWorkspaceSize}. */
    public long convolutionBackwardDataWorkspace(MemorySegment handle, MemorySegment w, MemorySegment dy,
                                                 MemorySegment conv, MemorySegment dx, int algo) {
        return workspace("cudnnGetConvolutionBackwardDataWorkspaceSize", handle, w, dy, conv, dx, algo);
    }

    /** {@code cudnnConvolutionBackwardData}: dx = α·conv_transpose(dy, w) + β·dx. */
    public void convolutionBackwardData(MemorySegment handle, int dataType, double alpha, MemorySegment wDesc, long w,
                                        MemorySegment dyDesc, long dy, MemorySegment conv, int algo, long workspace,
                                        long workspaceBytes, double beta, MemorySegment dxDesc, long dx) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnConvolutionBackwardData", handle, scalar(arena, dataType, alpha), wDesc, w, dyDesc, dy, conv,
                    algo, workspace, workspaceBytes, scalar(arena, dataType, beta), dxDesc, dx);
        }
    }

    /** {@code cudnnGetConvolutionBackwardFilterAlgorithm_v7}: heuristic ranking, best first. */
    public AlgoPerf[] convolutionBackwardFilterAlgorithms(MemorySegment handle, MemorySegment x, MemorySegment dy,
                                                          MemorySegment conv, MemorySegment dw) {
        return perfs("cudnnGetConvolutionBackwardFilterAlgorithm_v7", 8, handle, x, dy, conv, dw);
    }

    /** The best usable algorithm of {@link #convolutionBackwardFilterAlgorithms}. */
    public int convolutionBackwardFilterAlgorithm(MemorySegment handle, MemorySegment x, MemorySegment dy,
                                                  MemorySegment conv, MemorySegment dw) {
        return firstSuccessful(convolutionBackwardFilterAlgorithms(handle, x, dy, conv, dw),
                "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
    }

    /** {@code cudnnGetConvolutionBackwardFilterWorkspaceSize}. */
    public long convolutionBackwardFilterWorkspace(MemorySegment handle, MemorySegment x, MemorySegment dy,
                                                   MemorySegment conv, MemorySegment dw, int algo) {
        return workspace("cudnnGetConvolutionBackwardFilterWorkspaceSize", handle, x, dy, conv, dw, algo);
    }

    /** {@code cudnnConvolutionBackwardFilter}: dw = α·∂conv/∂w(x, dy) + β·dw. */
    public void convolutionBackwardFilter(MemorySegment handle, int dataType, double alpha, MemorySegment xDesc, long x,
                                          MemorySegment dyDesc, long dy, MemorySegment conv, int algo, long workspace,
                                          long workspaceBytes, double beta, MemorySegment dwDesc, long dw) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnConvolutionBackwardFilter", handle, scalar(arena, dataType, alpha), xDesc, x, dyDesc, dy, conv,
                    algo, workspace, workspaceBytes, scalar(arena, dataType, beta), dwDesc, dw);
        }
    }

    // ---- batch normalisation ------------------------------------------------------------------------------

    /**
     * {@code cudnnBatchNormalizationForwardTraining}: normalises with batch statistics, updates running mean/var
     * with {@code momentum} (cuDNN's exponentialAverageFactor; PyTorch's momentum 0.1), saves mean and inverse std
     * for backward. Note cuDNN updates the running variance with the unbiased batch variance, as PyTorch does.
     */
    public void batchNormForwardTraining(MemorySegment handle, int mode, int dataType, MemorySegment xDesc, long x,
                                         MemorySegment yDesc, long y, MemorySegment bnDesc, long scale, long bias,
                                         double momentum, long runningMean, long runningVar, double eps,
                                         long saveMean, long saveInvStd) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnBatchNormalizationForwardTraining", handle, mode, scalar(arena, dataType, 1),
                    scalar(arena, dataType, 0), xDesc, x, yDesc, y, bnDesc, scale, bias, momentum, runningMean,
                    runningVar, eps, saveMean, saveInvStd);
        }
    }

    /** {@code cudnnBatchNormalizationForwardInference}: normalises with the running statistics. */
    public void batchNormForwardInference(MemorySegment handle, int mode, int dataType, MemorySegment xDesc, long x,
                                          MemorySegment yDesc, long y, MemorySegment bnDesc, long scale, long bias,
                                          long runningMean, long runningVar, double eps) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnBatchNormalizationForwardInference", handle, mode, scalar(arena, dataType, 1),
                    scalar(arena, dataType, 0), xDesc, x, yDesc, y, bnDesc, scale, bias, runningMean, runningVar, eps);
        }
    }

    /**
     * {@code cudnnBatchNormalizationBackward}: dx, dscale, dbias from dy and the saved mean / inverse std;
     * {@code accumulateParams} adds into dscale/dbias (β_param = 1) instead of overwriting.
     */
    public void batchNormBackward(MemorySegment handle, int mode, int dataType, MemorySegment xDesc, long x,
                                  MemorySegment dyDesc, long dy, MemorySegment dxDesc, long dx, MemorySegment bnDesc,
                                  long scale, long dScale, long dBias, boolean accumulateParams, double eps,
                                  long saveMean, long saveInvStd) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnBatchNormalizationBackward", handle, mode, scalar(arena, dataType, 1), scalar(arena, dataType, 0),
                    scalar(arena, dataType, 1), scalar(arena, dataType, accumulateParams ? 1 : 0), xDesc, x, dyDesc, dy,
                    dxDesc, dx, bnDesc, scale, dScale, dBias, eps, saveMean, saveInvStd);
        }
    }

    // ---- pooling ------------------------------------------------------------------------------------------

    /** {@code cudnnPoolingForward}: y = α·pool(x) + β·y. */
    public void poolingForward(MemorySegment handle, MemorySegment pooling, int dataType, double alpha,
                               MemorySegment xDesc, long x, double beta, MemorySegment yDesc, long y) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnPoolingForward", handle, pooling, scalar(arena, dataType, alpha), xDesc, x,
                    scalar(arena, dataType, beta), yDesc, y);
        }
    }

    /** {@code cudnnPoolingBackward}: dx = α·∂pool(x)/∂x · dy + β·dx (needs the forward's y). */
    public void poolingBackward(MemorySegment handle, MemorySegment pooling, int dataType, double alpha,
                                MemorySegment yDesc, long y, MemorySegment dyDesc, long dy, MemorySegment xDesc, long x,
                                double beta, MemorySegment dxDesc, long dx) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnPoolingBackward", handle, pooling, scalar(arena, dataType, alpha), yDesc, y, dyDesc, dy, xDesc, x,
                    scalar(arena, dataType, beta), dxDesc, dx);
        }
    }
}
