package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.LongConsumer;

/**
 * A device allocation of {@code bytes} bytes at {@code address} ({@code CUdeviceptr}), released by its owner on
 * {@link #close()} (freed with {@code cuMemFree}, or handed back to a {@link CudaAllocator}'s cache). Closing twice
 * is harmless; using a closed buffer throws.
 *
 * <pre>{@code
 * try (DeviceBuffer x = DeviceBuffer.allocate(4L * 1024)) {   // (1024) f32
 *     x.copyFrom(new float[1024]);
 *     float[] back = x.toFloatArray(1024);
 * }
 * }</pre>
 */
public final class DeviceBuffer implements AutoCloseable {
    private final long address;
    private final long bytes;
    private final LongConsumer release;
    /** What owns the memory of a borrowed view (kept reachable as long as this buffer is); null for owners. */
    private final Object owner;
    private volatile boolean closed;

    /** Wraps an allocation; {@code release} receives the address once, on the first close. */
    public DeviceBuffer(long address, long bytes, LongConsumer release) {
        this(address, bytes, release, null);
    }

    private DeviceBuffer(long address, long bytes, LongConsumer release, Object owner) {
        this.address = address;
        this.bytes = bytes;
        this.release = release;
        this.owner = owner;
    }

    /**
     * A non-owning view of {@code bytes} bytes at {@code address} inside memory that {@code owner} holds (e.g. a
     * tensor's storage). Closing it does nothing; while the view is reachable, so is {@code owner}, so a kernel
     * launched with the view cannot see the owner's memory returned to the cache before the launch is queued.
     */
    public static DeviceBuffer borrowed(long address, long bytes, Object owner) {
        return new DeviceBuffer(address, bytes, p -> { }, owner);
    }

    /** The owner of a borrowed view, null for an owning buffer. */
    Object owner() { return owner; }

    /** A fresh {@code cuMemAlloc_v2} allocation freed with {@code cuMemFree_v2} on close (no caching). */
    public static DeviceBuffer allocate(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("device allocation size must be positive, got " + bytes);
        long p = Cuda.driver().memAlloc(bytes);
        return new DeviceBuffer(p, bytes, ptr -> Cuda.driver().memFree(ptr));
    }

    /** The device address of the first byte. */
    public long address() {
        if (closed) throw new IllegalStateException("device buffer of " + bytes + " bytes is closed (released by its"
                + " owner or by the DeviceScope it was allocated in; keep tensors that outlive a scope with DeviceScope.keep)");
        return address;
    }

    /** The device address {@code byteOffset} bytes in. */
    public long address(long byteOffset) {
        if (byteOffset < 0 || byteOffset > bytes)
            throw new IndexOutOfBoundsException("offset " + byteOffset + " outside a " + bytes + "-byte device buffer");
        return address() + byteOffset;
    }

    /** Size in bytes (as requested; a cached block may be larger). */
    public long bytes() { return bytes; }

    private void checkFits(long n, String what) {
        if (n > bytes) throw new IllegalArgumentException(what + " of " + n + " bytes does not fit a " + bytes + "-byte device buffer");
    }

    /** Copies {@code src} to the start of this buffer ({@code cuMemcpyHtoD_v2}). */
    public void copyFrom(MemorySegment src) {
        checkFits(src.byteSize(), "host → device copy");
        Cuda.driver().memcpyHtoD(address(), src, src.byteSize());
    }

    /** Copies {@code dst.byteSize()} bytes from the start of this buffer into {@code dst} ({@code cuMemcpyDtoH_v2}). */
    public void copyTo(MemorySegment dst) {
        checkFits(dst.byteSize(), "device → host copy");
        Cuda.driver().memcpyDtoH(dst, address(), dst.byteSize());
    }

    /** Copies a float array to the start of this buffer. */
    public void copyFrom(float[] src) {
        try (Arena arena = Arena.ofConfined()) { copyFrom(arena.allocateFrom(JAVA_FLOAT, src)); }
    }

    /** Copies a double array to the start of this buffer. */
    public void copyFrom(double[] src) {
        try (Arena arena = Arena.ofConfined()) { copyFrom(arena.allocateFrom(JAVA_DOUBLE, src)); }
    }

    /** Copies a long array (e.g. int64 indices) to the start of this buffer. */
    public void copyFrom(long[] src) {
        try (Arena arena = Arena.ofConfined()) { copyFrom(arena.allocateFrom(JAVA_LONG, src)); }
    }

    /** Reads the first {@code n} floats. */
    public float[] toFloatArray(int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(JAVA_FLOAT, n);
            copyTo(host);
            return host.toArray(JAVA_FLOAT);
        }
    }

    /** Reads the first {@code n} doubles. */
    public double[] toDoubleArray(int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(JAVA_DOUBLE, n);
            copyTo(host);
            return host.toArray(JAVA_DOUBLE);
        }
    }

    /** Reads the first {@code n} longs. */
    public long[] toLongArray(int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(JAVA_LONG, n);
            copyTo(host);
            return host.toArray(JAVA_LONG);
        }
    }

    /** Sets every byte to 0 ({@code cuMemsetD8_v2}). */
    public void zero() { Cuda.driver().memsetD8(address(), (byte) 0, bytes); }

    /** Copies {@code n} bytes from the start of {@code src} to the start of this buffer ({@code cuMemcpyDtoD_v2}). */
    public void copyFrom(DeviceBuffer src, long n) {
        checkFits(n, "device → device copy");
        src.checkFits(n, "device → device copy");
        Cuda.driver().memcpyDtoD(address(), src.address(), n);
    }

    /**
     * Releases the allocation to its owner; later calls do nothing. Synchronised: a storage's cleaner (on the cleaner
     * thread) and the {@link DeviceScope} that owns the buffer may both close it, and the block must go back once.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        release.accept(address);
    }

    @Override
    public String toString() { return "DeviceBuffer[0x" + Long.toHexString(address) + ", " + bytes + " bytes]"; }
}
