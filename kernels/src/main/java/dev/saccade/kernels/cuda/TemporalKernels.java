package dev.saccade.kernels.cuda;

/**
 * Launchers for the temporal kernels (native/src/main/cuda/temporal_shift.cu, frame_diff_m2a.cu,
 * frame_diff_me.cu), with argument checks. Buffers are contiguous, laid out (N, T, C, H·W) = the backbone's
 * (N·T, C, H, W) with the frame fastest inside a sample; outputs are fully overwritten.
 *
 * <pre>{@code
 * // TSM shift of an (N·T, C, H, W) = (2·8, 64, 56, 56) activation, fold_div 8
 * TemporalKernels.shift(KernelDType.F32, x, y, 2, 8, 64, 56 * 56, 64 / 8);
 * }</pre>
 */
public final class TemporalKernels {
    private TemporalKernels() {}

    private static void checkDims(long n, long t, long c, long hw) {
        if (n < 1 || t < 1 || c < 1 || hw < 1)
            throw new IllegalArgumentException("temporal kernel dims must be ≥ 1, got N=" + n + " T=" + t + " C=" + c + " HW=" + hw);
    }

    /**
     * TSM temporal shift (Lin et al. 2019): channels [0, fold) of frame t take frame t+1, [fold, 2·fold) take frame
     * t−1, the rest copy; zero at the clip boundary. x, y (N, T, C, HW), distinct buffers.
     */
    public static void shift(KernelDType dt, DeviceBuffer x, DeviceBuffer y, long n, long t, long c, long hw, long fold) {
        shiftLaunch("temporal_shift", dt, x, y, n, t, c, hw, fold);
    }

    /** Backward of {@link #shift}: the inverse shift of gy into gx, both (N, T, C, HW). */
    public static void shiftBackward(KernelDType dt, DeviceBuffer gy, DeviceBuffer gx, long n, long t, long c, long hw,
                                     long fold) {
        shiftLaunch("temporal_shift_backward", dt, gy, gx, n, t, c, hw, fold);
    }

    private static void shiftLaunch(String op, KernelDType dt, DeviceBuffer in, DeviceBuffer out, long n, long t, long c,
                                    long hw, long fold) {
        checkDims(n, t, c, hw);
        if (fold < 0 || 2 * fold > c)
            throw new IllegalArgumentException("temporal shift fold " + fold + " must satisfy 0 ≤ 2·fold ≤ C = " + c);
        long numel = n * t * c * hw;
        dt.requireElements(in, numel, op + " input (N, T, C, HW) = (" + n + ", " + t + ", " + c + ", " + hw + ")");
        dt.requireElements(out, numel, op + " output");
        long work = hw % (16 / dt.bytes()) == 0 ? numel / (16 / dt.bytes()) : numel;
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(work), in, out, n, t, c, hw, fold);
    }

    /** M2A frame difference: y[t] = x[t+1] − x[t], y[T−1] = −x[T−1]; x, y (N, T, F). */
    public static void frameDiffM2a(KernelDType dt, DeviceBuffer x, DeviceBuffer y, long n, long t, long f) {
        m2aLaunch("frame_diff_m2a", dt, x, y, n, t, f);
    }

    /** Backward of {@link #frameDiffM2a}: gx[t] = gy[t−1] − gy[t] (gy[−1] = 0). */
    public static void frameDiffM2aBackward(KernelDType dt, DeviceBuffer gy, DeviceBuffer gx, long n, long t, long f) {
        m2aLaunch("frame_diff_m2a_backward", dt, gy, gx, n, t, f);
    }

    private static void m2aLaunch(String op, KernelDType dt, DeviceBuffer in, DeviceBuffer out, long n, long t, long f) {
        checkDims(n, t, 1, f);
        dt.requireElements(in, n * t * f, op + " input (N, T, F) = (" + n + ", " + t + ", " + f + ")");
        dt.requireElements(out, n * t * f, op + " output");
        long columns = f % (16 / dt.bytes()) == 0 ? n * f / (16 / dt.bytes()) : n * f;
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(columns), in, out, n, t, f);
    }

    /** ACTION-Net ME difference: y[t] = a[t+1] − b[t] for t &lt; T−1, y[T−1] = 0; a, b, y (N, T, F). */
    public static void frameDiffMe(KernelDType dt, DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n, long t, long f) {
        checkDims(n, t, 1, f);
        long numel = n * t * f;
        dt.requireElements(a, numel, "frame_diff_me input a (N, T, F) = (" + n + ", " + t + ", " + f + ")");
        dt.requireElements(b, numel, "frame_diff_me input b");
        dt.requireElements(y, numel, "frame_diff_me output");
        CudaModules.launch(dt.kernel("frame_diff_me"), LaunchConfig.elementwise(vectorWork(dt, f, numel)), a, b, y, n, t, f);
    }

    /** Backward of {@link #frameDiffMe}: ga[t] = gy[t−1] (ga[0] = 0), gb[t] = −gy[t] (gb[T−1] = 0). */
    public static void frameDiffMeBackward(KernelDType dt, DeviceBuffer gy, DeviceBuffer ga, DeviceBuffer gb, long n,
                                           long t, long f) {
        checkDims(n, t, 1, f);
        long numel = n * t * f;
        dt.requireElements(gy, numel, "frame_diff_me_backward gy (N, T, F) = (" + n + ", " + t + ", " + f + ")");
        dt.requireElements(ga, numel, "frame_diff_me_backward ga");
        dt.requireElements(gb, numel, "frame_diff_me_backward gb");
        CudaModules.launch(dt.kernel("frame_diff_me_backward"), LaunchConfig.elementwise(vectorWork(dt, f, numel)),
                gy, ga, gb, n, t, f);
    }

    private static long vectorWork(KernelDType dt, long f, long numel) {
        int w = 16 / dt.bytes();
        return f % w == 0 ? numel / w : numel;
    }
}
