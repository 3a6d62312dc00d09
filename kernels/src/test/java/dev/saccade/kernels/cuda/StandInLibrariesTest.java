package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFM bindings against small C stand-ins of libcuda / libcublas / libcudnn (compiled here with {@code cc} or
 * {@code -Dsaccade.test.cc}; skipped, with the reason, when there is no C compiler that builds shared libraries): checks every downcall's signature and argument order without a GPU. Each stand-in
 * function records its scalar arguments; {@code recorded()} reads them back.
 */
class StandInLibrariesTest {
    private static final String RECORDER = """
            #include <stddef.h>
            #include <stdint.h>
            #include <string.h>
            #include <stdlib.h>
            static double rec[24]; static int nrec;
            #define REC(...) do { double v_[] = {__VA_ARGS__}; nrec = sizeof v_ / sizeof v_[0]; memcpy(rec, v_, sizeof v_); } while (0)
            int recorded(double* out) { memcpy(out, rec, sizeof rec); return nrec; }
            static int token;
            """;
    private static final String DRIVER = RECORDER + """
            int cuInit(unsigned f) { REC(f); return 0; }
            int cuDriverGetVersion(int* v) { *v = 13000; return 0; }
            int cuDeviceGetCount(int* c) { *c = 1; return 0; }
            int cuDeviceGet(int* d, int o) { *d = 40 + o; return 0; }
            int cuDeviceGetName(char* n, int len, int d) { strncpy(n, "Stand-in GPU", len); REC(len, d); return 0; }
            int cuDeviceGetAttribute(int* v, int a, int d) { *v = a * 1000 + d; return 0; }
            int cuDeviceTotalMem_v2(size_t* b, int d) { *b = (size_t) 80 << 30; return 0; }
            int cuDevicePrimaryCtxRetain(void** c, int d) { *c = &token; return 0; }
            int cuCtxSetCurrent(void* c) { return c == &token ? 0 : 201; }
            static int sync_status;
            void set_sync_status(int s) { sync_status = s; }
            int cuCtxSynchronize(void) { return sync_status; }
            int cuMemAlloc_v2(uint64_t* p, size_t n) { if (n > ((size_t) 1 << 40)) return 2; *p = (uint64_t) malloc(n); return 0; }
            int cuMemFree_v2(uint64_t p) { free((void*) p); return 0; }
            int cuMemcpyHtoD_v2(uint64_t d, const void* s, size_t n) { memcpy((void*) d, s, n); return 0; }
            int cuMemcpyDtoH_v2(void* d, uint64_t s, size_t n) { memcpy(d, (void*) s, n); return 0; }
            int cuMemcpyDtoD_v2(uint64_t d, uint64_t s, size_t n) { memcpy((void*) d, (void*) s, n); return 0; }
            int cuMemsetD8_v2(uint64_t d, unsigned char v, size_t n) { memset((void*) d, v, n); return 0; }
            int cuModuleLoadData(void** m, const void* img) { *m = *(const uint32_t*) img == 0xBA55ED50u ? &token : 0; return *m ? 0 : 200; }
            int cuModuleGetFunction(void** f, void* m, const char* name) { *f = &token; REC(strlen(name)); return 0; }
            int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                               unsigned sh, void* st, void** p, void** extra) {
                REC(gx, gy, gz, bx, by, bz, sh, *(long long*) p[0], *(int*) p[1], *(float*) p[2], *(double*) p[3],
                    (double) ((long long*) p[4])[1], extra == 0 ? 0 : 1);
                return 0;
            }
            int cuStreamCreate(void** s, unsigned f) { *s = &token; REC(f); return 0; }
            int cuStreamSynchronize(void* s) { return 0; }
            int cuEventCreate(void** e, unsigned f) { *e = &token; return 0; }
            int cuEventRecord(void* e, void* s) { return 0; }
            int cuEventSynchronize(void* e) { return 0; }
            int cuEventElapsedTime_v2(float* ms, void* a, void* b) { *ms = 2.5f; return 0; }
            int cuGetErrorName(int e, const char** s) {
                *s = e == 2 ? "CUDA_ERROR_OUT_OF_MEMORY" : e == 700 ? "CUDA_ERROR_ILLEGAL_ADDRESS" : "CUDA_ERROR_UNKNOWN"; return 0; }
            """;
    private static final String CUBLAS = RECORDER + """
            int cublasCreate_v2(void** h) { *h = &token; return 0; }
            int cublasDestroy_v2(void* h) { return 0; }
            int cublasSetStream_v2(void* h, void* s) { return 0; }
            int cublasSetMathMode(void* h, int m) { REC(m); return 0; }
            int cublasGetVersion_v2(void* h, int* v) { *v = 130100; return 0; }
            const char* cublasGetStatusName(int s) { return "CUBLAS_STATUS_INVALID_VALUE"; }
            int cublasSgemm_v2(void* h, int ta, int tb, int m, int n, int k, const float* al, const float* A, int lda,
                               const float* B, int ldb, const float* be, float* C, int ldc) {
                REC(ta, tb, m, n, k, *al, (double) (intptr_t) A, lda, (double) (intptr_t) B, ldb, *be, (double) (intptr_t) C, ldc);
                return m < 0 ? 7 : 0;
            }
            int cublasSgemmStridedBatched(void* h, int ta, int tb, int m, int n, int k, const float* al, const float* A,
                                          int lda, long long sA, const float* B, int ldb, long long sB, const float* be,
                                          float* C, int ldc, long long sC, int batch) {
                REC(ta, tb, m, n, k, *al, (double) (intptr_t) A, lda, sA, (double) (intptr_t) B, ldb, sB, *be,
                    (double) (intptr_t) C, ldc, sC, batch);
                return 0;
            }
            int cublasGemmEx(void* h, int ta, int tb, int m, int n, int k, const void* al, const void* A, int at, int lda,
                             const void* B, int bt, int ldb, const void* be, void* C, int ct, int ldc, int comp, int algo) {
                double a = comp == 70 ? *(const double*) al : *(const float*) al;
                REC(ta, tb, m, n, k, a, at, lda, bt, ldb, ct, ldc, comp, algo);
                return 0;
            }
            """;
    private static final String CUDNN = RECORDER + """
            size_t cudnnGetVersion(void) { return 91000; }
            const char* cudnnGetErrorString(int s) { return s == 2000 ? "CUDNN_STATUS_BAD_PARAM" : "CUDNN_STATUS_OTHER"; }
            #define CREATE(name) int name(void** p) { *p = &token; return 0; }
            #define DESTROY(name) int name(void* p) { return 0; }
            CREATE(cudnnCreate) DESTROY(cudnnDestroy) CREATE(cudnnCreateTensorDescriptor) DESTROY(cudnnDestroyTensorDescriptor)
            CREATE(cudnnCreateFilterDescriptor) DESTROY(cudnnDestroyFilterDescriptor) CREATE(cudnnCreateConvolutionDescriptor)
            DESTROY(cudnnDestroyConvolutionDescriptor) CREATE(cudnnCreatePoolingDescriptor) DESTROY(cudnnDestroyPoolingDescriptor)
            int cudnnSetStream(void* h, void* s) { return 0; }
            int cudnnSetTensorNdDescriptor(void* t, int dt, int nb, const int* d, const int* s) {
                REC(dt, nb, d[0], d[nb - 1], s[0], s[nb - 1]); return nb < 3 ? 2000 : 0; }
            int cudnnSetFilterNdDescriptor(void* f, int dt, int fmt, int nb, const int* d) { REC(dt, fmt, nb, d[0], d[nb - 1]); return 0; }
            int cudnnSetConvolutionNdDescriptor(void* c, int n, const int* p, const int* s, const int* dl, int mode, int ct) {
                REC(n, p[0], s[0], dl[0], mode, ct); return 0; }
            int cudnnSetConvolutionGroupCount(void* c, int g) { return g < 1 ? 2000 : 0; }
            int cudnnSetConvolutionMathType(void* c, int m) { return 0; }
            int cudnnGetConvolutionNdForwardOutputDim(void* c, void* x, void* w, int nb, int* out) {
                for (int i = 0; i < nb; i++) out[i] = 10 + i; return 0; }
            typedef struct { int algo; int status; float time; size_t memory; int det; int math; int reserved[3]; } Perf;
            static int perf(int req, int* cnt, Perf* p) {
                *cnt = 2; p[0].algo = 1; p[0].status = 9; p[0].memory = 77; p[0].time = 0.5f;
                p[1].algo = 6; p[1].status = 0; p[1].memory = 1234; p[1].det = 1; p[1].math = 1; return req < 2 ? 2000 : 0; }
            int cudnnGetConvolutionForwardAlgorithm_v7(void* h, void* a, void* b, void* c, void* e, int r, int* n, Perf* p) { return perf(r, n, p); }
            int cudnnFindConvolutionForwardAlgorithm(void* h, void* a, void* b, void* c, void* e, int r, int* n, Perf* p) { return perf(r, n, p); }
            int cudnnGetConvolutionBackwardDataAlgorithm_v7(void* h, void* a, void* b, void* c, void* e, int r, int* n, Perf* p) { return perf(r, n, p); }
            int cudnnGetConvolutionBackwardFilterAlgorithm_v7(void* h, void* a, void* b, void* c, void* e, int r, int* n, Perf* p) { return perf(r, n, p); }
            int cudnnGetConvolutionForwardWorkspaceSize(void* h, void* a, void* b, void* c, void* e, int algo, size_t* s) { *s = algo * 100 + 1; return 0; }
            int cudnnGetConvolutionBackwardDataWorkspaceSize(void* h, void* a, void* b, void* c, void* e, int algo, size_t* s) { *s = algo * 100 + 2; return 0; }
            int cudnnGetConvolutionBackwardFilterWorkspaceSize(void* h, void* a, void* b, void* c, void* e, int algo, size_t* s) { *s = algo * 100 + 3; return 0; }
            int cudnnConvolutionForward(void* h, const float* al, void* xd, long x, void* wd, long w, void* cd, int algo,
                                        long ws, size_t wsb, const float* be, void* yd, long y) {
                REC(*al, x, w, algo, ws, wsb, *be, y); return 0; }
            int cudnnConvolutionBackwardData(void* h, const float* al, void* wd, long w, void* dyd, long dy, void* cd, int algo,
                                             long ws, size_t wsb, const float* be, void* dxd, long dx) {
                REC(*al, w, dy, algo, ws, wsb, *be, dx); return 0; }
            int cudnnConvolutionBackwardFilter(void* h, const float* al, void* xd, long x, void* dyd, long dy, void* cd,
                                               int algo, long ws, size_t wsb, const float* be, void* dwd, long dw) {
                REC(*al, x, dy, algo, ws, wsb, *be, dw); return 0; }
            int cudnnDeriveBNTensorDescriptor(void* d, void* x, int m) { REC(m); return 0; }
            int cudnnBatchNormalizationForwardTraining(void* h, int mode, const float* al, const float* be, void* xd, long x,
                    void* yd, long y, void* bd, long sc, long bi, double f, long rm, long rv, double eps, long sm, long si) {
                REC(mode, *al, *be, x, y, sc, bi, f, rm, rv, eps, sm, si); return 0; }
            int cudnnBatchNormalizationForwardInference(void* h, int mode, const double* al, const double* be, void* xd,
                    long x, void* yd, long y, void* bd, long sc, long bi, long m, long v, double eps) {
                REC(mode, *al, *be, x, y, sc, bi, m, v, eps); return 0; }
            int cudnnBatchNormalizationBackward(void* h, int mode, const float* a1, const float* b1, const float* a2,
                    const float* b2, void* xd, long x, void* dyd, long dy, void* dxd, long dx, void* bd, long sc, long ds,
                    long db, double eps, long sm, long si) {
                REC(mode, *a1, *b1, *a2, *b2, x, dy, dx, sc, ds, db, eps, sm, si); return 0; }
            int cudnnSetPoolingNdDescriptor(void* p, int mode, int nan, int nb, const int* w, const int* pad, const int* s) {
                REC(mode, nan, nb, w[0], pad[0], s[0]); return 0; }
            int cudnnPoolingForward(void* h, void* p, const float* al, void* xd, long x, const float* be, void* yd, long y) {
                REC(*al, x, *be, y); return 0; }
            int cudnnPoolingBackward(void* h, void* p, const float* al, void* yd, long y, void* dyd, long dy, void* xd,
                    long x, const float* be, void* dxd, long dx) {
                REC(*al, y, dy, x, *be, dx); return 0; }
            """;

    /** The C compiler used to build the stand-ins: {@code -Dsaccade.test.cc}, default {@code cc}. */
    private static final String CC = System.getProperty("saccade.test.cc", "cc");

    private static SymbolLookup driverLib, cublasLib, cudnnLib;
    /** Why the stand-ins could not be built on this machine (no usable C compiler), or null when they were. */
    private static String noCompiler;

    @BeforeAll
    static void compileStandIns(@TempDir Path dir) throws Exception {
        noCompiler = probeCompiler(dir);
        if (noCompiler != null) return;
        driverLib = compile(dir, "libcuda-standin.so", DRIVER);
        cublasLib = compile(dir, "libcublas-standin.so", CUBLAS);
        cudnnLib = compile(dir, "libcudnn-standin.so", CUDNN);
    }

    /**
     * Null when {@link #CC} builds a shared library from the headers the stand-ins use; otherwise the reason (the
     * GPU machine may have no compiler: that skips these tests, it does not fail them). A stand-in that then fails
     * to compile is a real failure.
     */
    private static String probeCompiler(Path dir) throws IOException, InterruptedException {
        Path c = dir.resolve("probe.c"), so = dir.resolve("libprobe.so");
        Files.writeString(c, RECORDER);
        Process p;
        try {
            p = new ProcessBuilder(CC, "-shared", "-fPIC", "-o", so.toString(), c.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "no C compiler (" + CC + ") to build the stand-in libraries: " + e.getMessage();
        }
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0)
            return "the C compiler cannot build shared libraries here (" + CC + "): " + log.strip();
        return null;
    }

    private static SymbolLookup compile(Path dir, String name, String source) throws IOException, InterruptedException {
        Path c = dir.resolve(name + ".c"), so = dir.resolve(name);
        Files.writeString(c, source);
        Process p = new ProcessBuilder(CC, "-shared", "-fPIC", "-O0", "-z", "noexecstack", "-o", so.toString(), c.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError(CC + " failed for " + name + ": " + log);
        return SymbolLookup.libraryLookup(so, Arena.global());
    }

    /** Skips (with the reason) when the stand-ins could not be built. */
    private static void requireStandIns() {
        assumeTrue(noCompiler == null, () -> noCompiler);
    }

    /** The scalar arguments the last stand-in call recorded. */
    private static double[] recorded(SymbolLookup lib) {
        MethodHandle h = Linker.nativeLinker().downcallHandle(lib.find("recorded").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_DOUBLE, 24);
            int n = (int) h.invokeExact(out);
            double[] all = out.toArray(JAVA_DOUBLE);
            return java.util.Arrays.copyOf(all, n);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void driverBindings() {
        requireStandIns();
        CudaDriver cu = CudaDriver.bind(driverLib);
        cu.init(0);
        assertEquals(13000, cu.driverGetVersion());
        assertEquals(1, cu.deviceGetCount());
        int dev = cu.deviceGet(2);
        assertEquals(42, dev);
        assertEquals("Stand-in GPU", cu.deviceGetName(dev));
        assertArrayEquals(new double[] {256, 42}, recorded(driverLib));
        assertEquals(16 * 1000 + 42, cu.deviceGetAttribute(CudaDriver.ATTRIBUTE_MULTIPROCESSOR_COUNT, dev));
        assertEquals(80L << 30, cu.deviceTotalMem(dev));
        cu.ctxSetCurrent(cu.devicePrimaryCtxRetain(dev));
        CudaException wrongContext = assertThrows(CudaException.class, () -> cu.ctxSetCurrent(MemorySegment.NULL));
        assertEquals("cuCtxSetCurrent", wrongContext.call());
        cu.ctxSynchronize();

        long p = cu.memAlloc(64), q = cu.memAlloc(64);
        try (Arena arena = Arena.ofConfined()) {
            cu.memcpyHtoD(p, arena.allocateFrom(JAVA_FLOAT, 1f, 2f, 3f, 4f), 16);
            cu.memcpyDtoD(q, p, 16);
            cu.memsetD8(p, (byte) 0, 16);
            MemorySegment back = arena.allocate(JAVA_FLOAT, 4);
            cu.memcpyDtoH(back, q, 16);
            assertArrayEquals(new float[] {1, 2, 3, 4}, back.toArray(JAVA_FLOAT));
            cu.memcpyDtoH(back, p, 16);
            assertArrayEquals(new float[4], back.toArray(JAVA_FLOAT));
        }
        cu.memFree(p);
        cu.memFree(q);
        CudaException oom = assertThrows(CudaException.class, () -> cu.memAlloc(1L << 50));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", oom.errorName());
        assertEquals("cuMemAlloc_v2", oom.call());

        MemorySegment module;
        try (Arena arena = Arena.ofConfined()) {
            byte[] fatbin = CudaModules.readFatbin("temporal_shift.fatbin");
            MemorySegment image = arena.allocate(fatbin.length, 16);
            image.copyFrom(MemorySegment.ofArray(fatbin));
            module = cu.moduleLoadData(image);
        }
        MemorySegment f = cu.moduleGetFunction(module, "temporal_shift_f32");
        assertArrayEquals(new double[] {"temporal_shift_f32".length()}, recorded(driverLib));
        MemorySegment stream = cu.streamCreate(CudaDriver.STREAM_NON_BLOCKING);
        assertArrayEquals(new double[] {1}, recorded(driverLib));
        try (Arena arena = Arena.ofConfined()) {
            Object[] args = {123456789L, -7, 1.5f, 2.25, StridedLayout.contiguous(9, 3)};
            MemorySegment params = arena.allocate(ADDRESS, args.length);
            for (int i = 0; i < args.length; i++) params.setAtIndex(ADDRESS, i, CudaModules.argument(arena, "k", i, args[i]));
            cu.launchKernel(f, 3, 2, 1, 128, 2, 1, 64, stream, params);
        }
        // grid, block, shared, then the packed arguments: long, int, float, double, struct shape[0] (offset 8)
        assertArrayEquals(new double[] {3, 2, 1, 128, 2, 1, 64, 123456789, -7, 1.5, 2.25, 9, 0}, recorded(driverLib));
        cu.streamSynchronize(stream);
        MemorySegment e = cu.eventCreate(CudaDriver.EVENT_DEFAULT);
        cu.eventRecord(e, stream);
        cu.eventSynchronize(e);
        assertEquals(2.5f, cu.eventElapsedTime(e, e));

        // debug mode: a launch followed by a failing synchronisation names the kernel and its grid
        setSyncStatus(700);
        try {
            CudaException named = assertThrows(CudaException.class, () -> CudaModules.launchOn(cu, f, "temporal_shift_f32",
                    LaunchConfig.of(3, 128), MemorySegment.NULL, true, STAND_IN_ARGS));
            assertEquals(700, named.status());
            assertTrue(named.getMessage().startsWith("kernel temporal_shift_f32 (grid 3×1×1, block 128×1×1) failed: CUDA_ERROR_ILLEGAL_ADDRESS"),
                    named.getMessage());
            // without it, the next call reports the asynchronous failure and points at the last kernel and the switch
            CudaModules.launchOn(cu, f, "frame_diff_m2a_f32", LaunchConfig.of(1, 32), MemorySegment.NULL, false, STAND_IN_ARGS);
            CudaException later = assertThrows(CudaException.class, cu::ctxSynchronize);
            assertTrue(later.getMessage().contains("last queued: frame_diff_m2a_f32") && later.getMessage().contains("saccade.cuda.sync=true"),
                    later.getMessage());
        } finally {
            setSyncStatus(0);
        }
    }

    /** Arguments of the types the stand-in cuLaunchKernel reads back: long, int, float, double, struct. */
    private static final Object[] STAND_IN_ARGS = {1L, 2, 3f, 4.0, StridedLayout.contiguous(5)};

    private static void setSyncStatus(int status) {
        MethodHandle h = Linker.nativeLinker().downcallHandle(driverLib.find("set_sync_status").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT));
        try {
            h.invokeExact(status);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void cublasBindingsAndRowMajorMapping() {
        requireStandIns();
        Cublas blas = Cublas.bind(cublasLib, "stand-in");
        MemorySegment h = blas.create();
        blas.setStream(h, MemorySegment.NULL);
        blas.setMathMode(h, Cublas.TF32_TENSOR_OP_MATH);
        assertArrayEquals(new double[] {3}, recorded(cublasLib));
        assertEquals(130100, blas.version(h));
        // row-major C (2, 3) = Aᵀ·B with A stored (4, 2), B (4, 3): column-major Cᵀ = Bᵀ·A → sgemm(N, T, 3, 2, 4)
        blas.rowMajorSgemm(h, true, false, 2, 3, 4, 2f, 100, 2, 200, 3, 0.5f, 300, 3);
        assertArrayEquals(new double[] {Cublas.OP_N, Cublas.OP_T, 3, 2, 4, 2, 200, 3, 100, 2, 0.5, 300, 3}, recorded(cublasLib));
        blas.rowMajorSgemmStridedBatched(h, false, true, 2, 3, 4, 1f, 100, 4, 8, 200, 4, 12, 0f, 300, 3, 6, 5);
        assertArrayEquals(new double[] {Cublas.OP_T, Cublas.OP_N, 3, 2, 4, 1, 200, 4, 12, 100, 4, 8, 0, 300, 3, 6, 5},
                recorded(cublasLib));
        blas.gemmEx(h, Cublas.OP_N, Cublas.OP_T, 5, 6, 7, 0.25, 1, Cublas.R_32F, 5, 2, Cublas.R_16BF, 6, 0, 3,
                Cublas.R_32F, 5, Cublas.COMPUTE_32F_FAST_TF32, Cublas.GEMM_DEFAULT);
        assertArrayEquals(new double[] {0, 1, 5, 6, 7, 0.25, 0, 5, 14, 6, 0, 5, 77, -1}, recorded(cublasLib));
        blas.gemmEx(h, 0, 0, 1, 1, 1, 0.125, 1, Cublas.R_64F, 1, 2, Cublas.R_64F, 1, 0, 3, Cublas.R_64F, 1,
                Cublas.COMPUTE_64F, Cublas.GEMM_DEFAULT);
        assertEquals(0.125, recorded(cublasLib)[5], "double α for COMPUTE_64F");
        CudaException bad = assertThrows(CudaException.class, () -> blas.sgemm(h, 0, 0, -1, 1, 1, 1f, 0, 1, 0, 1, 0f, 0, 1));
        assertEquals("cublasSgemm_v2", bad.call());
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", bad.errorName());
        blas.destroy(h);
    }

    @Test
    void cudnnBindings() {
        requireStandIns();
        Cudnn dnn = Cudnn.bind(cudnnLib);
        assertEquals(91000, dnn.version());
        assertEquals("CUDNN_STATUS_BAD_PARAM", dnn.errorString(Cudnn.STATUS_BAD_PARAM));
        assertEquals(Cudnn.STATUS_BAD_PARAM, Cudnn.statusCategory(2003));
        assertEquals(Cudnn.STATUS_NOT_SUPPORTED, Cudnn.statusCategory(3000));
        MemorySegment h = dnn.create();
        dnn.setStream(h, MemorySegment.NULL);
        MemorySegment x = dnn.tensorNd(Cudnn.DATA_FLOAT, new int[] {2, 4, 7, 6});
        assertArrayEquals(new double[] {0, 4, 2, 6, 168, 1}, recorded(cudnnLib));
        assertThrows(IllegalArgumentException.class, () -> dnn.tensorNd(Cudnn.DATA_FLOAT, new int[] {2, 4}, new int[] {4, 1}));
        MemorySegment w = dnn.filterNd(Cudnn.DATA_FLOAT, new int[] {6, 2, 3, 3});
        assertArrayEquals(new double[] {0, Cudnn.FORMAT_NCHW, 4, 6, 3}, recorded(cudnnLib));
        MemorySegment conv = dnn.convolutionNd(new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, 2, Cudnn.DATA_FLOAT,
                Cudnn.TENSOR_OP_MATH);
        CudaException badGroups = assertThrows(CudaException.class, () -> dnn.convolutionNd(new int[] {0}, new int[] {1},
                new int[] {1}, 0, Cudnn.DATA_FLOAT, Cudnn.DEFAULT_MATH));
        assertEquals("cudnnSetConvolutionGroupCount", badGroups.call());
        assertEquals("CUDNN_STATUS_BAD_PARAM", badGroups.errorName());
        assertEquals(Cudnn.STATUS_BAD_PARAM, badGroups.status());
        assertArrayEquals(new int[] {10, 11, 12, 13}, dnn.convolutionForwardOutputDim(conv, x, w, 4));

        Cudnn.AlgoPerf[] perfs = dnn.convolutionForwardAlgorithms(h, x, w, conv, x);
        assertEquals(2, perfs.length);
        assertEquals(new Cudnn.AlgoPerf(1, 9, 0.5f, 77, 0, 0), perfs[0]);
        assertEquals(new Cudnn.AlgoPerf(6, 0, 0f, 1234, 1, 1), perfs[1]);
        assertEquals(2, dnn.findConvolutionForwardAlgorithms(h, x, w, conv, x).length);
        int algo = dnn.convolutionForwardAlgorithm(h, x, w, conv, x);
        assertEquals(6, algo, "first algorithm with status 0");
        assertEquals(601, dnn.convolutionForwardWorkspace(h, x, w, conv, x, algo));
        dnn.convolutionForward(h, Cudnn.DATA_FLOAT, 1, x, 11, w, 12, conv, algo, 13, 601, 0.5, x, 14);
        assertArrayEquals(new double[] {1, 11, 12, 6, 13, 601, 0.5, 14}, recorded(cudnnLib));
        int bd = dnn.convolutionBackwardDataAlgorithm(h, w, x, conv, x);
        assertEquals(602, dnn.convolutionBackwardDataWorkspace(h, w, x, conv, x, bd));
        dnn.convolutionBackwardData(h, Cudnn.DATA_FLOAT, 1, w, 21, x, 22, conv, bd, 23, 602, 0, x, 24);
        assertArrayEquals(new double[] {1, 21, 22, 6, 23, 602, 0, 24}, recorded(cudnnLib));
        int bf = dnn.convolutionBackwardFilterAlgorithm(h, x, x, conv, w);
        assertEquals(603, dnn.convolutionBackwardFilterWorkspace(h, x, x, conv, w, bf));
        dnn.convolutionBackwardFilter(h, Cudnn.DATA_FLOAT, 2, x, 31, x, 32, conv, bf, 33, 603, 1, w, 34);
        assertArrayEquals(new double[] {2, 31, 32, 6, 33, 603, 1, 34}, recorded(cudnnLib));

        MemorySegment bn = dnn.deriveBatchNormDescriptor(x, Cudnn.BATCHNORM_SPATIAL);
        assertArrayEquals(new double[] {1}, recorded(cudnnLib));
        dnn.batchNormForwardTraining(h, Cudnn.BATCHNORM_SPATIAL, Cudnn.DATA_FLOAT, x, 1, x, 2, bn, 3, 4, 0.1, 5, 6, 1e-5, 7, 8);
        assertArrayEquals(new double[] {1, 1, 0, 1, 2, 3, 4, 0.1, 5, 6, 1e-5, 7, 8}, recorded(cudnnLib));
        dnn.batchNormForwardInference(h, Cudnn.BATCHNORM_SPATIAL, Cudnn.DATA_DOUBLE, x, 1, x, 2, bn, 3, 4, 5, 6, 1e-3);
        assertArrayEquals(new double[] {1, 1, 0, 1, 2, 3, 4, 5, 6, 1e-3}, recorded(cudnnLib), "double α/β for f64 data");
        dnn.batchNormBackward(h, Cudnn.BATCHNORM_SPATIAL, Cudnn.DATA_FLOAT, x, 1, x, 2, x, 3, bn, 4, 5, 6, true, 1e-5, 7, 8);
        assertArrayEquals(new double[] {1, 1, 0, 1, 1, 1, 2, 3, 4, 5, 6, 1e-5, 7, 8}, recorded(cudnnLib));

        MemorySegment pool = dnn.poolingNd(Cudnn.POOLING_MAX, Cudnn.PROPAGATE_NAN, new int[] {3, 3}, new int[] {1, 1},
                new int[] {2, 2});
        assertArrayEquals(new double[] {0, 1, 2, 3, 1, 2}, recorded(cudnnLib));
        dnn.poolingForward(h, pool, Cudnn.DATA_FLOAT, 1, x, 41, 0, x, 42);
        assertArrayEquals(new double[] {1, 41, 0, 42}, recorded(cudnnLib));
        dnn.poolingBackward(h, pool, Cudnn.DATA_FLOAT, 1, x, 51, x, 52, x, 53, 0, x, 54);
        assertArrayEquals(new double[] {1, 51, 52, 53, 0, 54}, recorded(cudnnLib));
        dnn.destroyPooling(pool);
        dnn.destroyTensor(bn);
        dnn.destroyConvolution(conv);
        dnn.destroyFilter(w);
        dnn.destroyTensor(x);
        dnn.destroy(h);
    }
}
