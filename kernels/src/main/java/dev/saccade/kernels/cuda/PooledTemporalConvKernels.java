package dev.saccade.kernels.cuda;

/**
 * Launchers for ACTION-Net's shift with its spatial and channel means (native/src/main/cuda/pooled_temporal_conv.cu;
 * Wang, She, Smolic, CVPR 2021, §3; {@link dev.saccade.tensor.ops.PooledTemporalConv}): xs = the depthwise temporal
 * convolution of x (N, T, C, S) with w (C, 3), spatial (N·T, C) = mean over S of xs, channel (N·T, S) = mean over C
 * of xs. x is read once and xs written once; the spatial means go through per-tile row sums (N·T, ⌈S/32⌉, C).
 *
 * <pre>{@code
 * // (N·T, C, H, W) = (8, 256, 56, 56), w (256, 1, 3)
 * PooledTemporalConvKernels.forward(KernelDType.F32, x, w, xs, spatial, channel, part, 1, 8, 256, 56 * 56);
 * }</pre>
 */
public final class PooledTemporalConvKernels {
    /** Threads per block of the main kernel (8 warps: its channel reduction assumes it). */
    private static final int BLOCK = 256;

    private PooledTemporalConvKernels() {}

    /** Elements of the row-sum temporary (N·T, ⌈S/32⌉, C), in the dtype of x. */
    public static long partElements(long n, long t, long c, long s) { return n * t * Math.ceilDiv(s, 32) * c; }

    /** xs (N, T, C, S), spatial (N·T, C), channel (N·T, S), all overwritten; part ({@link #partElements}) a temporary. */
    public static void forward(KernelDType dt, DeviceBuffer x, DeviceBuffer w, DeviceBuffer xs, DeviceBuffer spatial,
                               DeviceBuffer channel, DeviceBuffer part, long n, long t, long c, long s) {
        String op = "pooled_temporal_conv";
        if (n < 1 || t < 1 || c < 1 || s < 1)
            throw new IllegalArgumentException(op + ": dims must be ≥ 1, got (N, T, C, S) = (" + n + ", " + t + ", " + c + ", " + s + ")");
        long numel = n * t * c * s, frames = n * t, tiles = Math.ceilDiv(s, 32);
        dt.requireElements(x, numel, op + " input (N, T, C, S) = (" + n + ", " + t + ", " + c + ", " + s + ")");
        dt.requireElements(w, 3 * c, op + " weight (C, 3)");
        dt.requireElements(xs, numel, op + " output");
        dt.requireElements(spatial, frames * c, op + " spatial mean (N·T, C)");
        dt.requireElements(channel, frames * s, op + " channel mean (N·T, S)");
        dt.requireElements(part, partElements(n, t, c, s), op + " row sums (N·T, ⌈S/32⌉, C)");
        int sms = Cuda.available() ? Cuda.multiprocessors() : 108;
        int gy = (int) Math.min(frames, 65535);
        long gx = Math.max(1, Math.min(tiles, Math.ceilDiv(4L * sms, gy)));   // tile slices: about 4 blocks per SM
        CudaModules.launch(dt.kernel(op), new LaunchConfig((int) gx, gy, 1, BLOCK, 1, 1, 0), x, w, xs, channel, part, n, t, c, s);
        CudaModules.launch(dt.kernel("pooled_temporal_conv_spatial"), LaunchConfig.elementwise(frames * c), part, spatial, frames, c, s);
    }
}
