package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Hand-written FFM bindings to the CUDA driver API ({@code libcuda.so.1}), the calls saccade needs.
 * {@code CUdeviceptr} is a Java {@code long}; {@code CUcontext}, {@code CUmodule}, {@code CUfunction},
 * {@code CUstream} and {@code CUevent} are {@link MemorySegment} addresses; {@code CUdevice} is an {@code int}.
 * Every status is checked: a failure throws {@link CudaException} naming the call and the error
 * ({@code cuGetErrorName}). Reference: CUDA Driver API, https://docs.nvidia.com/cuda/cuda-driver-api/.
 *
 * <p>Most code should go through {@link Cuda#driver()}, which also makes the primary context current on the
 * calling thread.
 *
 * <pre>{@code
 * CudaDriver cu = Cuda.driver();
 * long p = cu.memAlloc(1024);
 * cu.memsetD8(p, (byte) 0, 1024);
 * cu.memFree(p);
 * }</pre>
 */
public final class CudaDriver {
    /** Library file name of the driver API. */
    public static final String LIBRARY = "libcuda.so.1";
    /** {@code CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT}. */
    public static final int ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    /** {@code CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE}. */
    public static final int ATTRIBUTE_L2_CACHE_SIZE = 38;
    /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR}. */
    public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR}. */
    public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    /** {@code CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN}. */
    public static final int ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
    /** {@code CU_STREAM_NON_BLOCKING}. */
    public static final int STREAM_NON_BLOCKING = 1;
    /** {@code CU_EVENT_DEFAULT}. */
    public static final int EVENT_DEFAULT = 0;

    private static final int CUDA_SUCCESS = 0;

    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuCtxSetCurrent, cuCtxSynchronize,
            cuMemAlloc, cuMemFree, cuMemcpyHtoD, cuMemcpyDtoH, cuMemcpyDtoD, cuMemsetD8, cuModuleLoadData,
            cuModuleGetFunction, cuLaunchKernel, cuStreamCreate, cuStreamSynchronize, cuEventCreate, cuEventRecord,
            cuEventSynchronize, cuEventElapsedTime, cuGetErrorName;
    private final String elapsedTimeSymbol;

    private CudaDriver(SymbolLookup lib) {
        cuInit = h(lib, "cuInit", JAVA_INT);
        cuDriverGetVersion = h(lib, "cuDriverGetVersion", ADDRESS);
        cuDeviceGetCount = h(lib, "cuDeviceGetCount", ADDRESS);
        cuDeviceGet = h(lib, "cuDeviceGet", ADDRESS, JAVA_INT);
        cuDeviceGetName = h(lib, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceGetAttribute = h(lib, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceTotalMem = h(lib, "cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRetain = h(lib, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        cuCtxSetCurrent = h(lib, "cuCtxSetCurrent", ADDRESS);
        cuCtxSynchronize = h(lib, "cuCtxSynchronize");
        cuMemAlloc = h(lib, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        cuMemFree = h(lib, "cuMemFree_v2", JAVA_LONG);
        cuMemcpyHtoD = h(lib, "cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        cuMemcpyDtoH = h(lib, "cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        cuMemcpyDtoD = h(lib, "cuMemcpyDtoD_v2", JAVA_LONG, JAVA_LONG, JAVA_LONG);
        cuMemsetD8 = h(lib, "cuMemsetD8_v2", JAVA_LONG, JAVA_BYTE, JAVA_LONG);
        cuModuleLoadData = h(lib, "cuModuleLoadData", ADDRESS, ADDRESS);
        cuModuleGetFunction = h(lib, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        cuLaunchKernel = h(lib, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        cuStreamCreate = h(lib, "cuStreamCreate", ADDRESS, JAVA_INT);
        cuStreamSynchronize = h(lib, "cuStreamSynchronize", ADDRESS);
        cuEventCreate = h(lib, "cuEventCreate", ADDRESS, JAVA_INT);
        cuEventRecord = h(lib, "cuEventRecord", ADDRESS, ADDRESS);
        cuEventSynchronize = h(lib, "cuEventSynchronize", ADDRESS);
        // CUDA 12.8 added cuEventElapsedTime_v2 and CUDA 13's header maps cuEventElapsedTime onto it.
        FunctionDescriptor elapsed = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        elapsedTimeSymbol = lib.find("cuEventElapsedTime_v2").isPresent() ? "cuEventElapsedTime_v2" : "cuEventElapsedTime";
        cuEventElapsedTime = NativeLibraries.downcall(lib, LIBRARY, elapsedTimeSymbol, elapsed);
        cuGetErrorName = h(lib, "cuGetErrorName", JAVA_INT, ADDRESS);
    }

    /**
     * Loads {@code libcuda.so.1} and binds every function (does not call {@code cuInit}).
     *
     * @throws CudaException when the library or one of its symbols is missing
     */
    public static CudaDriver load() {
        return new CudaDriver(NativeLibraries.load(LIBRARY));
    }

    /** Binds to an already loaded library (tests bind to a stand-in with the same symbols). */
    static CudaDriver bind(SymbolLookup library) {
        return new CudaDriver(library);
    }

    private static MethodHandle h(SymbolLookup lib, String name, java.lang.foreign.MemoryLayout... args) {
        return NativeLibraries.downcall(lib, LIBRARY, name, FunctionDescriptor.of(JAVA_INT, args));
    }

    private void check(String call, int status) {
        if (status == CUDA_SUCCESS) return;
        String name = errorName(status);
        if (isAsynchronousKernelError(status)) {
            // The failure belongs to a kernel queued earlier, not to this call: say which one ran last and how to pin it.
            name += " (raised by an earlier asynchronous kernel; last queued: " + CudaModules.lastLaunched()
                    + "; run with -D" + CudaModules.SYNC_PROPERTY + "=true to synchronise after each launch and name it)";
        }
        throw new CudaException(call, status, name);
    }

    /**
     * Whether a CUresult is a kernel's execution failure, reported by whichever call comes next (700 illegal
     * address, 702 launch timeout, 710 device assert, 714–719 hardware stack error, illegal instruction, misaligned
     * address, invalid address space, invalid PC, launch failed). The context is unusable afterwards.
     */
    static boolean isAsynchronousKernelError(int status) {
        return status == 700 || status == 702 || status == 710 || (status >= 714 && status <= 719);
    }

    /** {@code cuGetErrorName} (Error Handling): the symbolic name of a CUresult, e.g. {@code CUDA_ERROR_NO_DEVICE}. */
    public String errorName(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) cuGetErrorName.invokeExact(status, out);
            return rc == CUDA_SUCCESS ? NativeLibraries.cString(out.get(ADDRESS, 0)) : "CUresult " + status;
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** {@code cuInit} (Initialization): initialises the driver API; flags must be 0. */
    public void init(int flags) {
        try { check("cuInit", (int) cuInit.invokeExact(flags)); } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuDriverGetVersion} (Version Management): e.g. 13000 for CUDA 13.0. */
    public int driverGetVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDriverGetVersion", (int) cuDriverGetVersion.invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuDeviceGetCount} (Device Management): number of CUDA devices. */
    public int deviceGetCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDeviceGetCount", (int) cuDeviceGetCount.invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuDeviceGet} (Device Management): the device handle for an ordinal. */
    public int deviceGet(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDeviceGet", (int) cuDeviceGet.invokeExact(out, ordinal));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuDeviceGetName} (Device Management): e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceGetName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(256);
            check("cuDeviceGetName", (int) cuDeviceGetName.invokeExact(out, 256, device));
            return out.getString(0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuDeviceGetAttribute} (Device Management): one {@code CU_DEVICE_ATTRIBUTE_*} value. */
    public int deviceGetAttribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", (int) cuDeviceGetAttribute.invokeExact(out, attribute, device));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuDeviceTotalMem_v2} (Device Management): device memory in bytes. */
    public long deviceTotalMem(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", (int) cuDeviceTotalMem.invokeExact(out, device));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuDevicePrimaryCtxRetain} (Primary Context Management): the device's primary context. */
    public MemorySegment devicePrimaryCtxRetain(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) cuDevicePrimaryCtxRetain.invokeExact(out, device));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuCtxSetCurrent} (Context Management): binds a context to the calling CPU thread. */
    public void ctxSetCurrent(MemorySegment context) {
        try { check("cuCtxSetCurrent", (int) cuCtxSetCurrent.invokeExact(context)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuCtxSynchronize} (Context Management): waits for all work in the current context. */
    public void ctxSynchronize() {
        try { check("cuCtxSynchronize", (int) cuCtxSynchronize.invokeExact()); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuMemAlloc_v2} (Memory Management): allocates {@code bytes} of device memory (256-byte aligned). */
    public long memAlloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check("cuMemAlloc_v2", (int) cuMemAlloc.invokeExact(out, bytes));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuMemFree_v2} (Memory Management). */
    public void memFree(long devicePointer) {
        try { check("cuMemFree_v2", (int) cuMemFree.invokeExact(devicePointer)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuMemcpyHtoD_v2} (Memory Management): host → device, synchronous. */
    public void memcpyHtoD(long dst, MemorySegment src, long bytes) {
        try { check("cuMemcpyHtoD_v2", (int) cuMemcpyHtoD.invokeExact(dst, src, bytes)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuMemcpyDtoH_v2} (Memory Management): device → host, synchronous. */
    public void memcpyDtoH(MemorySegment dst, long src, long bytes) {
        try { check("cuMemcpyDtoH_v2", (int) cuMemcpyDtoH.invokeExact(dst, src, bytes)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuMemcpyDtoD_v2} (Memory Management): device → device. */
    public void memcpyDtoD(long dst, long src, long bytes) {
        try { check("cuMemcpyDtoD_v2", (int) cuMemcpyDtoD.invokeExact(dst, src, bytes)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuMemsetD8_v2} (Memory Management): sets {@code count} bytes to {@code value}. */
    public void memsetD8(long dst, byte value, long count) {
        try { check("cuMemsetD8_v2", (int) cuMemsetD8.invokeExact(dst, value, count)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuModuleLoadData} (Module Management): loads a cubin, PTX or fatbin image from host memory. */
    public MemorySegment moduleLoadData(MemorySegment image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuModuleLoadData", (int) cuModuleLoadData.invokeExact(out, image));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuModuleGetFunction} (Module Management): a kernel handle by its (extern "C") name. */
    public MemorySegment moduleGetFunction(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) cuModuleGetFunction.invokeExact(out, module, arena.allocateFrom(name));
            if (rc != CUDA_SUCCESS) throw new CudaException("cuModuleGetFunction(" + name + ")", rc, errorName(rc));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /**
     * {@code cuLaunchKernel} (Execution Control): launches {@code function} with {@code kernelParams}, an array of
     * pointers to each argument's value ({@code void**}); {@code stream} NULL is the legacy default stream.
     */
    public void launchKernel(MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int blockY,
                             int blockZ, int sharedBytes, MemorySegment stream, MemorySegment kernelParams) {
        try {
            check("cuLaunchKernel", (int) cuLaunchKernel.invokeExact(function, gridX, gridY, gridZ, blockX, blockY,
                    blockZ, sharedBytes, stream, kernelParams, MemorySegment.NULL));
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuStreamCreate} (Stream Management): flags {@code CU_STREAM_DEFAULT} (0) or {@link #STREAM_NON_BLOCKING}. */
    public MemorySegment streamCreate(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuStreamCreate", (int) cuStreamCreate.invokeExact(out, flags));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuStreamSynchronize} (Stream Management). */
    public void streamSynchronize(MemorySegment stream) {
        try { check("cuStreamSynchronize", (int) cuStreamSynchronize.invokeExact(stream)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuEventCreate} (Event Management). */
    public MemorySegment eventCreate(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuEventCreate", (int) cuEventCreate.invokeExact(out, flags));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuEventRecord} (Event Management). */
    public void eventRecord(MemorySegment event, MemorySegment stream) {
        try { check("cuEventRecord", (int) cuEventRecord.invokeExact(event, stream)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuEventSynchronize} (Event Management). */
    public void eventSynchronize(MemorySegment event) {
        try { check("cuEventSynchronize", (int) cuEventSynchronize.invokeExact(event)); }
        catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }

    /** {@code cuEventElapsedTime} (Event Management; {@code _v2} where the driver has it): milliseconds between two events. */
    public float eventElapsedTime(MemorySegment start, MemorySegment end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT);
            check(elapsedTimeSymbol, (int) cuEventElapsedTime.invokeExact(out, start, end));
            return out.get(JAVA_FLOAT, 0);
        } catch (Throwable t) { throw NativeLibraries.rethrow(t); }
    }
}
