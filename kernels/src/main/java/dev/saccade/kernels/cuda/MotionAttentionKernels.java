package dev.saccade.kernels.cuda;

/**
 * Launchers for M2A's motion attention (native/src/main/cuda/motion_attention.cu), {@code y' = softmax(m mᵀ/√E) m + y}
 * with m the frame difference of the per-frame layer norm of y (N, T, E) (Gebotys et al., arXiv 2111.09976, §3;
 * {@link dev.saccade.tensor.ops.MotionAttention}), in four launches: per-frame statistics, partial scores per E slice,
 * the softmax, and the output. Buffers are contiguous; outputs and temporaries are fully overwritten.
 *
 * <pre>{@code
 * // y (N·T, r, H, W) = (2·8, 16, 14, 14): N = 2 clips, T = 8, E = 16·196
 * MotionAttentionKernels.forward(KernelDType.F32, y, out, stats, part, a, 2, 8, 16 * 196, 1e-5);
 * }</pre>
 */
public final class MotionAttentionKernels {
    /** The most frames per clip the kernels take (their register tile); longer clips run the composed form. */
    public static final int MAX_FRAMES = 16;
    /** Threads per block of the scores and output kernels (the scores kernel's reduction assumes 8 warps). */
    private static final int BLOCK = 256;

    private MotionAttentionKernels() {}

    /** The register tile of frames for T: 4, 8 or 16. */
    static int tile(long t) {
        if (t < 1 || t > MAX_FRAMES) throw new IllegalArgumentException("motion_attention: T = " + t + " outside [1, " + MAX_FRAMES + "]");
        return t <= 4 ? 4 : t <= 8 ? 8 : 16;
    }

    /** Slices of E per clip for the scores kernel: enough blocks for about two per multiprocessor, at least 256 positions each. */
    public static long slices(long n, long e) {
        int sms = Cuda.available() ? Cuda.multiprocessors() : 108;
        return Math.max(1, Math.min(Math.ceilDiv(e, BLOCK), Math.ceilDiv(2L * sms, n)));
    }

    /** Elements of the stats temporary (N·T, 2), in the dtype of y. */
    public static long statsElements(long n, long t) { return 2 * n * t; }

    /** Doubles of the partial-scores temporary (N, G, T(T+1)/2). */
    public static long partElements(long n, long t, long slices) { return n * slices * (t * (t + 1) / 2); }

    /**
     * out = softmax(m mᵀ/√E) m + y for y, out (N, T, E); stats (N·T, 2) and a (N, T, T) in the dtype of y, part
     * ({@link #partElements} doubles, with {@link #slices}(n, e) slices) are temporaries.
     */
    public static void forward(KernelDType dt, DeviceBuffer y, DeviceBuffer out, DeviceBuffer stats, DeviceBuffer part,
                               DeviceBuffer a, long n, long t, long e, double eps) {
        String op = "motion_attention";
        if (n < 1 || t < 1 || e < 1) throw new IllegalArgumentException(op + ": dims must be ≥ 1, got (N, T, E) = (" + n + ", " + t + ", " + e + ")");
        int tm = tile(t);
        long numel = n * t * e, g = slices(n, e);
        dt.requireElements(y, numel, op + " input (N, T, E) = (" + n + ", " + t + ", " + e + ")");
        dt.requireElements(out, numel, op + " output");
        dt.requireElements(stats, statsElements(n, t), op + " stats (N·T, 2)");
        KernelDType.F64.requireElements(part, partElements(n, t, g), op + " partial scores (N, G, T(T+1)/2)");
        dt.requireElements(a, n * t * t, op + " attention (N, T, T)");
        int clips = (int) Math.min(n, 65535);
        CudaModules.launch(dt.kernel("motion_attention_stats"), LaunchConfig.rowPerBlock(n * t, e), y, stats, n * t, e, eps);
        String scores = switch (tm) {
            case 4 -> "motion_attention_scores_t4";
            case 8 -> "motion_attention_scores_t8";
            default -> "motion_attention_scores_t16";
        };
        CudaModules.launch(dt.kernel(scores), new LaunchConfig((int) g, clips, 1, BLOCK, 1, 1, 0), y, stats, part, n, (int) t, e, g);
        CudaModules.launch(dt.kernel("motion_attention_softmax"), LaunchConfig.elementwise(n * t), part, a, n, (int) t, e, g);
        String output = switch (tm) {
            case 4 -> "motion_attention_output_t4";
            case 8 -> "motion_attention_output_t8";
            default -> "motion_attention_output_t16";
        };
        int sms = Cuda.available() ? Cuda.multiprocessors() : 108;
        long blocks = Math.max(1, Math.min(Math.ceilDiv(e, BLOCK), Math.ceilDiv(32L * sms, clips)));
        CudaModules.launch(dt.kernel(output), new LaunchConfig((int) blocks, clips, 1, BLOCK, 1, 1, 0), y, stats, a, out, n, (int) t, e);
    }
}
