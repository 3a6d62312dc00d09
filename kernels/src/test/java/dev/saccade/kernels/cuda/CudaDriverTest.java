package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Driver bindings on a real device: memory, copies, events, errors, threads. Skipped without a GPU. */
class CudaDriverTest {

    @Test
    void copiesRoundTrip() {
        GpuTesting.requireGpu();
        float[] host = GpuTesting.randomFloats(1000, 11);
        try (DeviceBuffer a = GpuTesting.upload(host); DeviceBuffer b = DeviceBuffer.allocate(4000)) {
            b.copyFrom(a, 4000);
            assertArrayEquals(host, b.toFloatArray(1000));
            b.zero();
            assertArrayEquals(new float[1000], b.toFloatArray(1000));
            long[] idx = {3, -1, Long.MAX_VALUE};
            try (DeviceBuffer c = GpuTesting.upload(idx)) { assertArrayEquals(idx, c.toLongArray(3)); }
        }
    }

    @Test
    void errorsNameTheCall() {
        GpuTesting.requireGpu();
        CudaException e = assertThrows(CudaException.class, () -> Cuda.driver().memAlloc(1L << 60));
        assertEquals("cuMemAlloc_v2", e.call());
        assertTrue(e.errorName().startsWith("CUDA_ERROR_"), e.errorName());
        assertEquals("CUDA_ERROR_INVALID_VALUE", Cuda.driver().errorName(1));
    }

    @Test
    void eventsTimeAKernel() {
        GpuTesting.requireGpu();
        CudaDriver cu = Cuda.driver();
        MemorySegment stream = cu.streamCreate(CudaDriver.STREAM_NON_BLOCKING);
        MemorySegment start = cu.eventCreate(CudaDriver.EVENT_DEFAULT), end = cu.eventCreate(CudaDriver.EVENT_DEFAULT);
        int n = 1 << 20;
        try (DeviceBuffer x = DeviceBuffer.allocate(4L * n); DeviceBuffer y = DeviceBuffer.allocate(4L * n)) {
            x.zero();
            cu.eventRecord(start, stream);
            CudaModules.launch("relu_f32", LaunchConfig.elementwise(n), stream, StridedLayout.contiguous(n).collapsed(), x, y, (long) n);
            cu.eventRecord(end, stream);
            cu.eventSynchronize(end);
            float ms = cu.eventElapsedTime(start, end);
            System.out.println("relu_f32 over 4 MiB: " + ms + " ms");
            assertTrue(ms >= 0 && ms < 1000, "elapsed " + ms);
            cu.streamSynchronize(stream);
        }
    }

    @Test
    void anotherThreadGetsTheContext() throws Exception {
        GpuTesting.requireGpu();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<float[]> result = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try (DeviceBuffer b = GpuTesting.upload(new float[] {1, 2, 3})) {
                result.set(b.toFloatArray(3));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.start();
        worker.join();
        if (failure.get() != null) throw new AssertionError("CUDA on a second thread", failure.get());
        assertArrayEquals(new float[] {1, 2, 3}, result.get());
    }

    @Test
    void sharedAllocatorReusesDeviceMemory() {
        GpuTesting.requireGpu();
        CudaAllocator pool = CudaAllocator.shared();
        pool.trim();
        long misses = pool.misses();
        long address;
        try (DeviceBuffer a = pool.allocate(12345)) { address = a.address(); a.zero(); }
        try (DeviceBuffer b = pool.allocate(12500)) { assertEquals(address, b.address()); }  // the freed block, best fit
        assertEquals(misses + 1, pool.misses(), "one 2 MiB segment serves both");
        pool.trim();
        assertEquals(0, pool.cachedBytes());
    }
}
