package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The inference convolution: {@code y = act(conv(shift(x), w) + b + residual)} in one pass over the output, with
 * weights pre-packed once ({@link PackedConvWeights}, batch norm already folded in by the caller) and the bias,
 * residual add and activation applied by the GEMM as it stores each register tile ({@link ConvEpilogue}); no
 * separate pass over the activation, no zero-filled scratch output. ONNX Runtime's {@code FusedConv} with a fused
 * {@code Sum} input (ORT {@code conv_activation_fusion.cc}, {@code nchwc_transformer.cc}); oneDNN post-ops.
 *
 * <p>Per group g, {@code Y_g (C_out/g, B·P) = W_g (C_out/g, K) · col(X_g) (K, B·P)} over chunks of B images side by
 * side, as in {@link ConvGemm}. The column panels of B are packed straight from x: by channel rows for 1×1
 * stride-1 convolutions (the TSM shift applied by that read: {@link #forward}'s {@code shiftFrames}; ACTION-Net's
 * gates applied by it, {@link #forwardExcited}; M2A's excitation computed by it, {@link #forwardUpGated}), through
 * {@link ImplicitPanels} for other 2-d ones (stride-2 ones from their input's {@link PhaseSplit} copy, made once per
 * chunk, so that every tap is read with vector loads); only 3-d convolutions unfold an im2col chunk first. Chunks are split over the threads when every thread gets one, else the columns of each chunk are.
 * A 1×1 stride-1 convolution is one chunk of all N images, its columns split over the threads in whole panels: no
 * chunk of images ends in a partial panel (planes of 7² and 14² gave each thread one per chunk), and no thread
 * gets a panel more than another when the panels divide evenly.
 * Depthwise convolutions run {@link ConvDepthwise}'s direct kernel with the same epilogue per plane.
 * {@link #forwardPooled} also takes each stored tile's per-(image, channel) sum and max ({@link TilePool}), the
 * spatial descriptors a channel attention reads next.
 *
 * <pre>{@code
 * PackedConvWeights pw = PackedConvWeights.pack(wFolded, bFolded, 64, 1, 64 * 9, false);
 * ConvFused.forward(g, x, pw, residual, ConvActivation.RELU, 0, 0, y);
 * }</pre>
 */
public final class ConvFused {
    /** Columns per GEMM to aim for. */
    static final int COLUMN_TARGET = 512;
    /** Largest column matrix (floats) a chunk of a 3-d convolution may unfold to. */
    static final int COLUMN_BUDGET = 1 << 20;

    /** Per-thread scratch, grown on demand and then reused. */
    private static final class Buffers {
        float[] col = new float[0];   // (K, B·P)
        float[] b = new float[0];     // (ceil(nc/NR), kc, NR)
        float[] phases = new float[0]; // (B, C_in/g, phases, ⌈H/2⌉, ⌈W/2⌉), PhaseSplit
        final float[] acc = new float[MR * NR];
        final float[] upAcc = new float[MR * NR]; // conv_up's tile inside UpGatedPanels, apart from the GEMM's acc

        float[] col(int size) { if (col.length < size) col = new float[size]; return col; }
        float[] b(int size) { if (b.length < size) b = new float[size]; return b; }
        float[] phases(int size) { if (phases.length < size) phases = new float[size]; return phases; }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private ConvFused() {}

    /**
     * {@code y = act(conv(shift(x), w) + b + residual)}; y is overwritten, never read.
     *
     * @param x            (N, C_in, *spatial)
     * @param w            packed weights (and bias) for this geometry
     * @param residual     (N, C_out, *out) added before the activation, or null
     * @param shiftFrames  T for a temporal shift of x read in place (x viewed (N/T, T, C_in, …)), 0 for none;
     *                     only for 1×1 stride-1 unpadded, ungrouped convolutions
     * @param shiftFold    channels shifted each way: {@code [0, fold)} read frame t+1, {@code [fold, 2·fold)} frame t−1
     * @param y            (N, C_out, *out); may be the residual array itself when {@link #residualMayBeOutput}
     *                     (depthwise 3×3: within rounding, {@link Depthwise3x3})
     */
    public static void forward(ConvGeometry g, float[] x, PackedConvWeights w, float[] residual, ConvActivation act,
                               int shiftFrames, int shiftFold, float[] y) {
        check(g, x, w, residual, shiftFrames, shiftFold, y);
        if (y == residual && !g.isDepthwise() && !residualMayBeOutput(g, w)) {
            throw new IllegalArgumentException("ConvFused.forward " + g + ": y is the residual, which this convolution "
                    + "reads after it has written y (K = " + w.k() + " in more than one block of " + KC + ", or the "
                    + "stems' direct kernel)");
        }
        run(g, x, w, residual, false, act, shiftFrames, shiftFold, null, null, y, null);
    }

    /**
     * Whether {@link #forward} may write y into the residual's own array (ONNX Runtime's NCHWc convolution
     * accumulates into its {@code Sum} input's buffer the same way): the packed GEMM reads each residual element in
     * the store that writes the same element of y, and only in the last K block — so with K in one block
     * ({@code K ≤ }{@value #KC}) nothing is written before it is read, and the floats are those of a separate y.
     * The stems' direct kernel is left out, and so are depthwise convolutions: {@link Depthwise3x3} accepts y as its
     * residual too, but some of its paths then add the residual in another order (the last bits differ). The
     * output's lines are in the cache already, read as the residual: ResNet-50's conv3 with its shortcut, 64 → 256
     * at 56², ran 1.18× as fast (docs/PERF.md).
     */
    static boolean residualMayBeOutput(ConvGeometry g, PackedConvWeights w) {
        return !g.isDepthwise() && w.k() <= KC && !PolyphaseDirectConv.supports(g);
    }

    /**
     * {@code y = act(conv(x·(offset + channel + pixel), w) + b + residual)} for a 1×1 stride-1 ungrouped convolution:
     * the gated input ACTION-Net hands its wrapped convolution, applied as the panels of x are packed
     * ({@link Excitation}) instead of written as a tensor first. The same floats as {@code Functional.gateSum}
     * followed by {@link #forward}.
     *
     * @param channel (N, C_in), the per-channel term
     * @param pixel   (N, P), the per-pixel term
     */
    public static void forwardExcited(ConvGeometry g, float[] x, PackedConvWeights w, float[] residual, ConvActivation act,
                                      float[] channel, float[] pixel, double offset, float[] y) {
        if (!g.isPointwise() || g.groups() != 1) {
            throw new IllegalArgumentException("ConvFused.forwardExcited " + g + ": the gates are read in place only by a 1×1 stride-1 ungrouped convolution");
        }
        check(g, x, w, residual, 0, 0, y);
        if (channel.length < g.n() * g.cIn() || pixel.length < g.n() * g.inPlane()) {
            throw new IllegalArgumentException("ConvFused.forwardExcited " + g + ": gates of " + channel.length + " and "
                    + pixel.length + " elements, need (N, C_in) = " + g.n() * g.cIn() + " and (N, P) = " + g.n() * g.inPlane());
        }
        run(g, x, w, residual, false, act, 0, 0, new Excitation(channel, pixel, offset), null, y, null);
    }

    /**
     * {@code y = act(conv(shift(u), w) + b + residual)} for a 1×1 stride-1 ungrouped convolution whose input is M2A's
     * excitation {@code u = x·(1 + σ(conv_up(a)))} (gebob19/M2A {@code M2A.forward}, {@code x·σ(conv_up(·)) + x},
     * the M2A output a block's conv1 reads, behind TSM's shift in {@code --use_tsm}): u is computed as the panels are
     * packed ({@link UpGatedPanels}), never written. The same floats as {@link #forwardGated} (conv_up, gate x)
     * followed by {@link #forward}.
     *
     * @param x        (N, C_in, *spatial), M2A's input: the gate, and the shape of u
     * @param attended (N, r, *spatial), conv_up's input
     * @param up       conv_up's packed weights (C_in × r, with its bias)
     */
    public static void forwardUpGated(ConvGeometry g, float[] x, float[] attended, PackedConvWeights up, PackedConvWeights w,
                                      float[] residual, ConvActivation act, int shiftFrames, int shiftFold, float[] y) {
        if (!g.isPointwise() || g.groups() != 1) {
            throw new IllegalArgumentException("ConvFused.forwardUpGated " + g + ": u is computed in place only for a 1×1 stride-1 ungrouped convolution");
        }
        check(g, x, w, residual, shiftFrames, shiftFold, y);
        if (up.isDepthwise() || up.groups() != 1 || up.cOut() != g.cIn()) {
            throw new IllegalArgumentException("ConvFused.forwardUpGated " + g + ": conv_up's weights are (C_out=" + up.cOut()
                    + ", groups=" + up.groups() + "), need " + g.cIn() + " output channels, ungrouped");
        }
        if (attended.length < (long) g.n() * up.k() * g.inPlane()) {
            throw new IllegalArgumentException("ConvFused.forwardUpGated " + g + ": conv_up's input has " + attended.length
                    + " elements, needs (N, r, P) = " + (long) g.n() * up.k() * g.inPlane());
        }
        if (y == residual) throw new IllegalArgumentException("ConvFused.forwardUpGated " + g + ": y is the residual");
        run(g, x, w, residual, false, act, shiftFrames, shiftFold, null, new UpGate(attended, up), y, null);
    }

    /**
     * {@code y = conv(x, w) + b}, and {@code pooled = [mean, max]} of y over each image's plane, the spatial
     * descriptors CBAM (Woo et al., ECCV 2018, Eq. 2) and W3 (Pérez-Rúa et al., ECCV 2020, Eq. 3) read next, taken
     * from each tile as the GEMM stores it ({@link TilePool}): y is not read again. The maxes equal a separate
     * pass's; the means are sums in another order (last bits). Deterministic for a given thread count. Not for
     * depthwise convolutions (the caller composes those).
     *
     * @param y      (N, C_out, *out)
     * @param pooled (2, N, C_out): the means, then the maxes
     */
    public static void forwardPooled(ConvGeometry g, float[] x, PackedConvWeights w, float[] y, float[] pooled) {
        if (g.isDepthwise()) throw new IllegalArgumentException("ConvFused.forwardPooled " + g + ": not for depthwise convolutions");
        check(g, x, w, null, 0, 0, y);
        if (pooled.length < 2 * g.n() * g.cOut()) {
            throw new IllegalArgumentException("ConvFused.forwardPooled " + g + ": pooled has " + pooled.length
                    + " elements, needs " + 2 * g.n() * g.cOut());
        }
        run(g, x, w, null, false, ConvActivation.NONE, 0, 0, null, null, y, pooled);
    }

    /**
     * {@code y = gate·(1 + σ(conv(x, w) + b))}, M2A's excitation {@code x·σ(conv_up(·)) + x} (gebob19/M2A
     * {@code ops/temporal_shift.py}, {@code M2A.forward}) written by the GEMM as it stores each tile: the convolution's
     * output z is never stored, and the gate input is read once. σ is {@link VectorExp#sigmoid}, and
     * {@code gate·(σ + 1)} is computed as {@link CpuSigmoidGate} computes it, so the floats equal the conv followed by
     * that op. Not for depthwise convolutions (the caller composes those).
     *
     * @param gate (N, C_out, *out), the same shape as y
     */
    public static void forwardGated(ConvGeometry g, float[] x, PackedConvWeights w, float[] gate, float[] y) {
        if (gate == null) throw new IllegalArgumentException("ConvFused.forwardGated " + g + ": the gate input is null");
        if (g.isDepthwise()) throw new IllegalArgumentException("ConvFused.forwardGated " + g + ": not for depthwise convolutions");
        check(g, x, w, gate, 0, 0, y);
        run(g, x, w, gate, true, ConvActivation.NONE, 0, 0, null, null, y, null);
    }

    /**
     * {@link #forward} for images {@code [n0, n0 + nb)} of x only, on the calling thread (no parallel loop of its
     * own): image {@code n0 + i} is written to image {@code yImage0 + i} of y, and the residual is read at y's
     * offsets. g describes x (all its images, so that the shift reads the neighbouring frames); y may be a smaller
     * buffer than g's output, holding only the images written. For {@link ConvChain}: each thread runs a block
     * image by image. Depthwise convolutions only as {@link Depthwise3x3} runs them.
     */
    static void forwardImages(ConvGeometry g, float[] x, PackedConvWeights w, float[] residual, ConvActivation act,
                              int shiftFrames, int shiftFold, int n0, int nb, float[] y, int yImage0) {
        forwardImages(g, x, w, residual, act, shiftFrames, shiftFold, null, n0, nb, y, yImage0);
    }

    /**
     * As {@link #forwardImages(ConvGeometry, float[], PackedConvWeights, float[], ConvActivation, int, int, int, int,
     * float[], int)}, the input read through {@code gate} (null for none) as {@link #forwardExcited} and
     * {@link #forwardUpGated} read it: a 1×1 stride-1 ungrouped convolution only, an excitation without a shift. The
     * gates are indexed by x's images, so the images {@code [n0, n0 + nb)} read theirs.
     */
    static void forwardImages(ConvGeometry g, float[] x, PackedConvWeights w, float[] residual, ConvActivation act,
                              int shiftFrames, int shiftFold, InputGate gate, int n0, int nb, float[] y, int yImage0) {
        if (gate != null && (!g.isPointwise() || g.groups() != 1 || gate instanceof Excitation && shiftFrames > 0)) {
            throw new IllegalArgumentException("ConvFused.forwardImages " + g + ": " + gate.getClass().getSimpleName()
                    + " is read only by a 1×1 stride-1 ungrouped convolution" + (shiftFrames > 0 ? ", without a shift" : ""));
        }
        if (g.isDepthwise() && !Depthwise3x3.supports(g)) {
            throw new IllegalArgumentException("ConvFused.forwardImages " + g + ": depthwise only as 3×3, padding 1, stride 1 or 2");
        }
        if (n0 < 0 || nb < 1 || n0 + nb > g.n() || yImage0 < 0) {
            throw new IllegalArgumentException("ConvFused.forwardImages " + g + ": images [" + n0 + ", " + (n0 + nb)
                    + ") to y's image " + yImage0);
        }
        long yEnd = (long) (yImage0 + nb) * g.cOut() * g.outPlane();
        if (y.length < yEnd || residual != null && residual.length < yEnd) {
            throw new IllegalArgumentException("ConvFused.forwardImages " + g + ": y or residual shorter than " + yEnd + " elements");
        }
        if (x.length < g.inputLength()) throw new IllegalArgumentException("ConvFused.forwardImages " + g + ": x has " + x.length + " elements, needs " + g.inputLength());
        if (g.isDepthwise()) {
            if (shiftFrames > 0) throw new IllegalArgumentException("ConvFused.forwardImages " + g + ": no shift on a depthwise convolution");
            Depthwise3x3.forwardImages(g, x, w.plain(), w.bias(), residual, act, n0, nb, y, yImage0);
            return;
        }
        Shift shift = shiftFrames > 0 ? new Shift(shiftFrames, shiftFold) : null;
        Excitation excite = gate instanceof Excitation e ? e : null;
        UpGate upGate = gate instanceof UpGate u ? u : null;
        for (int gr = 0; gr < g.groups(); gr++) {
            Source src = source(g, x, n0, nb, gr, nb, shift, excite, upGate, BUFFERS.get());
            gemm(g, w, gr, src, yImage0, 0, nb * g.outPlane(), residual, false, act, y, null);
        }
    }

    /**
     * {@code y = conv(x, w) + b} for all nb images of x (N = nb) on the calling thread, written to images
     * {@code [yImage0, yImage0 + nb)} of y and pooled into {@code pool} as the tiles are stored ({@link #forwardPooled}'s
     * epilogue; the pool covers y's images {@code [yImage0, yImage0 + nb)}): {@link ConvChain}'s last link when an
     * attention reads its spatial means and maxes.
     */
    static void forwardImagesPooled(ConvGeometry g, float[] x, PackedConvWeights w, float[] y, int yImage0, TilePool pool) {
        if (g.isDepthwise()) throw new IllegalArgumentException("ConvFused.forwardImagesPooled " + g + ": not for depthwise convolutions");
        check(g, x, w, null, 0, 0, y);
        if (yImage0 < 0 || y.length < (long) (yImage0 + g.n()) * g.cOut() * g.outPlane()) {
            throw new IllegalArgumentException("ConvFused.forwardImagesPooled " + g + ": y of " + y.length
                    + " elements has no images [" + yImage0 + ", " + (yImage0 + g.n()) + ")");
        }
        for (int gr = 0; gr < g.groups(); gr++) {
            Source src = source(g, x, 0, g.n(), gr, g.n(), null, null, null, BUFFERS.get());
            gemm(g, w, gr, src, yImage0, 0, g.n() * g.outPlane(), null, false, ConvActivation.NONE, y, pool);
        }
    }

    /**
     * residual is the gate input when {@code gate}, else added before act; with {@code pooled} (2, N, C_out) the
     * stored tiles are pooled too: one {@link TilePool} per chunk (on its thread's scratch), and one per column range
     * when a chunk's columns are split over the threads (arrays of its own: a worker may serve another caller before
     * this one merges), merged in column order.
     */
    private static void run(ConvGeometry g, float[] x, PackedConvWeights w, float[] residual, boolean gate,
                            ConvActivation act, int shiftFrames, int shiftFold, Excitation excite, UpGate upGate,
                            float[] y, float[] pooled) {
        if (g.isDepthwise()) {
            if (Depthwise3x3.supports(g)) Depthwise3x3.forward(g, x, w.plain(), w.bias(), residual, act, y);
            else ConvDepthwise.forward(g, x, w.plain(), w.bias(), residual, act, y);
            return;
        }
        if (!gate && pooled == null && excite == null && upGate == null && shiftFrames == 0 && PolyphaseDirectConv.supports(g)) {
            PolyphaseDirectConv.forward(g, x, w, residual, act, y);           // the stems: no packed B panels
            return;
        }
        Shift shift = shiftFrames > 0 ? new Shift(shiftFrames, shiftFold) : null;
        int images = g.isPointwise() ? g.n() : imagesPerGemm(g), chunks = (g.n() + images - 1) / images;
        if (CpuThreads.threads() > 1 && chunks >= CpuThreads.threads()) {
            CpuThreads.parallelFor(0, chunks, 1, (c0, c1) -> {
                for (int c = c0; c < c1; c++) {
                    int n0 = c * images, nb = Math.min(images, g.n() - n0);
                    TilePool pool = pooled == null ? null : TilePool.onThreadScratch(n0, nb, g.cOut(), g.outPlane());
                    for (int gr = 0; gr < g.groups(); gr++) {
                        Source src = source(g, x, n0, nb, gr, images, shift, excite, upGate, BUFFERS.get());
                        gemm(g, w, gr, src, n0, 0, nb * g.outPlane(), residual, gate, act, y, pool);
                    }
                    if (pool != null) pool.finish(pooled, g.n());
                }
            });
            return;
        }
        for (int c = 0; c < chunks; c++) {
            int n0 = c * images, nb = Math.min(images, g.n() - n0), cols = nb * g.outPlane();
            TilePool pool = pooled == null ? null : new TilePool(n0, nb, g.cOut(), g.outPlane());
            for (int gr = 0; gr < g.groups(); gr++) {
                Source src = source(g, x, n0, nb, gr, images, shift, excite, upGate, BUFFERS.get());   // shared, read-only
                int panels = (cols + NR - 1) / NR, group = gr;
                TilePool[] parts = pool == null ? null : new TilePool[panels];          // by first panel of a range
                CpuThreads.parallelFor(0, panels, 1, (lo, hi) -> {
                    TilePool part = parts == null ? null : (parts[lo] = new TilePool(n0, nb, g.cOut(), g.outPlane()));
                    gemm(g, w, group, src, n0, lo * NR, Math.min(cols, hi * NR), residual, gate, act, y, part);
                });
                if (parts != null) for (TilePool part : parts) if (part != null) pool.merge(part);
            }
            if (pool != null) pool.finish(pooled, g.n());
        }
    }

    /**
     * The scalar twin: the convolution by its definition ({@link ConvKernels#forwardScalar}, accumulated in double)
     * on the explicitly shifted input, then {@code act(· + residual)} element by element.
     *
     * @param w (C_out, C_in/g, *kernel) plain, folded weights; bias (C_out) or null
     */
    public static void forwardScalar(ConvGeometry g, float[] x, float[] w, float[] bias, float[] residual,
                                     ConvActivation act, int shiftFrames, int shiftFold, float[] y) {
        float[] in = shiftFrames > 0 ? shiftedCopy(g, x, shiftFrames, shiftFold) : x;
        ConvKernels.forwardScalar(g, in, w, bias, y);
        for (int i = 0; i < y.length; i++) y[i] = act.apply(residual == null ? y[i] : y[i] + residual[i]);
    }

    /** The scalar twin of {@link #forwardGated}: the convolution by its definition, then {@code gate·(σ + 1)} in double. */
    public static void forwardGatedScalar(ConvGeometry g, float[] x, float[] w, float[] bias, float[] gate, float[] y) {
        ConvKernels.forwardScalar(g, x, w, bias, y);
        for (int i = 0; i < y.length; i++) y[i] = (float) (gate[i] * (1 / (1 + Math.exp(-(double) y[i])) + 1));
    }

    /**
     * The scalar twin of {@link #forwardPooled}: the convolution by its definition, then the mean (summed in double)
     * and the max of each (image, channel) plane of y, pooled (2, N, C_out).
     */
    public static void forwardPooledScalar(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, float[] pooled) {
        ConvKernels.forwardScalar(g, x, w, bias, y);
        int n = g.n(), cOut = g.cOut(), plane = g.outPlane();
        for (int row = 0; row < n * cOut; row++) {                     // row = image·C_out + channel
            double sum = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < plane; p++) {
                sum += y[row * plane + p];
                max = Math.max(max, y[row * plane + p]);
            }
            pooled[row] = (float) (sum / plane);
            pooled[n * cOut + row] = max;
        }
    }

    /** TSM's shift of x (N, C, *spatial) as a copy, the reference the in-place read is tested against. */
    static float[] shiftedCopy(ConvGeometry g, float[] x, int frames, int fold) {
        int plane = g.inPlane(), c = g.cIn();
        float[] out = new float[g.inputLength()];
        for (int n = 0; n < g.n(); n++)
            for (int ci = 0; ci < c; ci++) {
                int src = new Shift(frames, fold).sourceImage(n, ci);
                if (src >= 0) System.arraycopy(x, (src * c + ci) * plane, out, (n * c + ci) * plane, plane);
            }
        return out;
    }

    // ---------------------------------------------------------------- scheduling

    /** Images per GEMM: about {@value #COLUMN_TARGET} columns within the budget, and every thread gets a chunk. */
    static int imagesPerGemm(ConvGeometry g) {
        int p = g.outPlane();
        if (p >= COLUMN_TARGET) return 1;
        long k = (long) g.cInPerGroup() * g.kernelVolume();
        int b = COLUMN_TARGET / p;
        boolean unfolds = !g.isPointwise() && !ImplicitPanels.supports(g);     // only then is there a column matrix
        if (unfolds) b = (int) Math.max(1, Math.min(b, COLUMN_BUDGET / (k * p)));
        int threads = CpuThreads.threads();
        if (threads > 1 && g.n() >= threads) b = Math.min(b, (g.n() + threads - 1) / threads);
        return Math.max(1, Math.min(b, g.n()));
    }

    // ---------------------------------------------------------------- the B operand

    /**
     * What a 1×1 convolution applies to x as it packs its panels, instead of reading a gated tensor: ACTION-Net's
     * gates ({@link Excitation}) or M2A's excitation ({@link UpGate}).
     */
    sealed interface InputGate permits Excitation, UpGate {}

    /**
     * ACTION-Net's three gates as a read, {@code x·(offset + channel[n, ci] + pixel[n, p])} (Wang, She, Smolic, CVPR
     * 2021, Eq. 2: {@code xs·p + xs + xs·q + xs + xs·s + xs} with channel = q + s, pixel = p, offset 3), computed
     * as {@link CpuBroadcastGate}'s SUM computes it, so the packed floats equal those of the gated tensor.
     *
     * @param channel (N, C_in)
     * @param pixel   (N, P)
     */
    record Excitation(float[] channel, float[] pixel, double offset) implements InputGate {
        /** {@code offset + channel[i]} rounded once to float, as the gate op rounds it. */
        float channelTerm(int i) { return (float) (offset + channel[i]); }
    }

    /**
     * M2A's excitation as a read ({@link UpGatedPanels}): the convolution's input is {@code x·(1 + σ(conv_up(a)))}
     * with conv_up's packed weights {@code up} (C_in × r, its bias) and a (N, r, P).
     */
    record UpGate(float[] attended, PackedConvWeights up) implements InputGate {}

    /** TSM's shift as a read: channel ci of image n comes from image {@link #sourceImage}, or is zero. */
    record Shift(int frames, int fold) {
        /** The image (frame of the same clip) channel ci of image n reads, or −1 for zero (a clip end). */
        int sourceImage(int n, int ci) {
            int t = n % frames;
            if (ci < fold) return t + 1 < frames ? n + 1 : -1;
            if (ci < 2 * fold) return t >= 1 ? n - 1 : -1;
            return n;
        }
    }

    /**
     * Where group gr of images {@code [n0, n0 + nb)} is read from: x itself (1×1 stride-1: row ci of image i is
     * channel plane ci, with the shift applied per row; or "same" stride-1 taps read in place), the polyphase copy
     * of a stride-2 convolution's input ({@link PhaseSplit}, images and channels from 0), x gathered tap by tap, or
     * an unfolded column matrix (K, nb·P). {@code taps} says how contiguous reads find their input, null for the
     * others.
     */
    private record Source(float[] data, Kind kind, int n0, int nb, int channel0, Shift shift, Excitation excite,
                          UpGate upGate, ImplicitPanels.Taps taps) {}

    /** x read as 1×1 rows, read tap by tap with vector loads, gathered, or an unfolded column matrix. */
    private enum Kind { POINTWISE, CONTIGUOUS, GATHERED, COLUMNS }

    private static Source source(ConvGeometry g, float[] x, int n0, int nb, int gr, int images, Shift shift, Excitation excite,
                                 UpGate upGate, Buffers buf) {
        int cinG = g.cInPerGroup(), plane = g.inPlane();
        if (g.isPointwise()) return new Source(x, Kind.POINTWISE, n0, nb, gr * cinG, shift, excite, upGate, null);
        if (ImplicitPanels.rowsContiguous(g) && ImplicitPanels.supports(g)) {
            return new Source(x, Kind.CONTIGUOUS, n0, nb, gr * cinG, null, null, null, ImplicitPanels.Taps.direct(g));
        }
        if (PhaseSplit.supports(g)) {
            PhaseSplit split = PhaseSplit.of(g);
            float[] phases = buf.phases(split.length(nb, cinG));
            split.split(x, n0, nb, gr * cinG, cinG, phases);
            return new Source(phases, Kind.CONTIGUOUS, 0, nb, 0, null, null, null, split.taps(cinG));
        }
        if (ImplicitPanels.supports(g)) return new Source(x, Kind.GATHERED, n0, nb, gr * cinG, null, null, null, null);
        int k = cinG * g.kernelVolume(), cols = nb * g.outPlane();
        float[] col = buf.col(k * cols);                                               // (K, nb·P)
        int[] taps = Im2col.allTaps(g);
        if (!Im2col.byTaps(g)) {
            for (int i = 0; i < nb; i++)
                Im2col.im2col(g, x, ((n0 + i) * g.cIn() + gr * cinG) * plane, cinG, col, i * g.outPlane(), cols);
        } else {
            ChunkUnfold.of(g, taps, images).unfold(x, (n0 * g.cIn() + gr * cinG) * plane, nb, col);
        }
        return new Source(col, Kind.COLUMNS, n0, nb, gr * cinG, null, null, null, null);
    }

    /** Packs rows {@code [p0, p0 + kc)} × columns {@code [j0, j0 + nc)} of the source into NR-column panels. */
    private static void packB(ConvGeometry g, Source s, int p0, int kc, int j0, int nc, float[] dst) {
        if (s.kind() == Kind.COLUMNS) {
            GemmPacking.packB(false, s.data(), 0, s.nb() * g.outPlane(), p0, kc, j0, nc, dst, 0);
            return;
        }
        if (s.kind() == Kind.CONTIGUOUS) {
            ImplicitPanels.packContiguous(g, s.taps(), s.data(), s.n0(), s.channel0(), p0, kc, j0, nc, dst);
            return;
        }
        if (s.kind() == Kind.GATHERED) {
            ImplicitPanels.packGathered(g, s.data(), s.n0(), s.channel0() / g.cInPerGroup(), p0, kc, j0, nc, dst);
            return;
        }
        // 1×1 stride 1: row ci, column j = i·P + p is x[n0 + i (or its shift source), gr·C_in/g + ci, p].
        int P = g.outPlane(), cIn = g.cIn(), cBase = s.channel0();
        float[] x = s.data();
        Shift shift = s.shift();
        if (s.upGate() != null) {
            UpGatedPanels.pack(x, s.upGate(), shift, cIn, P, s.n0(), cBase + p0, kc, j0, nc, dst, BUFFERS.get().upAcc);
            return;
        }
        Excitation excite = s.excite();
        int maxSegments = (NR - 1) / P + 2;                                // images one panel can touch
        int[] segmentImage = new int[maxSegments], segmentStart = new int[maxSegments];
        long[] segmentLanes = new long[maxSegments];
        long half = (1L << L) - 1;
        for (int q = 0, d = 0; q < nc; q += NR, d += kc * NR) {
            int nr = Math.min(NR, nc - q), segments = 0;
            for (int t = 0; t < nr; segments++) {                          // lanes sharing an image
                int c = j0 + q + t, i = c / P, p = c - i * P, len = Math.min(nr - t, P - p);
                segmentImage[segments] = s.n0() + i;
                segmentStart[segments] = p - t;                            // plane position lane 0 would read
                segmentLanes[segments] = ((1L << len) - 1) << t;
                t += len;
            }
            if (segments == 1 && nr == NR && excite != null) {
                // the whole panel in one image, excited: the pixel gate's two vectors once, x·(pixel + a) per row
                int image = segmentImage[0], start = segmentStart[0];
                FloatVector p0v = FloatVector.fromArray(S, excite.pixel(), image * P + start);
                FloatVector p1v = FloatVector.fromArray(S, excite.pixel(), image * P + start + L);
                for (int r = 0, o = d; r < kc; r++, o += NR) {
                    int ci = cBase + p0 + r, src = (image * cIn + ci) * P + start;
                    float a = excite.channelTerm(image * cIn + ci);
                    FloatVector.fromArray(S, x, src).mul(p0v.add(a)).intoArray(dst, o);
                    FloatVector.fromArray(S, x, src + L).mul(p1v.add(a)).intoArray(dst, o + L);
                }
                continue;
            }
            if (segments == 1 && nr == NR) {
                // the whole panel lies in one image, and so may the panels after it: copied together, ROW_BLOCK rows
                // of x at a time (of the shift's source frame, or zeros)
                int image = segmentImage[0], start = segmentStart[0];
                int run = Math.min((nc - q) / NR, (P - start) / NR);           // whole panels left in this image
                copyPanels(x, shift, image, cIn, P, cBase + p0, kc, start, run, dst, d);
                q += (run - 1) * NR;
                d += (run - 1) * kc * NR;
                continue;
            }
            if (segments == 2 && nr == NR) {
                straddlingPanel(x, shift, excite, cIn, P, cBase + p0, kc, segmentImage, segmentStart, segmentLanes[1], dst, d);
                continue;
            }
            // one masked load per image segment and half panel; a shifted channel reads its source frame, or zero
            for (int r = 0, o = d; r < kc; r++, o += NR) {
                int ci = cBase + p0 + r;
                for (int h = 0; h < NR; h += L) {
                    FloatVector v = FloatVector.zero(S);
                    for (int sg = 0; sg < segments; sg++) {
                        int n = shift == null ? segmentImage[sg] : shift.sourceImage(segmentImage[sg], ci);
                        if (n < 0) continue;
                        VectorMask<Float> m = LaneMask.of(segmentLanes[sg] >>> h & half);
                        FloatVector xv = FloatVector.fromArray(S, x, (n * cIn + ci) * P + segmentStart[sg] + h, m);
                        if (excite != null) {
                            xv = xv.mul(FloatVector.fromArray(S, excite.pixel(), n * P + segmentStart[sg] + h, m)
                                    .add(excite.channelTerm(n * cIn + ci)));
                        }
                        v = v.blend(xv, m);
                    }
                    v.intoArray(dst, o + h);
                }
            }
        }
    }

    /**
     * One whole NR-column panel whose lanes span two images — the end of image {@code image[0]}'s plane in lanes
     * {@code [0, t)}, the start of {@code image[1]}'s from lane t — for planes of 32 to 63 positions (7², ResNet-50's
     * last stage) nearly every other panel, for 14² one in six. Per row and half panel: a plain load from each
     * image's row placed so that its lanes land at their panel positions, and one blend, with the masks made once
     * for the panel. Every such load lies inside x: image 0's vectors start in its row and run at most L − 1 floats
     * on (into the next channel's row, or the next image's first, which exists since image 1 follows), and image 1's
     * start at most t floats before its row (after the previous channel's, or image 0's, rows) and end inside it,
     * since two images' lanes fill the panel. A shifted channel reads its source frame, or zeros; an excited read
     * ({@link Excitation}, never with a shift) multiplies each image's vector by its gates before the blend, the
     * pixel gates' vectors (inside the (N, P) gate by the same argument) read once for the panel. The same floats as
     * the general path's masked loads; ResNet-50's 1×1 layers at 7² and 14² ran 5–15 % faster with it (docs/PERF.md).
     *
     * @param secondLanes the lanes of {@code image[1]} (bits t … NR − 1)
     */
    private static void straddlingPanel(float[] x, Shift shift, Excitation excite, int cIn, int P, int ci0, int kc,
                                        int[] image, int[] start, long secondLanes, float[] dst, int d) {
        long half = (1L << L) - 1, low = secondLanes & half, high = secondLanes >>> L & half;
        VectorMask<Float> second0 = LaneMask.of(low), second1 = LaneMask.of(high);
        boolean firstInHigh = high != half, secondInLow = low != 0;
        if (excite != null) {                                  // the pixel gates at the panel's lanes, each image's
            float[] pixel = excite.pixel();
            int pa = image[0] * P + start[0], pb = image[1] * P + start[1];
            FloatVector pa0 = rowLoad(pixel, true, pa), pa1 = rowLoad(pixel, firstInHigh, pa + L);
            FloatVector pb0 = rowLoad(pixel, secondInLow, pb), pb1 = rowLoad(pixel, true, pb + L);
            for (int r = 0, o = d; r < kc; r++, o += NR) {
                int ci = ci0 + r, a = (image[0] * cIn + ci) * P + start[0], b = (image[1] * cIn + ci) * P + start[1];
                float ga = excite.channelTerm(image[0] * cIn + ci), gb = excite.channelTerm(image[1] * cIn + ci);
                FloatVector lo = rowLoad(x, true, a).mul(pa0.add(ga));
                FloatVector hi = rowLoad(x, true, b + L).mul(pb1.add(gb));
                if (secondInLow) lo = lo.blend(rowLoad(x, true, b).mul(pb0.add(gb)), second0);
                if (firstInHigh) hi = rowLoad(x, true, a + L).mul(pa1.add(ga)).blend(hi, second1);
                lo.intoArray(dst, o);
                hi.intoArray(dst, o + L);
            }
            return;
        }
        for (int r = 0, o = d; r < kc; r++, o += NR) {
            int ci = ci0 + r;
            int n0 = shift == null ? image[0] : shift.sourceImage(image[0], ci);
            int n1 = shift == null ? image[1] : shift.sourceImage(image[1], ci);
            int a = (n0 * cIn + ci) * P + start[0], b = (n1 * cIn + ci) * P + start[1];   // lane 0's position in each
            FloatVector lo = rowLoad(x, n0 >= 0, a), hi = rowLoad(x, n1 >= 0, b + L);
            if (secondInLow) lo = lo.blend(rowLoad(x, n1 >= 0, b), second0);
            if (firstInHigh) hi = rowLoad(x, n0 >= 0, a + L).blend(hi, second1);
            lo.intoArray(dst, o);
            hi.intoArray(dst, o + L);
        }
    }

    /** {@code x[from, from + L)} when {@code read}, zeros when not (also {@link UpGatedPanels}'s straddling rows). */
    static FloatVector rowLoad(float[] x, boolean read, int from) {
        return read ? FloatVector.fromArray(S, x, from) : FloatVector.zero(S);
    }

    /**
     * Rows of x copied into a 1×1 convolution's B panels at a time: 8 rows of 64 B each per panel, read along each row
     * of x across the run's panels. One panel's {@code kc} rows at a time read a cache line a plane apart per row (a
     * new stream per row for the prefetchers); 8 rows across the panels read 8 sequential streams and write 512 B
     * runs. ResNet-50's 1×1 layers whose B is re-read by few output rows (256 → 64, 64 → 64, 256 → 128 at 56²) ran
     * 10–18 % faster, the others 1–8 % (docs/PERF.md).
     */
    static final int ROW_BLOCK = 8;

    /**
     * {@code run} whole NR-column panels of image {@code image} starting at plane position {@code start}: panel q,
     * row r (channel {@code ci0 + r}) is {@code x[n, ci0 + r, start + q·NR …]} for the shift's source frame n of
     * that channel, or zeros; panel q is written at {@code d0 + q·kc·NR}.
     */
    private static void copyPanels(float[] x, Shift shift, int image, int cIn, int P, int ci0, int kc, int start, int run,
                                   float[] dst, int d0) {
        for (int r0 = 0; r0 < kc; r0 += ROW_BLOCK) {
            int r1 = Math.min(kc, r0 + ROW_BLOCK);
            for (int q = 0; q < run; q++) {
                int d = d0 + q * kc * NR, column = start + q * NR;
                for (int r = r0; r < r1; r++) {
                    int ci = ci0 + r, n = shift == null ? image : shift.sourceImage(image, ci);
                    panelRow(x, n < 0 ? -1 : (n * cIn + ci) * P + column, dst, d + r * NR);
                }
            }
        }
    }

    /** One row of a B panel: the NR floats of src from {@code from}, or zeros when {@code from < 0}. */
    static void panelRow(float[] src, int from, float[] dst, int o) {
        if (from < 0) {
            FloatVector.zero(S).intoArray(dst, o);
            FloatVector.zero(S).intoArray(dst, o + L);
        } else {
            FloatVector.fromArray(S, src, from).intoArray(dst, o);
            FloatVector.fromArray(S, src, from + L).intoArray(dst, o + L);
        }
    }

    // ---------------------------------------------------------------- the GEMM with its epilogue

    /**
     * Output columns {@code [j0, j1)} of the chunk's group gr: column blocks, K blocks, then one MR-row panel at a
     * time across the block's NR-column tiles, A pre-packed; with a
     * {@code pool}, each tile's last store is pooled too ({@link PooledTileKernel}, partial tiles {@link TilePool#add}).
     */
    private static void gemm(ConvGeometry g, PackedConvWeights w, int gr, Source s, int n0, int j0, int j1,
                             float[] residual, boolean gate, ConvActivation act, float[] y, TilePool pool) {
        Buffers buf = BUFFERS.get();
        int k = w.k(), coutG = g.cOutPerGroup(), panels = PackedConvWeights.panelsPerGroup(coutG);
        int kb = even(k, KC, 1), nbBlock = even(j1 - j0, blockColumns(kb), NR);
        float[] a = w.panels(), bias = w.bias(), acc = buf.acc;
        ConvEpilogue out = new ConvEpilogue(y, residual, gate, bias, act, g.cOut(), g.outPlane(), n0);
        int[] segmentOffset = new int[ConvEpilogue.maxSegments(g.outPlane())];
        long[] segmentLanes = new long[segmentOffset.length];
        int[] poolAt = pool == null ? null : new int[segmentOffset.length];
        for (int jc = j0; jc < j1; jc += nbBlock) {
            int nc = Math.min(nbBlock, j1 - jc);
            for (int pc = 0; pc < k; pc += kb) {
                int kc = Math.min(kb, k - pc);
                float[] bp = buf.b((nc + NR - 1) / NR * NR * kc);                         // (ceil(nc/NR), kc, NR)
                packB(g, s, pc, kc, jc, nc, bp);
                boolean first = pc == 0, last = pc + kc == k;
                // One MR-row panel at a time sweeps the block's columns: its tiles walk along MR rows of y (and of
                // the residual or gate input), streams the prefetchers follow, with the A micro-panel in L1 and the
                // B block re-read from L2 (blockColumns); MC rows at a time wrote MC rows a plane apart per B
                // micro-panel (ResNet50LayerTiming, docs/PERF.md).
                for (int q = 0; q < panels; q++) {
                    int co0 = gr * coutG + q * MR, mr = Math.min(MR, coutG - q * MR), aOff = w.panel(gr, q) + pc * MR;
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr), c = jc + jr;
                        int segments = out.segments(c, nr, segmentOffset, segmentLanes);   // images the tile spans
                        if (mr < MR) {
                            GemmMicroKernel.accumulate(kc, a, aOff, bp, jr * kc, acc);
                            out.store(acc, mr, nr, co0, c, first, last);
                            if (last && pool != null) pool.add(y, co0, mr, segmentOffset, segmentLanes, segments);
                        } else if (gate) {
                            ConvTileKernel.tileGated(kc, a, aOff, bp, jr * kc, acc, y, co0 * g.outPlane(), g.outPlane(),
                                    segmentOffset, segmentLanes, segments, first, last, bias, co0, residual);
                        } else if (pool != null && last) {                                   // stored and pooled
                            pool.bases(segmentOffset, segmentLanes, segments, co0, poolAt);
                            PooledTileKernel.tile(kc, a, aOff, bp, jr * kc, acc, y, co0 * g.outPlane(), g.outPlane(),
                                    segmentOffset, segmentLanes, segments, first, true, bias, co0, pool.sums(),
                                    pool.maxes(), poolAt);
                        } else {
                            ConvTileKernel.tile(kc, a, aOff, bp, jr * kc, acc, y, co0 * g.outPlane(), g.outPlane(),
                                    segmentOffset, segmentLanes, segments, first, last, bias, co0, residual, act);
                        }
                    }
                }
            }
        }
    }

    /**
     * Shared-dimension block: an A micro-panel (KC, MR) of 32 KiB stays in L1 while a row panel sweeps the columns.
     * Four times {@link GemmBlocked}'s default: with B streamed from L2 rather than held in L1, fewer blocks mean fewer
     * round trips of partial sums through y (ResNet-50's layers with K ≥ 512 1–9 % faster, docs/PERF.md).
     */
    static final int KC = 1024;

    /** Packed B floats a column block may hold: 512 KiB, half of a core's L2, so it is re-read from there. */
    static final int B_BLOCK_FLOATS = 1 << 17;

    /** Most columns of a block whose packed B (kc rows) fits {@link #B_BLOCK_FLOATS}, a multiple of NR. */
    static int blockColumns(int kc) {
        return Math.max(NR, Math.min(GemmBlocked.NC, B_BLOCK_FLOATS / kc / NR * NR));
    }

    private static int even(int total, int max, int align) {
        int parts = (total + max - 1) / max;
        int size = (total + parts - 1) / parts;
        return (size + align - 1) / align * align;
    }

    // ---------------------------------------------------------------- checks

    private static void check(ConvGeometry g, float[] x, PackedConvWeights w, float[] residual, int shiftFrames,
                              int shiftFold, float[] y) {
        java.util.function.Supplier<String> where = () -> "ConvFused.forward " + g;   // built only for an error
        if (w.cOut() != g.cOut() || w.groups() != g.groups() || w.k() != g.cInPerGroup() * g.kernelVolume()) {
            throw new IllegalArgumentException(where.get() + ": packed weights are (C_out=" + w.cOut() + ", groups="
                    + w.groups() + ", K=" + w.k() + "), the geometry needs (" + g.cOut() + ", " + g.groups() + ", "
                    + g.cInPerGroup() * g.kernelVolume() + ")");
        }
        if (g.isDepthwise() != w.isDepthwise()) {
            throw new IllegalArgumentException(where.get() + ": weights packed " + (w.isDepthwise() ? "" : "not ")
                    + "for a depthwise convolution");
        }
        if (x.length < g.inputLength()) throw new IllegalArgumentException(where.get() + ": x has " + x.length + " elements, needs " + g.inputLength());
        if (y.length < g.outputLength()) throw new IllegalArgumentException(where.get() + ": y has " + y.length + " elements, needs " + g.outputLength());
        if (residual != null && residual.length < g.outputLength()) {
            throw new IllegalArgumentException(where.get() + ": residual has " + residual.length + " elements, needs " + g.outputLength());
        }
        if (shiftFrames > 0) {
            if (!g.isPointwise() || g.groups() != 1) throw new IllegalArgumentException(where.get() + ": the temporal shift is read in place only by a 1×1 stride-1 ungrouped convolution");
            if (g.n() % shiftFrames != 0) throw new IllegalArgumentException(where.get() + ": batch " + g.n() + " is not a multiple of T=" + shiftFrames);
            if (shiftFold < 0 || 2 * shiftFold > g.cIn()) throw new IllegalArgumentException(where.get() + ": shift fold " + shiftFold + " does not fit C_in=" + g.cIn());
        }
    }
}
