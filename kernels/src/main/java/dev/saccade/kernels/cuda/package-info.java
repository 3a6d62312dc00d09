/**
 * The CUDA backend, bound by hand through the Foreign Function &amp; Memory API: the driver API
 * ({@link dev.saccade.kernels.cuda.CudaDriver}), cuBLAS, cuDNN, a caching device allocator, and the launchers of
 * saccade's own kernels (compiled fatbins from {@code saccade-native}). Without a GPU it is simply unavailable, with
 * the reason in {@link dev.saccade.kernels.cuda.Cuda#unavailableReason()}; see docs/GPU.md.
 *
 * <p><b>Internal</b>, except {@link dev.saccade.kernels.cuda.Cuda#available()} and
 * {@link dev.saccade.kernels.cuda.Cuda#unavailableReason()}, which applications may call to report the device. Found
 * at run time through {@link java.util.ServiceLoader}; select it with {@code -Dsaccade.device=cuda}.
 */
package dev.saccade.kernels.cuda;
