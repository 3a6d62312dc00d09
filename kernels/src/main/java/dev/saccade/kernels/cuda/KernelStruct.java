package dev.saccade.kernels.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A C struct passed to a kernel by value: its bytes, laid out exactly as the struct in
 * {@code native/src/main/cuda/common.cuh}. {@link CudaModules#launch} copies them into the argument block.
 *
 * <pre>{@code
 * KernelStruct view = StridedLayout.of(new long[] {4, 3}, new long[] {1, 4});   // a transposed (3, 4) matrix
 * CudaModules.launch("copy_f32", LaunchConfig.elementwise(12), view, x, y, 12L);
 * }</pre>
 */
public interface KernelStruct {
    /** Size of the C struct in bytes. */
    long byteSize();

    /** Writes the struct's bytes at the start of {@code target} (at least {@link #byteSize()} bytes). */
    void writeTo(MemorySegment target);
}
