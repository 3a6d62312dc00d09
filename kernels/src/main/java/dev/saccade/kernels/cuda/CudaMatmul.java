package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * Batched matrix product on cuBLAS: a (B, M, K) · b (B, K, N) → (B, M, N), all row-major. cuBLAS is column-major,
 * so the row-major product is computed as the column-major {@code Cᵀ = Bᵀ·Aᵀ} ({@link Cublas#rowMajorSgemm}).
 * An operand whose last axis has stride 1 is passed as is (leading dimension = its row stride); one whose middle
 * axis has stride 1 is passed transposed (OP_T); anything else is copied contiguous first. A batch stride of 0
 * (a broadcast operand) is passed to {@code cublasSgemmStridedBatched} unchanged. F64 runs one
 * {@code cublasGemmEx(COMPUTE_64F)} per batch entry.
 *
 * <p>Math mode: FP32 exact by default (CUBLAS_DEFAULT_MATH, as PyTorch's default
 * {@code torch.backends.cuda.matmul.allow_tf32 = False}); {@code -Dsaccade.cuda.tf32=true} allows TF32 tensor cores.
 *
 * <pre>{@code
 * Tensor c = CudaMatmul.matmul(backend, a, b);   // (B, M, K) · (B, K, N) → (B, M, N)
 * }</pre>
 */
final class CudaMatmul {
    private static volatile Cublas blas;
    private static volatile MemorySegment handle;

    private CudaMatmul() {}

    private static synchronized void init() {
        if (handle != null) return;
        Cuda.driver();
        Cublas b = Cublas.load();
        MemorySegment h = CollectAndRetry.run(b::create);
        b.setMathMode(h, Boolean.getBoolean("saccade.cuda.tf32") ? Cublas.TF32_TENSOR_OP_MATH : Cublas.DEFAULT_MATH);
        blas = b;
        handle = h;
    }

    /** The cuBLAS binding (loaded and a handle created on first use). */
    static Cublas blas() { if (handle == null) init(); return blas; }

    /** The shared cuBLAS handle, on the legacy default stream. */
    static MemorySegment handle() { if (handle == null) init(); return handle; }

    /** How one (B, rows, cols) operand is handed to cuBLAS. */
    private record Operand(Tensor tensor, boolean transposed, int ld, long batchStride) {}

    private static Operand operand(CudaBackend backend, Tensor t) {
        int[] s = t.layout().strides();
        int rows = t.dim(1), cols = t.dim(2);
        long batch = t.dim(0) == 1 ? 0 : s[0];
        if (s[2] == 1 && (rows == 1 || s[1] >= Math.max(1, cols))) return new Operand(t, false, rows == 1 ? Math.max(1, cols) : s[1], batch);
        if (s[1] == 1 && (cols == 1 || s[2] >= Math.max(1, rows))) return new Operand(t, true, cols == 1 ? Math.max(1, rows) : s[2], batch);
        Tensor c = CudaTensors.dense(backend, t);
        return new Operand(c, false, Math.max(1, cols), t.dim(0) == 1 ? 0 : (long) rows * cols);
    }

    static Tensor matmul(CudaBackend backend, Tensor a, Tensor b) {
        int batch = a.dim(0), m = a.dim(1), k = a.dim(2), n = b.dim(2);
        Tensor out = CudaTensors.empty(backend, a.dtype(), Shape.of(batch, m, n));  // (B, M, N), written with β = 0
        if (out.numel() == 0) return out;
        if (k == 0) { backend.fill(out, 0); return out; }
        Operand oa = operand(backend, a), ob = operand(backend, b);
        // cuBLAS may allocate its own workspace on first use: collect and retry once if it cannot.
        CollectAndRetry.run(() -> gemm(a, b, oa, ob, out, batch, m, n, k));
        Reference.reachabilityFence(oa);
        Reference.reachabilityFence(ob);
        return out;
    }

    private static void gemm(Tensor a, Tensor b, Operand oa, Operand ob, Tensor out, int batch, int m, int n, int k) {
        long pa = CudaTensors.address(oa.tensor()), pb = CudaTensors.address(ob.tensor()), pc = CudaTensors.address(out);
        if (a.dtype() == DType.F32) {
            blas().rowMajorSgemmStridedBatched(handle(), oa.transposed(), ob.transposed(), m, n, k, 1f, pa, oa.ld(),
                    oa.batchStride(), pb, ob.ld(), ob.batchStride(), 0f, pc, n, (long) m * n, batch);
        } else if (a.dtype() == DType.F64) {
            for (int i = 0; i < batch; i++) {
                // Row-major C = A·B as column-major Cᵀ = Bᵀ·Aᵀ: operands swapped, m and n swapped.
                blas().gemmEx(handle(), ob.transposed() ? Cublas.OP_T : Cublas.OP_N, oa.transposed() ? Cublas.OP_T : Cublas.OP_N,
                        n, m, k, 1.0, pb + 8L * i * ob.batchStride(), Cublas.R_64F, ob.ld(),
                        pa + 8L * i * oa.batchStride(), Cublas.R_64F, oa.ld(), 0.0, pc + 8L * i * m * n, Cublas.R_64F, n,
                        Cublas.COMPUTE_64F, Cublas.GEMM_DEFAULT);
            }
        } else {
            throw new IllegalArgumentException("CUDA matmul: dtype " + a.dtype() + " is not supported (F32 or F64), shapes "
                    + a.shape() + " · " + b.shape());
        }
        Reference.reachabilityFence(out);
    }
}
