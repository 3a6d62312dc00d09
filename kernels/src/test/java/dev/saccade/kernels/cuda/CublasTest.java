package dev.saccade.kernels.cuda;

import static dev.saccade.kernels.cuda.GpuTesting.assertClose;
import static dev.saccade.kernels.cuda.GpuTesting.randomFloats;
import static dev.saccade.kernels.cuda.GpuTesting.upload;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** cuBLAS bindings: row-major SGEMM (plain, transposed, batched) against a Java triple loop. Skipped without a GPU. */
class CublasTest {

    private static Cublas loadOrSkip() {
        GpuTesting.requireGpu();
        try {
            return Cublas.load();
        } catch (CudaException e) {
            assumeTrue(false, "cuBLAS not installed: " + e.getMessage());
            throw e;
        }
    }

    /** C (m, n) = op(A) · op(B), row-major; A stored (m, k) or (k, m) when transposed, B (k, n) or (n, k). */
    private static double[] reference(float[] a, float[] b, int m, int n, int k, boolean ta, boolean tb) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = s;
            }
        return c;
    }

    @Test
    void rowMajorSgemmMatchesJava() {
        Cublas blas = loadOrSkip();
        MemorySegment h = blas.create();
        try {
            int version = blas.version(h);
            System.out.println(blas.library() + " version " + version);
            assertTrue(version >= 120000, "cuBLAS version " + version);
            blas.setMathMode(h, Cublas.PEDANTIC_MATH);
            int m = 33, n = 17, k = 65;
            for (boolean ta : new boolean[] {false, true})
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = randomFloats(m * k, 101), b = randomFloats(k * n, 102);
                    try (DeviceBuffer da = upload(a); DeviceBuffer db = upload(b); DeviceBuffer dc = DeviceBuffer.allocate(4L * m * n)) {
                        blas.rowMajorSgemm(h, ta, tb, m, n, k, 1f, da.address(), ta ? m : k, db.address(), tb ? k : n,
                                0f, dc.address(), n);
                        assertClose("rowMajorSgemm ta=" + ta + " tb=" + tb, reference(a, b, m, n, k, ta, tb),
                                dc.toFloatArray(m * n), 1e-4, 1e-4);
                    }
                }
            int batch = 3;
            float[] a = randomFloats(batch * m * k, 103), b = randomFloats(batch * k * n, 104);
            try (DeviceBuffer da = upload(a); DeviceBuffer db = upload(b); DeviceBuffer dc = DeviceBuffer.allocate(4L * batch * m * n)) {
                blas.rowMajorSgemmStridedBatched(h, false, false, m, n, k, 1f, da.address(), k, (long) m * k,
                        db.address(), n, (long) k * n, 0f, dc.address(), n, (long) m * n, batch);
                float[] c = dc.toFloatArray(batch * m * n);
                for (int i = 0; i < batch; i++) {
                    float[] ai = java.util.Arrays.copyOfRange(a, i * m * k, (i + 1) * m * k);
                    float[] bi = java.util.Arrays.copyOfRange(b, i * k * n, (i + 1) * k * n);
                    assertClose("strided batch " + i, reference(ai, bi, m, n, k, false, false),
                            java.util.Arrays.copyOfRange(c, i * m * n, (i + 1) * m * n), 1e-4, 1e-4);
                }
            }
            float[] a2 = randomFloats(m * k, 105), b2 = randomFloats(k * n, 106);
            try (DeviceBuffer da = upload(a2); DeviceBuffer db = upload(b2); DeviceBuffer dc = DeviceBuffer.allocate(4L * m * n)) {
                // gemmEx, column-major call computing the row-major product as in rowMajorSgemm
                blas.gemmEx(h, Cublas.OP_N, Cublas.OP_N, n, m, k, 1.0, db.address(), Cublas.R_32F, n, da.address(),
                        Cublas.R_32F, k, 0.0, dc.address(), Cublas.R_32F, n, Cublas.COMPUTE_32F, Cublas.GEMM_DEFAULT);
                assertClose("gemmEx", reference(a2, b2, m, n, k, false, false), dc.toFloatArray(m * n), 1e-4, 1e-4);
            }
        } finally {
            blas.destroy(h);
        }
    }
}
