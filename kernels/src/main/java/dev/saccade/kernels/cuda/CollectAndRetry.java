package dev.saccade.kernels.cuda;

import java.util.function.Supplier;

/**
 * The last resort when device memory runs out: the JVM's collector does not see device memory, so storages that are
 * already unreachable may still hold blocks. {@link #run} runs an operation; if it fails for lack of memory (our
 * {@code cuMemAlloc}, or cuBLAS / cuDNN / module loading failing to allocate their own), it collects garbage, lets
 * the storages' cleaners return their blocks, empties the allocator's cache and runs the operation once more.
 * Explicit release ({@link DeviceScope}, autograd releasing intermediates) is the normal path; this is not.
 *
 * <pre>{@code
 * MemorySegment handle = CollectAndRetry.run(() -> dnn.create());
 * }</pre>
 */
final class CollectAndRetry {
    private CollectAndRetry() {}

    /** Whether {@code e} reports a failed allocation (driver, cuBLAS or cuDNN). */
    static boolean isOutOfMemory(CudaException e) {
        String name = e.errorName();
        return name.contains("OUT_OF_MEMORY") || name.contains("ALLOC_FAILED") || name.contains("ALLOCATION_FAILED");
    }

    /** Runs {@code op}; on an out-of-memory failure collects, trims the cache and runs it once more. */
    static <T> T run(Supplier<T> op) {
        try {
            return op.get();
        } catch (CudaException e) {
            if (!isOutOfMemory(e)) throw e;
            collect();
            return op.get();
        }
    }

    /** {@link #run} for an operation without a result. */
    static void run(Runnable op) {
        run(() -> { op.run(); return null; });
    }

    /** Collects garbage, waits briefly for the cleaners, and frees the allocator's cached blocks. */
    static void collect() {
        System.gc();
        try { Thread.sleep(100); } catch (InterruptedException ie) { Thread.currentThread().interrupt(); }
        CudaAllocator.shared().trim();
    }
}
