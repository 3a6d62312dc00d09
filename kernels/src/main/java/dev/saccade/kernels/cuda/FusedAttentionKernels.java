package dev.saccade.kernels.cuda;

/**
 * Launchers for the fused temporal-attention kernels (native/src/main/cuda/temporal_conv.cu, broadcast_gate.cu,
 * avg_max_pool.cu, sigmoid_gate.cu),
 * with argument checks. Buffers are contiguous: activations (N, T, C, S) = the backbone's (N·T, C, H, W) with
 * S = H·W; outputs are fully overwritten. An absent gate is passed as a null buffer (a null device pointer).
 *
 * <pre>{@code
 * // ACTION-Net's learnable shift of an (N·T, C, H, W) = (8, 256, 56, 56) activation, w (256, 1, 3)
 * FusedAttentionKernels.temporalConv(KernelDType.F32, x, w, y, 1, 8, 256, 56 * 56, false);
 * }</pre>
 */
public final class FusedAttentionKernels {
    private FusedAttentionKernels() {}

    private static void checkDims(String op, long... dims) {
        for (long d : dims) if (d < 1) throw new IllegalArgumentException(op + ": dims must be ≥ 1, got " + java.util.Arrays.toString(dims));
    }

    /** y = w ∗ x over T (kernel 3, padding 1); {@code flip} runs the flipped kernel (the data gradient). w (C, 3). */
    public static void temporalConv(KernelDType dt, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, long n, long t, long c,
                                    long s, boolean flip) {
        String op = "temporal_conv";
        checkDims(op, n, t, c, s);
        long numel = n * t * c * s;
        dt.requireElements(x, numel, op + " input (N, T, C, S) = (" + n + ", " + t + ", " + c + ", " + s + ")");
        dt.requireElements(w, 3 * c, op + " weight (C, 3)");
        dt.requireElements(y, numel, op + " output");
        int width = 16 / dt.bytes();
        long work = s % width == 0 ? numel / width : numel;
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(work), x, w, y, n, t, c, s, flip ? 1 : 0);
    }

    /** Per-row partial weight gradients part[n, t, c, k] = Σ_s gy[n,t,c,s]·x[n,t+k−1,c,s]; part (N·T, C, 3). */
    public static void temporalConvWeightParts(KernelDType dt, DeviceBuffer gy, DeviceBuffer x, DeviceBuffer part, long n,
                                               long t, long c, long s) {
        String op = "temporal_conv_backward_weight";
        checkDims(op, n, t, c, s);
        long numel = n * t * c * s;
        dt.requireElements(gy, numel, op + " gy (N, T, C, S) = (" + n + ", " + t + ", " + c + ", " + s + ")");
        dt.requireElements(x, numel, op + " x");
        dt.requireElements(part, n * t * c * 3, op + " partial sums (N·T, C, 3)");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(n * t * c), gy, x, part, n, t, c, s);
    }

    private static Object pointer(DeviceBuffer b) { return b == null ? (Object) 0L : b; }

    /**
     * y = x·(α + c + s) ({@code sum}) or x·c·s; x, y (M, C, S), c (M, C) or null, s (M, S) or null.
     */
    public static void gate(KernelDType dt, DeviceBuffer x, DeviceBuffer c, DeviceBuffer s, DeviceBuffer y, long m, long ch,
                            long sp, boolean sum, double alpha) {
        String op = "broadcast_gate";
        checkGate(op, dt, x, c, s, m, ch, sp);
        dt.requireElements(y, m * ch * sp, op + " output");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(m * ch * sp), x, pointer(c), pointer(s), y, m, ch, sp,
                sum ? 1 : 0, alpha);
    }

    /** gx = g·gate; g, gx (M, C, S). */
    public static void gateBackwardInput(KernelDType dt, DeviceBuffer g, DeviceBuffer c, DeviceBuffer s, DeviceBuffer gx, long m,
                                         long ch, long sp, boolean sum, double alpha) {
        String op = "broadcast_gate_backward";
        checkGate(op, dt, g, c, s, m, ch, sp);
        dt.requireElements(gx, m * ch * sp, op + " gx");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(m * ch * sp), g, pointer(c), pointer(s), gx, m, ch, sp,
                sum ? 1 : 0, alpha);
    }

    /** gc[m, c] = Σ_s g·x·∂gate/∂c; gc (M, C). */
    public static void gateBackwardChannel(KernelDType dt, DeviceBuffer g, DeviceBuffer x, DeviceBuffer s, DeviceBuffer gc, long m,
                                           long ch, long sp, boolean sum) {
        String op = "broadcast_gate_backward_channel";
        checkGate(op, dt, g, null, s, m, ch, sp);
        dt.requireElements(x, m * ch * sp, op + " x");
        dt.requireElements(gc, m * ch, op + " gc (M, C)");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(m * ch), g, x, pointer(s), gc, m, ch, sp, sum ? 1 : 0);
    }

    /** gs[m, s] = Σ_c g·x·∂gate/∂s; gs (M, S). */
    public static void gateBackwardSpatial(KernelDType dt, DeviceBuffer g, DeviceBuffer x, DeviceBuffer c, DeviceBuffer gs, long m,
                                           long ch, long sp, boolean sum) {
        String op = "broadcast_gate_backward_spatial";
        checkGate(op, dt, g, c, null, m, ch, sp);
        dt.requireElements(x, m * ch * sp, op + " x");
        dt.requireElements(gs, m * sp, op + " gs (M, S)");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(m * sp), g, x, pointer(c), gs, m, ch, sp, sum ? 1 : 0);
    }

    /** [mean, max] of x·c over S → out (2, M, C), or over C → out (M, 2, S); c (M, C) or null. */
    public static void avgMaxPool(KernelDType dt, DeviceBuffer x, DeviceBuffer c, DeviceBuffer out, long m, long ch, long sp,
                                  boolean spatial) {
        String op = spatial ? "avg_max_pool_spatial" : "avg_max_pool_channel";
        checkGate(op, dt, x, c, null, m, ch, sp);
        dt.requireElements(out, 2 * m * (spatial ? ch : sp), op + " output");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(spatial ? m * ch : m * sp), x, pointer(c), out, m, ch, sp);
    }

    /** Spatial pooling backward: gx (M, C, S) and gc (M, C), either null; g and out (2, M, C). */
    public static void avgMaxPoolSpatialBackward(KernelDType dt, DeviceBuffer g, DeviceBuffer x, DeviceBuffer c, DeviceBuffer out,
                                                 DeviceBuffer gx, DeviceBuffer gc, long m, long ch, long sp) {
        String op = "avg_max_pool_spatial_backward";
        checkGate(op, dt, x, c, null, m, ch, sp);
        dt.requireElements(g, 2 * m * ch, op + " g (2, M, C)");
        dt.requireElements(out, 2 * m * ch, op + " pooled (2, M, C)");
        if (gx != null) dt.requireElements(gx, m * ch * sp, op + " gx");
        if (gc != null) dt.requireElements(gc, m * ch, op + " gc (M, C)");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(m * ch), g, x, pointer(c), out, pointer(gx), pointer(gc), m, ch, sp);
    }

    /**
     * Channel pooling backward: gx (M, C, S) or null, and the tie counts (M, S) that {@link #avgMaxPoolChannelScale}
     * reads; g and out (M, 2, S).
     */
    public static void avgMaxPoolChannelBackward(KernelDType dt, DeviceBuffer g, DeviceBuffer x, DeviceBuffer c, DeviceBuffer out,
                                                 DeviceBuffer gx, DeviceBuffer ties, long m, long ch, long sp) {
        String op = "avg_max_pool_channel_backward";
        checkGate(op, dt, x, c, null, m, ch, sp);
        dt.requireElements(g, 2 * m * sp, op + " g (M, 2, S)");
        dt.requireElements(out, 2 * m * sp, op + " pooled (M, 2, S)");
        if (gx != null) dt.requireElements(gx, m * ch * sp, op + " gx");
        dt.requireElements(ties, m * sp, op + " ties (M, S)");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(m * sp), g, x, pointer(c), out, pointer(gx), ties, m, ch, sp);
    }

    /** Channel pooling: gc[m, c] = Σ_s gv·x, with the tie counts of {@link #avgMaxPoolChannelBackward}. */
    public static void avgMaxPoolChannelScale(KernelDType dt, DeviceBuffer g, DeviceBuffer x, DeviceBuffer c, DeviceBuffer out,
                                              DeviceBuffer ties, DeviceBuffer gc, long m, long ch, long sp) {
        String op = "avg_max_pool_channel_backward_scale";
        checkGate(op, dt, x, c, null, m, ch, sp);
        dt.requireElements(g, 2 * m * sp, op + " g (M, 2, S)");
        dt.requireElements(ties, m * sp, op + " ties (M, S)");
        dt.requireElements(gc, m * ch, op + " gc (M, C)");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(m * ch), g, x, pointer(c), out, ties, gc, m, ch, sp);
    }

    /** y = x·(α + σ(z)) over n elements. */
    public static void sigmoidGate(KernelDType dt, DeviceBuffer x, DeviceBuffer z, DeviceBuffer y, long n, double alpha) {
        String op = "sigmoid_gate";
        checkDims(op, n);
        dt.requireElements(x, n, op + " x");
        dt.requireElements(z, n, op + " z");
        dt.requireElements(y, n, op + " y");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(n), x, z, y, n, alpha);
    }

    /** gx = g·(α + σ(z)), gz = g·x·σ(1 − σ), either null. */
    public static void sigmoidGateBackward(KernelDType dt, DeviceBuffer g, DeviceBuffer x, DeviceBuffer z, DeviceBuffer gx,
                                           DeviceBuffer gz, long n, double alpha) {
        String op = "sigmoid_gate_backward";
        checkDims(op, n);
        for (DeviceBuffer b : new DeviceBuffer[] {g, x, z, gx, gz}) if (b != null) dt.requireElements(b, n, op + " operand");
        CudaModules.launch(dt.kernel(op), LaunchConfig.elementwise(n), g, x, z, pointer(gx), pointer(gz), n, alpha);
    }

    private static void checkGate(String op, KernelDType dt, DeviceBuffer x, DeviceBuffer c, DeviceBuffer s, long m, long ch, long sp) {
        checkDims(op, m, ch, sp);
        dt.requireElements(x, m * ch * sp, op + " input (M, C, S) = (" + m + ", " + ch + ", " + sp + ")");
        if (c != null) dt.requireElements(c, m * ch, op + " channel gate (M, C)");
        if (s != null) dt.requireElements(s, m * sp, op + " spatial gate (M, S)");
    }
}
