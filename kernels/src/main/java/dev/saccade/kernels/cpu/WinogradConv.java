package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;
import static dev.saccade.kernels.cpu.WinogradWeights.XI;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * The inference 3×3 convolution (stride 1, padding 1, ungrouped) by Winograd's minimal filtering F(2×2, 3×3)
 * (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016, §4): each 2×2 output tile is
 * {@code Y = Aᵀ·[Σ_ci U[co, ci] ⊙ V[ci]]·A} with {@code V = Bᵀ·d·B} of the 4×4 input tile d around it and
 * {@code U = G·g·Gᵀ} of the kernel ({@link WinogradWeights}), so the 16 positions of the tile are 16 matrix products
 * {@code M_ξ (C_out, tiles) = U_ξ (C_out, C_in) · V_ξ (C_in, tiles)}: 16 multiply-adds per 4 outputs and input
 * channel instead of 36, 2.25× fewer. Then {@code y = act(Y + b + residual)} as {@link ConvFused} writes it.
 *
 * <pre>
 *      | 1  0 −1  0 |          | 1  1  1  0 |
 * Bᵀ = | 0  1  1  0 |     Aᵀ = | 0  1 −1 −1 |
 *      | 0 −1  1  0 |
 *      | 0  1  0 −1 |
 * </pre>
 *
 * <p>How it runs: the tiles are taken L = 16 at a time (one vector of tiles, a <em>segment</em>) — along a row of
 * tiles when the row is wide, else in raster order across rows and images, so that small planes fill the vector too —
 * and two segments side by side make the NR = 32 columns of one GEMM panel. Per panel, the input transform writes V
 * straight into the GEMM's packed B order (16, C_in, NR), reading each input row as even and odd columns by two
 * shuffles; then for each block of MR output channels the micro-kernel accumulates each of the 16 products over all
 * C_in in registers (two panels per pass over U, so each U micro-panel brought into the cache serves both), and the
 * output transform turns the 16 accumulator tiles into 2×2 tiles, interleaves their columns back into rows and
 * applies bias, residual and activation as it stores. Nothing of V or M leaves the cache. Passes are split over the
 * threads. The vector code is cut into small methods that take scalars and arrays only: C2 boxes a vector that
 * crosses a call it did not inline or that merges two paths, which made a first version allocate 40 MB a call.
 * Rounding differs from the direct convolution's (the transforms add and subtract inputs before the products); the
 * error stays at float precision for unit-scale data ({@code WinogradConvTest}). NNPACK and cuDNN use the same
 * algorithm for these layers; ONNX Runtime's MLAS and oneDNN's default CPU path run them directly.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.conv2d(8, 64, 64, 56, 56, 3, 1, 1);
 * WinogradWeights u = WinogradWeights.transform(w, bias, 64, 64);
 * WinogradConv.forward(g, x, u, null, ConvActivation.RELU, y);
 * }</pre>
 */
public final class WinogradConv {
    /**
     * Fewest input channels for which the inference path takes this kernel: a choice, not a measurement — it keeps
     * the 1- and 2-channel spatial convolutions of CBAM and W3, where the transforms would cost about as much as the
     * products they save, on the direct path. Every 3×3 layer of the ResNets has 16 or more.
     */
    static final int MIN_CHANNELS = 16;

    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);
    /** Interleaves two vectors: lanes {@code a0 b0 a1 b1 …} of the low halves, then of the high halves. */
    private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.fromOp(S, i -> (i & 1) == 0 ? i / 2 : L + i / 2);
    private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.fromOp(S, i -> (i & 1) == 0 ? L / 2 + i / 2 : L + L / 2 + i / 2);

    /** Per-thread scratch: one panel's V (16, C_in, NR), its 16 accumulator tiles (16, MR, NR), the transforms' rows. */
    private static final class Buffers {
        float[] v = new float[0];
        final float[] acc = new float[PASS * XI * MR * NR];
        final int[] count = new int[2 * PASS];
        final float[] eo = new float[SCRATCH];
        final float[] lanes = new float[16 * 2 * L];       // c0..c3 of 4 rows, each L lanes + L spare (general path)
        final float[] tile = new float[4 * 2 * L];         // y00, y01, y10, y11, each L lanes + L spare
        final int[][] pieces = new int[2 * PASS][L * PIECE];

        float[] v(int size) { if (v.length < size) v = new float[size]; return v; }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private WinogradConv() {}

    /**
     * Whether g is a convolution this kernel runs: 2-d, 3×3, stride 1, padding 1, dilation 1, ungrouped, C_in ≥ 16.
     * The inference path runs all of them here: at ResNet-50's four stage shapes (56² … 7², 8 frames) it took
     * 0.6–0.7 of the implicit-GEMM path's time in {@code WinogradConvBench}.
     */
    public static boolean supports(ConvGeometry g) {
        return g.rank() == 2 && g.kH() == 3 && g.kW() == 3 && g.strideH() == 1 && g.strideW() == 1
                && g.padH() == 1 && g.padW() == 1 && g.dilH() == 1 && g.dilW() == 1 && g.groups() == 1
                && g.cIn() >= MIN_CHANNELS;
    }

    /**
     * {@code y = act(conv(x, w) + b + residual)}; y is overwritten, never read.
     *
     * @param x        (N, C_in, H, W)
     * @param w        the transformed weights (and bias) of a (C_out, C_in, 3, 3) kernel
     * @param residual (N, C_out, H, W) added before the activation, or null
     * @param y        (N, C_out, H, W)
     */
    public static void forward(ConvGeometry g, float[] x, WinogradWeights w, float[] residual, ConvActivation act, float[] y) {
        check(g, x, w, residual, y);
        Tiles t = new Tiles(g);
        int perPass = t.panels() >= PASS * CpuThreads.threads() ? PASS : 1;     // every thread still gets a pass
        int passes = (t.panels() + perPass - 1) / perPass;
        CpuThreads.parallelFor(0, passes, 1, (p0, p1) -> {
            Buffers buf = BUFFERS.get();
            float[] v = buf.v(perPass * XI * g.cIn() * NR);
            for (int p = p0; p < p1; p++) pass(g, t, x, w, residual, act, y, p, perPass, v, buf);
        });
    }

    // ---------------------------------------------------------------- where the tiles are

    /** Ints per piece: image, row of tiles, first tile of the row, tiles, first lane. */
    private static final int PIECE = 5;

    /**
     * Row of tiles ty of image n holds {@code tw = ⌈W/2⌉} tiles. When {@code byRow} (rows at least 3/4 of a vector
     * wide) a segment is at most L tiles of one row, {@code perRow} segments a row; otherwise segment s is the tiles
     * {@code [s·L, s·L + L)} in raster order (n, ty, tx), in pieces that each lie in one row.
     */
    private record Tiles(int n, int th, int tw, boolean byRow, int perRow, int segments) {
        Tiles(ConvGeometry g) { this(g.n(), (g.outH() + 1) / 2, (g.outW() + 1) / 2); }

        private Tiles(int n, int th, int tw) { this(n, th, tw, 4 * tw >= 3 * L, (tw + L - 1) / L); }

        private Tiles(int n, int th, int tw, boolean byRow, int perRow) {
            this(n, th, tw, byRow, perRow, byRow ? n * th * perRow : (int) (((long) n * th * tw + L - 1) / L));
        }

        int panels() { return (segments + 1) / 2; }

        /** Fills {@code out} with segment s's pieces (image, ty, tx0, length, first lane); returns how many. */
        int pieces(int s, int[] out) {
            if (byRow) {
                int row = s / perRow, k = s - row * perRow;
                set(out, 0, row / th, row % th, k * L, Math.min(L, tw - k * L), 0);
                return 1;
            }
            long first = (long) s * L, end = Math.min(first + L, (long) n * th * tw);
            int count = 0;
            for (long tile = first; tile < end; count++) {
                long row = tile / tw;
                int tx = (int) (tile - row * tw), len = (int) Math.min(tw - tx, end - tile);
                set(out, count, (int) (row / th), (int) (row % th), tx, len, (int) (tile - first));
                tile += len;
            }
            return count;
        }

        private static void set(int[] out, int i, int image, int ty, int tx0, int len, int lane0) {
            out[i * PIECE] = image;
            out[i * PIECE + 1] = ty;
            out[i * PIECE + 2] = tx0;
            out[i * PIECE + 3] = len;
            out[i * PIECE + 4] = lane0;
        }
    }

    /**
     * GEMM panels per pass over U: each A micro-panel of U brought into the cache is used for this many panels
     * (tsn-resnet50 ran ~5 % faster with 2 than with 1; 4 was no better in {@code WinogradConvBench}).
     */
    static final int PASS = 2;

    /**
     * Panels {@code [p·perPass, p·perPass + perPass)}: panel j holds segments 2j and 2j + 1 in lanes {@code [0, L)} and
     * {@code [L, 2L)}, its V at {@code j·16·C_in·NR} and its 16 accumulator tiles at {@code j·16·MR·NR}.
     */
    private static void pass(ConvGeometry g, Tiles t, float[] x, WinogradWeights w, float[] residual,
                             ConvActivation act, float[] y, int p, int perPass, float[] v, Buffers buf) {
        int cIn = g.cIn(), first = p * perPass * 2, segments = Math.min(2 * perPass, t.segments() - first);
        int panels = (segments + 1) / 2, vPanel = XI * cIn * NR, accPanel = XI * MR * NR;
        int[] count = buf.count;
        for (int sg = 0; sg < segments; sg++) {
            count[sg] = t.pieces(first + sg, buf.pieces[sg]);
            inputTransform(g, x, buf.pieces[sg], count[sg], sg & 1, v, (sg >> 1) * vPanel, buf);
        }
        float[] u = w.u(), acc = buf.acc;
        for (int q = 0, blocks = PackedConvWeights.panelsPerGroup(g.cOut()); q < blocks; q++) {
            for (int xi = 0; xi < XI; xi++) {
                int a = w.panel(xi, q);
                for (int j = 0; j < panels; j++) {
                    GemmMicroKernel.accumulate(cIn, u, a, v, j * vPanel + xi * cIn * NR, acc, j * accPanel + xi * MR * NR);
                }
            }
            int mr = Math.min(MR, g.cOut() - q * MR);
            for (int sg = 0; sg < segments; sg++) {
                outputTransform(g, w.bias(), residual, act, y, buf.pieces[sg], count[sg], sg & 1, q * MR, mr, acc,
                        (sg >> 1) * accPanel, buf.tile);
            }
        }
    }

    // ---------------------------------------------------------------- V = Bᵀ·d·B

    /**
     * Writes V of one segment for every input channel into lanes {@code [h·L, h·L + L)} of the panel's B order
     * {@code v[(ξ·C_in + ci)·NR + lane]}. Tile j of a piece reads input columns {@code s0 + 2j + {0..3}} with
     * {@code s0 = 2·tx0 − 1}: with E and O the even and odd columns of the window from s0 ({@link #splitRow}), these
     * are {@code E[j], O[j], E[j + 1], O[j + 1]}. A segment of one piece reads them from E and O as they are; pieces
     * are first gathered lane by lane ({@link #gatherPiece}). Columns and rows outside the image read zero.
     */
    private static void inputTransform(ConvGeometry g, float[] x, int[] pieces, int count, int h, float[] v, int v0,
                                       Buffers buf) {
        int cIn = g.cIn(), H = g.inH(), W = g.inW(), plane = H * W, stride = cIn * NR;
        float[] eo = buf.eo, c = buf.lanes;
        boolean single = count == 1;
        for (int ci = 0; ci < cIn; ci++) {
            for (int k = 0; k < count; k++) {
                int n = pieces[k * PIECE], ty = pieces[k * PIECE + 1], tx0 = pieces[k * PIECE + 2];
                int len = pieces[k * PIECE + 3], lane0 = pieces[k * PIECE + 4];
                int s0 = 2 * tx0 - 1, top = 2 * ty - 1, o = (n * cIn + ci) * plane + top * W + s0;   // row i at o + i·W
                long b0 = columns(s0, W), b1 = columns(s0 + L, W), b2 = columns(s0 + 2 * L, W) & 3L;
                for (int i = 0; i < 4; i++) {
                    int row = top + i, p = o + i * W, e = i * EO_ROW;
                    if (row < 0 || row >= H) {
                        splitRow(eo, 0, 0L, 0L, 0L, eo, e);                   // a padding row: zeros
                    } else if (p < 0 || p + 3 * L > x.length) {
                        // the array's first or last columns: copied with their padding first, so that no load's
                        // offset leaves the array (a load that did would compile a second, out-of-range path whose
                        // vectors get boxed)
                        copyWindow(x, p, W, s0, eo, WINDOW);
                        splitRow(eo, WINDOW, -1L, -1L, 3L, eo, e);
                    } else {
                        splitRow(x, p, b0, b1, b2, eo, e);
                    }
                    if (!single) gatherPiece(eo, e, c, i, lane0, len);
                }
            }
            int dst = v0 + ci * NR + h * L;
            // (Bᵀ·d·B)[i][j] per column j of the tile: the rows combined as t = a + sign·b (see transformColumn)
            if (single) {                                                    // E at 0, O at L + 1 of each row
                transformColumn(eo, EO_ROW, 0, 1, -1f, v, dst, stride);                      // E[j] − E[j + 1]
                transformColumn(eo, EO_ROW, L + 1, 1, 1f, v, dst + stride, stride);          // O[j] + E[j + 1]
                transformColumn(eo, EO_ROW, 1, L + 1, -1f, v, dst + 2 * stride, stride);     // E[j + 1] − O[j]
                transformColumn(eo, EO_ROW, L + 1, L + 2, -1f, v, dst + 3 * stride, stride); // O[j] − O[j + 1]
            } else {                                                         // c_k of row i at (4i + k)·2L
                transformColumn(c, 8 * L, 0, 4 * L, -1f, v, dst, stride);                    // c0 − c2
                transformColumn(c, 8 * L, 2 * L, 4 * L, 1f, v, dst + stride, stride);        // c1 + c2
                transformColumn(c, 8 * L, 4 * L, 2 * L, -1f, v, dst + 2 * stride, stride);   // c2 − c1
                transformColumn(c, 8 * L, 2 * L, 6 * L, -1f, v, dst + 3 * stride, stride);   // c1 − c3
            }
        }
    }

    /** One input row split into E (L + 1 floats) and O (L + 1 floats) in the scratch. */
    static final int EO_ROW = 2 * L + 2;
    /** Where in the scratch a copied window row goes: after four split rows. */
    private static final int WINDOW = 4 * EO_ROW;
    /** Scratch floats per thread: four split rows, then a copied window row (2L + 2 read, L spare). */
    static final int SCRATCH = WINDOW + 3 * L;

    /** Columns {@code [s0, s0 + 2L + 2)} of the input row at p (column s0), zero outside {@code [0, W)}, at w0. */
    private static void copyWindow(float[] x, int p, int w, int s0, float[] window, int w0) {
        for (int c = 0; c < 2 * L + 2; c++) {
            int col = s0 + c;
            window[w0 + c] = col >= 0 && col < w ? x[p + c] : 0f;
        }
    }

    /**
     * {@code E[j] = x[p + 2j]} and {@code O[j] = x[p + 2j + 1]} for j ≤ L into {@code eo[e ..]} (E) and
     * {@code eo[e + L + 1 ..]} (O), lanes outside m0 (columns p … p + L), m1 (the next L) and m2 (the last two) zero.
     */
    private static void splitRow(float[] x, int p, long m0, long m1, long m2, float[] eo, int e) {
        FloatVector a0 = load(x, p, m0), a1 = load(x, p + L, m1), a2 = load(x, p + 2 * L, m2);
        a0.rearrange(EVEN, a1).intoArray(eo, e);
        a0.rearrange(ODD, a1).intoArray(eo, e + L + 1);
        eo[e + L] = a2.lane(0);
        eo[e + 2 * L + 1] = a2.lane(1);
    }

    /**
     * A piece's tiles into lanes {@code [lane0, lane0 + len)} of row i's c0..c3 (at {@code (4i + k)·2L}):
     * {@code c0 = E[j], c1 = O[j], c2 = E[j + 1], c3 = O[j + 1]} from the split row at e.
     */
    private static void gatherPiece(float[] eo, int e, float[] c, int i, int lane0, int len) {
        VectorMask<Float> m = VectorMask.fromLong(S, lanes(len));
        int o = 8 * i * L + lane0;
        FloatVector.fromArray(S, eo, e).intoArray(c, o, m);
        FloatVector.fromArray(S, eo, e + L + 1).intoArray(c, o + 2 * L, m);
        FloatVector.fromArray(S, eo, e + 1).intoArray(c, o + 4 * L, m);
        FloatVector.fromArray(S, eo, e + L + 2).intoArray(c, o + 6 * L, m);
    }

    /**
     * Column j of {@code V = Bᵀ·d·B} for the 4 rows: per row i, {@code t_i = c[i·rowStride + a ..] + sign·c[i·rowStride
     * + b ..]} (d·B's column j, exact as an fma with sign ±1), then down the column {@code t0 − t2, t1 + t2, t2 − t1,
     * t1 − t3} written at o + {0, 4, 8, 12}·stride (ξ = 4i + j). Scalars in, stores out: C2 compiles it whole.
     */
    private static void transformColumn(float[] c, int rowStride, int a, int b, float sign, float[] v, int o, int stride) {
        FloatVector k = FloatVector.broadcast(S, sign);
        FloatVector t0 = FloatVector.fromArray(S, c, b).fma(k, FloatVector.fromArray(S, c, a));
        FloatVector t1 = FloatVector.fromArray(S, c, rowStride + b).fma(k, FloatVector.fromArray(S, c, rowStride + a));
        FloatVector t2 = FloatVector.fromArray(S, c, 2 * rowStride + b).fma(k, FloatVector.fromArray(S, c, 2 * rowStride + a));
        FloatVector t3 = FloatVector.fromArray(S, c, 3 * rowStride + b).fma(k, FloatVector.fromArray(S, c, 3 * rowStride + a));
        t0.sub(t2).intoArray(v, o);
        t1.add(t2).intoArray(v, o + 4 * stride);
        t2.sub(t1).intoArray(v, o + 8 * stride);
        t1.sub(t3).intoArray(v, o + 12 * stride);
    }

    /** The lanes of {@code x[o, o + L)} set in {@code lanes}; the others read zero. */
    private static FloatVector load(float[] x, int o, long lanes) {
        return FloatVector.fromArray(S, x, o, VectorMask.fromLong(S, lanes));
    }

    /** The lanes whose column {@code start + lane} lies in {@code [0, W)}, as mask bits. */
    private static long columns(int start, int w) {
        int lo = Math.max(0, -start), hi = Math.min(L, w - start);             // valid lanes [lo, hi)
        return hi <= lo ? 0L : (hi >= 64 ? -1L : (1L << hi) - 1) & -(1L << lo);
    }

    // ---------------------------------------------------------------- Y = Aᵀ·M·A, then the epilogue

    /** Rows {@code [co0, co0 + mr)} of a segment (lanes {@code [h·L, h·L + L)} of the 16 accumulator tiles) into y. */
    private static void outputTransform(ConvGeometry g, float[] bias, float[] residual, ConvActivation act, float[] y,
                                        int[] pieces, int count, int h, int co0, int mr, float[] acc, int acc0,
                                        float[] tile) {
        int ho = g.outH(), wo = g.outW();
        // the activation as a clamp [min, max]: −∞/+∞ for none, so that no vector is chosen between two
        float min = act == ConvActivation.NONE ? Float.NEGATIVE_INFINITY : 0f;
        float max = act == ConvActivation.RELU6 ? 6f : Float.POSITIVE_INFINITY;
        float[] res = residual == null ? y : residual;                       // read with no lane when there is none
        for (int r = 0; r < mr; r++) {
            outputTile(acc, acc0 + r * NR + h * L, bias == null ? 0f : bias[co0 + r], tile);
            for (int k = 0; k < count; k++) {
                int n = pieces[k * PIECE], ty = pieces[k * PIECE + 1], tx0 = pieces[k * PIECE + 2];
                int len = pieces[k * PIECE + 3], lane0 = pieces[k * PIECE + 4];
                int col = 2 * tx0, width = Math.min(2 * len, wo - col);
                long lo = lanes(width), hi = lanes(width - L);               // the row's columns in each output vector
                long resLo = residual == null ? 0L : lo, resHi = residual == null ? 0L : hi;
                int o = ((n * g.cOut() + co0 + r) * ho + 2 * ty) * wo + col;
                emitRow(tile, lane0, min, max, res, resLo, resHi, y, o, lo, hi);
                if (2 * ty + 1 < ho) emitRow(tile, 4 * L + lane0, min, max, res, resLo, resHi, y, o + wo, lo, hi);
            }
        }
    }

    /**
     * {@code Y = Aᵀ·M·A + bias} of one output channel's L tiles, M the accumulator vectors at a (tile ξ at
     * a + ξ·MR·NR): y00, y01, y10, y11 (each L tiles) into {@code tile} at 0, 2L, 4L, 6L. Scalars in, stores out.
     */
    private static void outputTile(float[] acc, int a, float bias, float[] tile) {
        // Aᵀ·M down the columns of the tile: s_j = m0j + m1j + m2j, d_j = m1j − m2j − m3j (m_ij at ξ = 4i + j)
        FloatVector s0 = m(acc, a, 0).add(m(acc, a, 4)).add(m(acc, a, 8)), d0 = m(acc, a, 4).sub(m(acc, a, 8)).sub(m(acc, a, 12));
        FloatVector s1 = m(acc, a, 1).add(m(acc, a, 5)).add(m(acc, a, 9)), d1 = m(acc, a, 5).sub(m(acc, a, 9)).sub(m(acc, a, 13));
        FloatVector s2 = m(acc, a, 2).add(m(acc, a, 6)).add(m(acc, a, 10)), d2 = m(acc, a, 6).sub(m(acc, a, 10)).sub(m(acc, a, 14));
        FloatVector s3 = m(acc, a, 3).add(m(acc, a, 7)).add(m(acc, a, 11)), d3 = m(acc, a, 7).sub(m(acc, a, 11)).sub(m(acc, a, 15));
        FloatVector b = FloatVector.broadcast(S, bias);
        s0.add(s1).add(s2).add(b).intoArray(tile, 0);                       // (…)·A
        s1.sub(s2).sub(s3).add(b).intoArray(tile, 2 * L);
        d0.add(d1).add(d2).add(b).intoArray(tile, 4 * L);
        d1.sub(d2).sub(d3).add(b).intoArray(tile, 6 * L);
    }

    /** Accumulator tile ξ's vector at offset a. */
    private static FloatVector m(float[] acc, int a, int xi) { return FloatVector.fromArray(S, acc, a + xi * MR * NR); }

    /**
     * One output row of tiles: the left and right columns {@code tile[t ..]} and {@code tile[t + 2L ..]} interleaved
     * ({@code y0 y1 y0 y1 …}), the residual's lanes resLo/resHi added, clamped to [min, max], written at
     * {@code y[o, o + 2L)} on the lanes of lo and hi.
     */
    private static void emitRow(float[] tile, int t, float min, float max, float[] res, long resLo, long resHi,
                                float[] y, int o, long lo, long hi) {
        FloatVector left = FloatVector.fromArray(S, tile, t), right = FloatVector.fromArray(S, tile, t + 2 * L);
        FloatVector vMin = FloatVector.broadcast(S, min), vMax = FloatVector.broadcast(S, max);
        FloatVector v0 = left.rearrange(ZIP_LO, right).add(FloatVector.fromArray(S, res, o, VectorMask.fromLong(S, resLo)));
        FloatVector v1 = left.rearrange(ZIP_HI, right).add(FloatVector.fromArray(S, res, o + L, VectorMask.fromLong(S, resHi)));
        v0.max(vMin).min(vMax).intoArray(y, o, VectorMask.fromLong(S, lo));
        v1.max(vMin).min(vMax).intoArray(y, o + L, VectorMask.fromLong(S, hi));
    }

    /** Mask bits of the first n lanes (none for n ≤ 0, all for n ≥ L). */
    private static long lanes(int n) { return n <= 0 ? 0L : n >= L ? (L == 64 ? -1L : (1L << L) - 1) : (1L << n) - 1; }

    // ---------------------------------------------------------------- checks

    private static void check(ConvGeometry g, float[] x, WinogradWeights w, float[] residual, float[] y) {
        if (!supports(g)) throw new IllegalArgumentException("WinogradConv.forward " + g + ": only 3×3, stride 1, padding 1, dilation 1, ungrouped 2-d convolutions with C_in ≥ " + MIN_CHANNELS);
        if (w.cOut() != g.cOut() || w.cIn() != g.cIn()) {
            throw new IllegalArgumentException("WinogradConv.forward " + g + ": weights transformed for (C_out=" + w.cOut()
                    + ", C_in=" + w.cIn() + ")");
        }
        if (x.length < g.inputLength()) throw new IllegalArgumentException("WinogradConv.forward " + g + ": x has " + x.length + " elements, needs " + g.inputLength());
        if (y.length < g.outputLength()) throw new IllegalArgumentException("WinogradConv.forward " + g + ": y has " + y.length + " elements, needs " + g.outputLength());
        if (residual != null && residual.length < g.outputLength()) {
            throw new IllegalArgumentException("WinogradConv.forward " + g + ": residual has " + residual.length + " elements, needs " + g.outputLength());
        }
    }
}
