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
import java.util.Optional;

/**
 * Hand-written FFM bindings to cuBLAS ({@code libcublas.so.13}, falling back to {@code libcublas.so.12}):
 * handle, stream, math mode and the GEMMs saccade uses. Reference: cuBLAS documentation,
 * https://docs.nvidia.com/cuda/cublas/ (section "cuBLAS API", "cuBLAS Level-3 Function Reference",
 * "BLAS-like Extension").
 *
 * <p><b>Conventions.</b> cuBLAS is column-major: an m×n matrix X with leading dimension ldx ≥ m stores X(i, j)
 * at {@code X[i + j·ldx]}. {@code sgemm} computes {@code C = α·op(A)·op(B) + β·C} with op(A) m×k, op(B) k×n,
 * C m×n. A row-major matrix is the column-major view of its transpose, so the row-major product
 * {@code C = A·B} (A m×k, B k×n, all row-major) is the column-major product {@code Cᵀ = Bᵀ·Aᵀ}:
 * {@link #rowMajorSgemm} swaps the operands and m/n for you. Scalars α, β are host values
 * (CUBLAS_POINTER_MODE_HOST, the default); matrices are device pointers ({@code long}).
 *
 * <pre>{@code
 * Cublas blas = Cublas.load();
 * MemorySegment h = blas.create();
 * blas.setMathMode(h, Cublas.TF32_TENSOR_OP_MATH);
 * // row-major (M, K) · (K, N) → (M, N)
 * blas.rowMajorSgemm(h, false, false, M, N, K, 1f, a.address(), K, b.address(), N, 0f, c.address(), N);
 * blas.destroy(h);
 * }</pre>
 */
public final class Cublas {
    /** {@code CUBLAS_OP_N}. */
    public static final int OP_N = 0;
    /** {@code CUBLAS_OP_T}. */
    public static final int OP_T = 1;
    /** {@code CUBLAS_DEFAULT_MATH}. */
    public static final int DEFAULT_MATH = 0;
    /** {@code CUBLAS_PEDANTIC_MATH}. */
    public static final int PEDANTIC_MATH = 2;
    /** {@code CUBLAS_TF32_TENSOR_OP_MATH}: FP32 GEMMs may use TF32 tensor cores. */
    public static final int TF32_TENSOR_OP_MATH = 3;
    /** {@code CUDA_R_32F} (cudaDataType). */
    public static final int R_32F = 0;
    /** {@code CUDA_R_64F}. */
    public static final int R_64F = 1;
    /** {@code CUDA_R_16F}. */
    public static final int R_16F = 2;
    /** {@code CUDA_R_16BF}. */
    public static final int R_16BF = 14;
    /** {@code CUBLAS_COMPUTE_32F}. */
    public static final int COMPUTE_32F = 68;
    /** {@code CUBLAS_COMPUTE_32F_FAST_TF32}. */
    public static final int COMPUTE_32F_FAST_TF32 = 77;
    /** {@code CUBLAS_COMPUTE_64F}. */
    public static final int COMPUTE_64F = 70;
    /** {@code CUBLAS_GEMM_DEFAULT}. */
    public static final int GEMM_DEFAULT = -1;

    private final String library;
    private final MethodHandle create, destroy, setStream, setMathMode, getVersion, sgemm, sgemmStridedBatched, gemmEx;
    private final Optional<MethodHandle> statusName;

    private Cublas(SymbolLookup lib, String library) {
        this.library = library;
        create = h(lib, "cublasCreate_v2", ADDRESS);
        destroy = h(lib, "cublasDestroy_v2", ADDRESS);
        setStream = h(lib, "cublasSetStream_v2", ADDRESS, ADDRESS);
        setMathMode = h(lib, "cublasSetMathMode", ADDRESS, JAVA_INT);
        getVersion = h(lib, "cublasGetVersion_v2", ADDRESS, ADDRESS);
        sgemm = h(lib, "cublasSgemm_v2", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
        sgemmStridedBatched = h(lib, "cublasSgemmStridedBatched", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT);
        gemmEx = h(lib, "cublasGemmEx", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT);
        statusName = NativeLibraries.optionalDowncall(lib, FunctionDescriptor.of(ADDRESS, JAVA_INT), "cublasGetStatusName");
    }

    /** Loads {@code libcublas.so.13} or {@code libcublas.so.12}; throws {@link CudaException} when neither loads. */
    public static Cublas load() {
        for (String name : new String[] {"libcublas.so.13", "libcublas.so.12"}) {
            try {
                return new Cublas(NativeLibraries.load(name), name);
            } catch (CudaException e) {
                if (name.endsWith(".12")) throw e;
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Binds to an already loaded library (tests bind to a stand-in with the same symbols). */
    static Cublas bind(SymbolLookup library, String name) {
        return new Cublas(library, name);
    }

    /** The library file that was loaded. */
    public String library() { return library; }

    private MethodHandle h(SymbolLookup lib, String name, MemoryLayout... args) {
        return NativeLibraries.downcall(lib, library, name, FunctionDescriptor.of(JAVA_INT, args));
    }

    private void check(String call, int status) {
        if (status != 0) throw new CudaException(call, status, statusName(status));
    }

    /** {@code cublasGetStatusName} (cuBLAS Helper Function Reference) when present, else "CUBLAS_STATUS {n}". */
    public String statusName(int status) {
        if (statusName.isEmpty()) return "CUBLAS_STATUS " + status;
        try {
            return NativeLibraries.cString((MemorySegment) statusName.get().invokeExact(status));
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cublasCreate_v2} (cuBLAS Helper Function Reference): a new handle (in the current context). */
    public MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cublasCreate_v2", (int) create.invokeExact(out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cublasDestroy_v2}. */
    public void destroy(MemorySegment handle) {
        try { check("cublasDestroy_v2", (int) destroy.invokeExact(handle)); } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cublasSetStream_v2}: subsequent calls on {@code handle} run on {@code stream} (NULL = default). */
    public void setStream(MemorySegment handle, MemorySegment stream) {
        try { check("cublasSetStream_v2", (int) setStream.invokeExact(handle, stream)); } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cublasSetMathMode}: {@link #DEFAULT_MATH}, {@link #PEDANTIC_MATH} or {@link #TF32_TENSOR_OP_MATH}. */
    public void setMathMode(MemorySegment handle, int mode) {
        try { check("cublasSetMathMode", (int) setMathMode.invokeExact(handle, mode)); } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cublasGetVersion_v2}: e.g. 130001 for 13.0.1 (major·10000 + minor·100 + patch). */
    public int version(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cublasGetVersion_v2", (int) getVersion.invokeExact(handle, out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cublasSgemm_v2} (Level-3, cublas&lt;t&gt;gemm), column-major: C = α·op(A)·op(B) + β·C, C m×n. */
    public void sgemm(MemorySegment handle, int transA, int transB, int m, int n, int k, float alpha, long a, int lda,
                      long b, int ldb, float beta, long c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            check("cublasSgemm_v2", (int) sgemm.invokeExact(handle, transA, transB, m, n, k,
                    arena.allocateFrom(JAVA_FLOAT, alpha), a, lda, b, ldb, arena.allocateFrom(JAVA_FLOAT, beta), c, ldc));
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /**
     * {@code cublasSgemmStridedBatched} (BLAS-like Extension, cublas&lt;t&gt;gemmStridedBatched), column-major:
     * for i in [0, batch): C_i = α·op(A_i)·op(B_i) + β·C_i with A_i = A + i·strideA (elements), likewise B, C.
     */
    public void sgemmStridedBatched(MemorySegment handle, int transA, int transB, int m, int n, int k, float alpha,
                                    long a, int lda, long strideA, long b, int ldb, long strideB, float beta, long c,
                                    int ldc, long strideC, int batch) {
        try (Arena arena = Arena.ofConfined()) {
            check("cublasSgemmStridedBatched", (int) sgemmStridedBatched.invokeExact(handle, transA, transB, m, n, k,
                    arena.allocateFrom(JAVA_FLOAT, alpha), a, lda, strideA, b, ldb, strideB,
                    arena.allocateFrom(JAVA_FLOAT, beta), c, ldc, strideC, batch));
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /**
     * {@code cublasGemmEx} (BLAS-like Extension): mixed types, column-major. {@code typeA/B/C} are cudaDataType
     * ({@link #R_32F}...), {@code computeType} a cublasComputeType_t ({@link #COMPUTE_32F},
     * {@link #COMPUTE_32F_FAST_TF32}, {@link #COMPUTE_64F}); α and β are passed as the compute type's scalar
     * (double for COMPUTE_64F, float otherwise).
     */
    public void gemmEx(MemorySegment handle, int transA, int transB, int m, int n, int k, double alpha, long a,
                       int typeA, int lda, long b, int typeB, int ldb, double beta, long c, int typeC, int ldc,
                       int computeType, int algo) {
        try (Arena arena = Arena.ofConfined()) {
            boolean dbl = computeType == COMPUTE_64F;
            MemorySegment al = dbl ? arena.allocateFrom(JAVA_DOUBLE, alpha) : arena.allocateFrom(JAVA_FLOAT, (float) alpha);
            MemorySegment be = dbl ? arena.allocateFrom(JAVA_DOUBLE, beta) : arena.allocateFrom(JAVA_FLOAT, (float) beta);
            check("cublasGemmEx", (int) gemmEx.invokeExact(handle, transA, transB, m, n, k, al, a, typeA, lda, b, typeB,
                    ldb, be, c, typeC, ldc, computeType, algo));
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /**
     * Row-major SGEMM: C = α·op(A)·op(B) + β·C with C (m, n) row-major (leading dimension ldc ≥ n), op(A) (m, k),
     * op(B) (k, n); lda/ldb are the row-major leading dimensions (row lengths) of A and B as stored. Computed as
     * the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ.
     */
    public void rowMajorSgemm(MemorySegment handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              long a, int lda, long b, int ldb, float beta, long c, int ldc) {
        sgemm(handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
    }

    /** Row-major {@link #sgemmStridedBatched}: the batched form of {@link #rowMajorSgemm}. */
    public void rowMajorSgemmStridedBatched(MemorySegment handle, boolean transA, boolean transB, int m, int n, int k,
                                            float alpha, long a, int lda, long strideA, long b, int ldb, long strideB,
                                            float beta, long c, int ldc, long strideC, int batch) {
        sgemmStridedBatched(handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k, alpha, b, ldb, strideB, a,
                lda, strideA, beta, c, ldc, strideC, batch);
    }
}
