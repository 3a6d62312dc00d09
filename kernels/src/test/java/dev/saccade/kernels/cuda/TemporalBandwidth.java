package dev.saccade.kernels.cuda;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * GPU benchmark (run by scripts/gpu-check.sh): effective bandwidth of the temporal kernels against a device-to-device
 * memcpy of the same bytes, timed with CUDA events after warm-up. Each kernel reads its input once and writes its
 * output once, so the bytes moved are 2 · numel · 4 (3 · for the ME difference, 3 · for its backward).
 * Shape: a TSM-ResNet-50 stage-1 activation (N·T, C, H, W) = (8·8, 256, 56, 56), F32.
 *
 * <pre>{@code java -cp ... dev.saccade.kernels.cuda.TemporalBandwidth}</pre>
 */
public final class TemporalBandwidth {
    private TemporalBandwidth() {}

    private interface Work { void run(); }

    private static double millis(Work w, int reps) {
        CudaDriver cu = Cuda.driver();
        for (int i = 0; i < 3; i++) w.run();
        MemorySegment start = cu.eventCreate(CudaDriver.EVENT_DEFAULT), end = cu.eventCreate(CudaDriver.EVENT_DEFAULT);
        cu.eventRecord(start, MemorySegment.NULL);
        for (int i = 0; i < reps; i++) w.run();
        cu.eventRecord(end, MemorySegment.NULL);
        cu.eventSynchronize(end);
        return cu.eventElapsedTime(start, end) / reps;
    }

    public static void main(String[] args) {
        if (!Cuda.available()) {
            System.out.println("temporal bandwidth: skipped, CUDA unavailable: " + Cuda.unavailableReason());
            System.exit(2);
        }
        long n = 8, t = 8, c = 256, hw = 56 * 56, numel = n * t * c * hw, bytes = 4 * numel;
        int reps = 50;
        try (DeviceBuffer x = CudaAllocator.shared().allocate(bytes); DeviceBuffer b = CudaAllocator.shared().allocate(bytes);
             DeviceBuffer y = CudaAllocator.shared().allocate(bytes); DeviceBuffer z = CudaAllocator.shared().allocate(bytes)) {
            x.zero(); b.zero();
            KernelDType f = KernelDType.F32;
            Object[][] rows = {
                    {"memcpy DtoD", 2.0, (Work) () -> y.copyFrom(x, bytes)},
                    {"temporal_shift", 2.0, (Work) () -> TemporalKernels.shift(f, x, y, n, t, c, hw, c / 8)},
                    {"temporal_shift_backward", 2.0, (Work) () -> TemporalKernels.shiftBackward(f, x, y, n, t, c, hw, c / 8)},
                    {"frame_diff_m2a", 2.0, (Work) () -> TemporalKernels.frameDiffM2a(f, x, y, n, t, c * hw)},
                    {"frame_diff_m2a_backward", 2.0, (Work) () -> TemporalKernels.frameDiffM2aBackward(f, x, y, n, t, c * hw)},
                    {"frame_diff_me", 3.0, (Work) () -> TemporalKernels.frameDiffMe(f, x, b, y, n, t, c * hw)},
                    {"frame_diff_me_backward", 3.0, (Work) () -> TemporalKernels.frameDiffMeBackward(f, x, y, z, n, t, c * hw)},
            };
            System.out.println("device: " + Cuda.describe());
            System.out.printf(Locale.ROOT, "%-26s %10s %12s %10s%n", "kernel (64,256,56,56) f32", "ms", "GB/s", "vs memcpy");
            double memcpy = 0;
            for (Object[] r : rows) {
                double ms = millis((Work) r[2], reps);
                double gbs = (double) r[1] * bytes / (ms * 1e-3) / 1e9;
                if (memcpy == 0) memcpy = gbs;
                System.out.printf(Locale.ROOT, "%-26s %10.4f %12.1f %9.0f%%%n", r[0], ms, gbs, 100 * gbs / memcpy);
            }
        }
    }
}
