package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 3×3 depthwise convolution of {@link Depthwise3x3} (padding 1, stride 1 or 2, epilogue {@code y = act(conv(x,
 * w) + b + residual)}) on small planes, with L channels in the vector lanes — ONNX Runtime's NCHWc layout (MLAS's
 * depthwise kernel), kept inside the kernel: x and y stay NCHW.
 * <p>
 * On a small stride-2 plane (14² → 7²) one channel at a time runs one short vector per output row, each row its own
 * split, masks and stores; with the channels in the lanes every vector is full and every tap is a contiguous load.
 * The code takes stride 1 or 2; {@link #suits} sends it only the planes where it is faster. Per block of L
 * channels of one image:
 * <ol>
 * <li>the block is transposed into a zero-bordered scratch, {@code blk[(ih + 1)·(W + 2) + iw + 1][j] = x[c0 + j,
 *     ih, iw]};</li>
 * <li>each output position is {@code Σ_{kh,kw} w[c0 + j, kh, kw] · blk[(s·oh + kh)·(W + 2) + s·ow + kw][j] + b[j]},
 *     nine vector FMAs from contiguous loads, into {@code out[oh·oW + ow][j]} (activated there when there is no
 *     residual);</li>
 * <li>lane j of out is transposed back into channel j's plane of y, with the residual and activation if any.</li>
 * </ol>
 * The transposes are scalar copies: the Vector API's gathers ({@code FloatVector.fromArray(…, int[] indexMap, …)})
 * ran as Java code on JDK 25 here (JFR: {@code lanewiseTemplate}, {@code checkIndex}) and were slower at every size.
 * A block of fewer than L channels (C not a multiple of L) leaves the other lanes unstored. The scalar twin is
 * {@link ConvFused#forwardScalar}.
 */
final class Depthwise3x3Blocked {
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();

    /**
     * Stride-2 planes of at most this many input positions run here. Against {@link Depthwise3x3}'s plane at a time
     * (2 threads, 8 images, the two alternated call by call): 1024 channels at 7² 0.64 → 0.20 ms, 576 at 14² 0.58–0.60
     * → 0.28–0.30 ms, 160 at 20² 0.23 → 0.16 ms, but 192 at 28² 0.39 → 0.51 ms and 960 at 7², stride 1, 0.21 → 0.29
     * ms: the two scalar transposes cost about as much as a whole plane's convolution at stride 1 or beyond 20² (AVX-512,
     * 16 lanes). With AVX2's 8 lanes the transposes weigh less and the plane-at-a-time kernel's vectors more: 192
     * channels at 28², stride 2, 1.46–1.52 → 1.06–1.08 ms (same comparison, Zen 1; stride 1 stays slower here at
     * every size, 960 at 7² 0.62–0.65 → 0.90–1.00 ms), so there the limit is 28².
     */
    static final int MAX_PLANE = L >= 16 ? 20 * 20 : 28 * 28;

    /** Per-thread scratch: the bordered channel block, its output, and the block's weights tap-major. */
    private static final class Scratch {
        float[] blk = new float[0], out = new float[0];
        final float[] taps = new float[9 * L];                                // [t][j]: tap t of channel c0 + j
        float[] blk(int n) { if (blk.length < n) blk = new float[n]; return blk; }
        float[] out(int n) { if (out.length < n) out = new float[n]; return out; }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Depthwise3x3Blocked() {}

    /**
     * Whether g (which {@link Depthwise3x3#supports}) may run here: stride 2, at most {@link #MAX_PLANE} positions.
     * {@link Depthwise3x3} sends here only those it neither splits flat ({@link Depthwise3x3#splitsFlat}: at 28²
     * with 8 lanes the flat split ran 2.0–3.0× faster than this kernel, Zen 3, 192 channels, 2 images, 2 threads) nor
     * runs as one strip per row ({@link Depthwise3x3#inOneStripAtStrideTwo}: 14² → 7² 1.05–1.62× faster): odd widths,
     * and residuals added in place.
     */
    static boolean suits(ConvGeometry g) {
        return g.strideH() == 2 && g.inH() * g.inW() <= MAX_PLANE;
    }

    /** @param w (C, 9); bias (C) or null; residual (N, C, oH, oW) or null; y overwritten */
    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] residual, ConvActivation act,
                        float[] y) {
        int blocks = (g.cIn() + L - 1) / L;
        CpuThreads.parallelFor(0, g.n() * blocks, 1, (lo, hi) -> {
            Scratch s = SCRATCH.get();
            for (int item = lo; item < hi; item++) {
                int image = item / blocks, c0 = item % blocks * L;
                block(g, x, w, bias, residual, act, y, image, c0, image, s);
            }
        });
    }

    /** {@link #forward} for images {@code [n0, n0 + nb)} of x into images from {@code yImage0} of y, on this thread. */
    static void forwardImages(ConvGeometry g, float[] x, float[] w, float[] bias, float[] residual, ConvActivation act,
                              int n0, int nb, float[] y, int yImage0) {
        Scratch s = SCRATCH.get();
        for (int i = 0; i < nb; i++)
            for (int c0 = 0; c0 < g.cIn(); c0 += L) block(g, x, w, bias, residual, act, y, n0 + i, c0, yImage0 + i, s);
    }

    /** Channels {@code [c0, c0 + L)} (fewer at the end) of image {@code image} of x into image {@code yImage} of y. */
    private static void block(ConvGeometry g, float[] x, float[] w, float[] bias, float[] residual, ConvActivation act,
                              float[] y, int image, int c0, int yImage, Scratch s) {
        int C = g.cIn(), H = g.inH(), W = g.inW(), oH = g.outH(), oW = g.outW(), stride = g.strideH();
        int Wp = W + 2, plane = H * W, oPlane = oH * oW, count = Math.min(L, C - c0);
        VectorMask<Float> lanes = F.indexInRange(0, count);
        float[] blk = s.blk((H + 2) * Wp * L), out = s.out(oPlane * L);
        // 1. transpose in: zero border, then channel j's plane into lane j (lanes past count keep stale values,
        //    which only ever reach lanes that are not stored)
        java.util.Arrays.fill(blk, 0, (Wp + 1) * L, 0f);
        java.util.Arrays.fill(blk, ((H + 1) * Wp - 1) * L, (H + 2) * Wp * L, 0f);
        for (int ih = 0; ih < H; ih++) {
            int row = (ih + 1) * Wp * L;
            ZERO.intoArray(blk, row + (Wp - 1) * L);                           // right border of this row
            ZERO.intoArray(blk, row + Wp * L);                                 // left border of the next
        }
        int xBase = (image * C + c0) * plane;
        for (int j = 0; j < count; j++)
            for (int ih = 0, src = xBase + j * plane; ih < H; ih++)
                for (int iw = 0, dst = ((ih + 1) * Wp + 1) * L + j; iw < W; iw++, dst += L) blk[dst] = x[src++];
        // 2. nine FMAs per output position, all lanes full; the activation here unless a residual comes first
        float[] taps = s.taps;
        for (int j = 0; j < count; j++) for (int t = 0; t < 9; t++) taps[t * L + j] = w[(c0 + j) * 9 + t];
        FloatVector w0 = FloatVector.fromArray(F, taps, 0), w1 = FloatVector.fromArray(F, taps, L);
        FloatVector w2 = FloatVector.fromArray(F, taps, 2 * L), w3 = FloatVector.fromArray(F, taps, 3 * L);
        FloatVector w4 = FloatVector.fromArray(F, taps, 4 * L), w5 = FloatVector.fromArray(F, taps, 5 * L);
        FloatVector w6 = FloatVector.fromArray(F, taps, 6 * L), w7 = FloatVector.fromArray(F, taps, 7 * L);
        FloatVector w8 = FloatVector.fromArray(F, taps, 8 * L);
        FloatVector vb = bias == null ? ZERO : FloatVector.fromArray(F, bias, c0, lanes);
        ConvActivation inLoop = residual == null ? act : ConvActivation.NONE;
        int r1 = Wp * L, r2 = 2 * Wp * L, step = stride * L;
        for (int oh = 0, o = 0; oh < oH; oh++) {
            for (int ow = 0, i = stride * oh * Wp * L; ow < oW; ow++, o += L, i += step) {
                FloatVector acc = FloatVector.fromArray(F, blk, i).fma(w0, vb);
                acc = FloatVector.fromArray(F, blk, i + L).fma(w1, acc);
                acc = FloatVector.fromArray(F, blk, i + 2 * L).fma(w2, acc);
                acc = FloatVector.fromArray(F, blk, i + r1).fma(w3, acc);
                acc = FloatVector.fromArray(F, blk, i + r1 + L).fma(w4, acc);
                acc = FloatVector.fromArray(F, blk, i + r1 + 2 * L).fma(w5, acc);
                acc = FloatVector.fromArray(F, blk, i + r2).fma(w6, acc);
                acc = FloatVector.fromArray(F, blk, i + r2 + L).fma(w7, acc);
                acc = FloatVector.fromArray(F, blk, i + r2 + 2 * L).fma(w8, acc);
                VectorActivation.apply(acc, inLoop).intoArray(out, o);
            }
        }
        // 3. transpose out: lane j of every position into channel j's plane of y
        for (int j = 0; j < count; j++) {
            int d = (yImage * C + c0 + j) * oPlane;
            if (residual == null)
                for (int o = 0, i = j; o < oPlane; o++, i += L) y[d + o] = out[i];
            else
                for (int o = 0, i = j; o < oPlane; o++, i += L) y[d + o] = act.apply(out[i] + residual[d + o]);
        }
    }

    private static final FloatVector ZERO = FloatVector.zero(F);

}
