package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.Storage;
import java.lang.ref.Cleaner;

/**
 * A tensor storage in device memory: {@code length} elements of {@code dtype} in a {@link DeviceBuffer} from the
 * caching {@link CudaAllocator}. The block goes back to the allocator's cache when the {@link DeviceScope} it was
 * allocated in closes (unless kept), or else when the storage becomes unreachable (a {@link Cleaner}, the fallback:
 * the collector does not see device memory); all work is queued on the legacy default stream, so a block reused later is only touched
 * after the kernels that used it before, as in PyTorch's single-stream caching allocator.
 *
 * <pre>{@code
 * CudaStorage s = CudaStorage.allocate(DType.F32, 1024);   // (1024) f32, zero-filled
 * long p = s.address();                                     // CUdeviceptr of element 0
 * }</pre>
 */
public final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final DType dtype;
    private final int length;
    private final DeviceBuffer buffer;

    private CudaStorage(DType dtype, int length, DeviceBuffer buffer) {
        this.dtype = dtype;
        this.length = length;
        this.buffer = buffer;
        if (length > 0) CLEANER.register(this, buffer::close);
    }

    /**
     * An uninitialised buffer of {@code length} elements. A zero-length storage (a tensor with a size-0 axis) owns no
     * device memory and touches no native code: its address is 0 and no kernel ever reads it.
     */
    static CudaStorage uninitialised(DType dtype, int length) {
        if (length < 0) throw new IllegalArgumentException("CUDA storage length must be ≥ 0, got " + length);
        if (length == 0) return new CudaStorage(dtype, 0, new DeviceBuffer(0L, 0L, p -> { }));
        return new CudaStorage(dtype, length, allocateWithRetry((long) length * dtype.bytes()));
    }

    /** A zero-filled buffer of {@code length} elements. */
    public static CudaStorage allocate(DType dtype, int length) {
        CudaStorage s = uninitialised(dtype, length);
        if (length > 0) s.buffer.zero();
        return s;
    }

    /**
     * Allocates from the shared cache (which trims itself and retries once on a failed {@code cuMemAlloc}); as a last
     * resort collects garbage, so that unreachable storages return their blocks, and tries once more.
     */
    private static DeviceBuffer allocateWithRetry(long bytes) {
        return CollectAndRetry.run(() -> CudaAllocator.shared().allocate(bytes));
    }

    @Override public DType dtype() { return dtype; }
    @Override public Device device() { return Device.cuda(0); }
    @Override public int length() { return length; }

    /** The device address of element 0. */
    public long address() { return buffer.address(); }

    /** The underlying device buffer. */
    public DeviceBuffer buffer() { return buffer; }

    @Override public String toString() { return "CudaStorage[" + dtype + " × " + length + ", " + buffer + "]"; }
}
