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
 * The inference 3×3 convolution (stride 1, padding 1, ungrouped) by Winograd's minimal filtering F(4×4, 3×3)
 * (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016, §4.2; interpolation points 0, 1,
 * −1, ½, −2 and ∞): each 4×4 output tile is {@code Y = Aᵀ·[Σ_ci U[co, ci] ⊙ V[ci]]·A} with {@code V = Bᵀ·d·B}
 * of the 6×6 input tile d around it and {@code U = G·g·Gᵀ} of the kernel ({@link WinogradWeights}), so the 36
 * positions of the tile are 36 matrix products {@code M_ξ (C_out, tiles) = U_ξ (C_out, C_in) · V_ξ (C_in, tiles)}:
 * 36 multiply-adds per 16 outputs and input channel instead of 144, 4× fewer. Then {@code y = act(Y + b + residual)} as {@link ConvFused} writes it.
 *
 * <pre>
 *      | 1  −3/2  −2    3/2  1    0 |
 *      | 0  −1     1/2  5/2  1    0 |          | 1  1  1  1    1  0 |
 * Bᵀ = | 0   1    −5/2  1/2  1    0 |     Aᵀ = | 0  1 −1  1/2 −2  0 |
 *      | 0  −2    −1    2    1    0 |          | 0  1  1  1/4  4  0 |
 *      | 0   1/2  −1   −1/2  1    0 |          | 0  1 −1  1/8 −8  1 |
 *      | 0   1    −3/2 −2    3/2  1 |
 * </pre>
 *
 * The points ½ and −2, not the more common 2 and −2, halve the rounding error (Barabasz, Anderson, Soodhalter and
 * Gregg, "Error analysis and improving the accuracy of Winograd convolution for deep neural networks", ACM TOMS 2020;
 * here the largest error over random 256-channel tiles fell from 2.6e-5 to 1.0e-5 of √(9·C_in)) for four more vector
 * operations per input and two per output transform.
 *
 * <p>How it runs: L = 16 tiles at a time (a <em>segment</em>), along a row of tiles when the row is wide, else in raster order across rows and images; two segments make the NR =
 * 32 columns of one GEMM panel. Per panel the input transform writes V straight into the GEMM's packed B order (36,
 * C_in, NR), reading each input row as its four column phases (columns ≡ 0, 1, 2, 3 mod 4) by two rounds of even/odd
 * shuffles; for each block of MR output channels the micro-kernel accumulates the 36 products over all C_in in
 * registers; the output transform turns the 36 accumulator tiles into 4×4 tiles, interleaves their four columns back
 * into rows and applies bias, residual and activation as it stores. The work is split over the threads by panel and
 * block of output channels, so that a small plane (7², 8 frames: two segments) still keeps every core busy; a thread
 * transforms a panel's input once for all the blocks it takes. The vector code is cut into small methods that take
 * scalars and arrays only (C2 boxes a vector that crosses a call it did not inline).
 *
 * <p>Rounding differs from the direct convolution's: the transforms scale inputs and outputs by up to 8 around the
 * products, so the error is several times that of the smaller F(2×2, 3×3) tile (which this kernel replaced:
 * 0.72–0.90× its time at ResNet-50's four stage shapes, docs/PERF.md), ~1e-5·√(9·C_in) for unit-scale data
 * ({@code WinogradConvTest}). ONNX Runtime's MLAS runs these layers directly.
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

    /**
     * GEMM panels per pass over U (each U micro-panel brought into the cache serves this many) when a layer has at
     * least 4·PASS panels per thread, else 1. Kept from the F(2×2, 3×3) kernel, where 2 ran ~5 % faster; for this
     * kernel 1 and 2 timed the same within the spread at ResNet-50's four stage shapes (docs/PERF.md).
     */
    static final int PASS = 2;

    /** One input row as its four column phases: P0 (L + 1 floats), P1 (L + 1), P2 (L), P3 (L). */
    static final int PHASE_ROW = 4 * L + 2;
    /** Where in the row scratch a copied window goes: after six phase rows. */
    private static final int WINDOW = 6 * PHASE_ROW;
    /** Offsets in a phase row of input columns 0…5 of each tile: P0, P1, P2, P3, then P0 and P1 one tile on. */
    private static final int C0 = 0, C1 = L + 1, C2 = 2 * L + 2, C3 = 3 * L + 2, C4 = 1, C5 = L + 2;

    /** Per-thread scratch. */
    private static final class Buffers {
        float[] v = new float[0];                                  // the pass's V (panels, 36, C_in, NR)
        final float[] acc = new float[PASS * XI * MR * NR];       // its 36 accumulator tiles per panel
        final int[] count = new int[2 * PASS];
        final int[][] pieces = new int[2 * PASS][L * PIECE];
        final float[] rows = new float[WINDOW + 5 * L];            // six phase rows, then a copied window (5 loads)
        final float[] d = new float[37 * L];                       // a segment's 6×6 inputs gathered from its pieces
        final float[] t = new float[36 * L];                       // d·B, then Aᵀ·M
        final float[] y = new float[16 * L];                       // the 4×4 output tiles
        final float[] row = new float[8 * L];                      // one output row of the segment, interleaved

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
     * @param w        the F(4×4, 3×3) transformed weights (and bias) of a (C_out, C_in, 3, 3) kernel
     * @param residual (N, C_out, H, W) added before the activation, or null
     * @param y        (N, C_out, H, W)
     */
    public static void forward(ConvGeometry g, float[] x, WinogradWeights w, float[] residual, ConvActivation act, float[] y) {
        check(g, x, w, residual, y);
        Tiles t = new Tiles(g);
        int perPass = t.panels() >= 4 * PASS * CpuThreads.threads() ? PASS : 1;
        int passes = (t.panels() + perPass - 1) / perPass, blocks = PackedConvWeights.panelsPerGroup(g.cOut());
        // items (pass, block of MR output channels), pass-major: each thread's contiguous share transforms a pass's
        // input once and takes its blocks in order
        CpuThreads.parallelFor(0, passes * blocks, 1, (i0, i1) -> {
            Buffers buf = BUFFERS.get();
            float[] v = buf.v(perPass * XI * g.cIn() * NR);
            int transformed = -1;
            for (int i = i0; i < i1; i++) {
                int p = i / blocks, q = i - p * blocks;
                if (p != transformed) {
                    transformInputs(g, t, x, p, perPass, v, buf);
                    transformed = p;
                }
                block(g, t, w, residual, act, y, p, perPass, q, v, buf);
            }
        });
    }

    // ---------------------------------------------------------------- where the tiles are

    /** Ints per piece: image, row of tiles, first tile of the row, tiles, first lane. */
    private static final int PIECE = 5;

    /**
     * Row of tiles ty of image n holds {@code tw = ⌈W/4⌉} tiles. When {@code byRow} (rows at least 3/4 of a vector
     * wide) a segment is at most L tiles of one row, {@code perRow} segments a row; otherwise segment s is the tiles
     * {@code [s·L, s·L + L)} in raster order (n, ty, tx), in pieces that each lie in one row.
     */
    private record Tiles(int n, int th, int tw, boolean byRow, int perRow, int segments) {
        Tiles(ConvGeometry g) { this(g.n(), (g.outH() + 3) / 4, (g.outW() + 3) / 4); }

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
     * Pass p holds panels {@code [p·perPass, p·perPass + perPass)}; panel j of it holds segments 2j and 2j + 1 in
     * lanes {@code [0, L)} and {@code [L, 2L)}, its V at {@code j·36·C_in·NR} and its accumulator tiles at
     * {@code j·36·MR·NR}.
     */
    private static void transformInputs(ConvGeometry g, Tiles t, float[] x, int p, int perPass, float[] v, Buffers buf) {
        int first = p * perPass * 2, segments = Math.min(2 * perPass, t.segments() - first), vPanel = XI * g.cIn() * NR;
        for (int sg = 0; sg < segments; sg++) {
            buf.count[sg] = t.pieces(first + sg, buf.pieces[sg]);
            inputTransform(g, x, buf.pieces[sg], buf.count[sg], sg & 1, v, (sg >> 1) * vPanel, buf);
        }
    }

    /** Output channels {@code [q·MR, q·MR + MR)} of pass p: the 36 products, then the output transform. */
    private static void block(ConvGeometry g, Tiles t, WinogradWeights w, float[] residual, ConvActivation act,
                              float[] y, int p, int perPass, int q, float[] v, Buffers buf) {
        int cIn = g.cIn(), first = p * perPass * 2, segments = Math.min(2 * perPass, t.segments() - first);
        int panels = (segments + 1) / 2, vPanel = XI * cIn * NR, accPanel = XI * MR * NR;
        float[] u = w.u(), acc = buf.acc;
        for (int xi = 0; xi < XI; xi++) {
            int a = w.panel(xi, q);
            for (int j = 0; j < panels; j++) {
                GemmMicroKernel.accumulate(cIn, u, a, v, j * vPanel + xi * cIn * NR, acc, j * accPanel + xi * MR * NR);
            }
        }
        int mr = Math.min(MR, g.cOut() - q * MR);
        for (int sg = 0; sg < segments; sg++) {
            outputTransform(g, w.bias(), residual, act, y, buf.pieces[sg], buf.count[sg], sg & 1, q * MR, mr, acc,
                    (sg >> 1) * accPanel, buf);
        }
    }

    // ---------------------------------------------------------------- V = Bᵀ·d·B

    /**
     * Writes V of one segment for every input channel into lanes {@code [h·L, h·L + L)} of the panel's B order
     * {@code v[(ξ·C_in + ci)·NR + lane]}. Tile j of a piece reads input columns {@code s0 + 4j + {0..5}} with
     * {@code s0 = 4·tx0 − 1}: with P0…P3 the column phases of the window from s0 ({@link #splitRow}) these are
     * {@code P0[j], P1[j], P2[j], P3[j], P0[j + 1], P1[j + 1]}. A segment of one piece is transformed from the phase
     * rows as they are; pieces are first gathered lane by lane ({@link #gatherPiece}). Columns and rows outside the
     * image read zero.
     */
    private static void inputTransform(ConvGeometry g, float[] x, int[] pieces, int count, int h, float[] v, int v0,
                                       Buffers buf) {
        int cIn = g.cIn(), H = g.inH(), W = g.inW(), plane = H * W, stride = cIn * NR;
        float[] rows = buf.rows, d = buf.d, t = buf.t;
        boolean single = count == 1;
        for (int ci = 0; ci < cIn; ci++) {
            for (int k = 0; k < count; k++) {
                int n = pieces[k * PIECE], ty = pieces[k * PIECE + 1], tx0 = pieces[k * PIECE + 2];
                int len = pieces[k * PIECE + 3], lane0 = pieces[k * PIECE + 4];
                int s0 = 4 * tx0 - 1, top = 4 * ty - 1, o = (n * cIn + ci) * plane + top * W + s0;   // row i at o + i·W
                long b0 = columns(s0, W), b1 = columns(s0 + L, W), b2 = columns(s0 + 2 * L, W);
                long b3 = columns(s0 + 3 * L, W), b4 = columns(s0 + 4 * L, W) & 3L;
                for (int i = 0; i < 6; i++) {
                    int row = top + i, p = o + i * W, e = i * PHASE_ROW;
                    if (row < 0 || row >= H) {
                        splitRow(rows, 0, 0L, 0L, 0L, 0L, 0L, rows, e);                 // a padding row: zeros
                    } else if (p < 0 || p + 5 * L > x.length) {
                        // the array's first or last columns: copied with their padding first, so that no load's
                        // offset leaves the array (a load that did would compile a second, out-of-range path whose
                        // vectors get boxed)
                        copyWindow(x, p, W, s0, rows, WINDOW);
                        splitRow(rows, WINDOW, -1L, -1L, -1L, -1L, 3L, rows, e);
                    } else {
                        splitRow(x, p, b0, b1, b2, b3, b4, rows, e);
                    }
                    if (!single) gatherPiece(rows, e, d, i, lane0, len);
                }
            }
            // d·B row by row into t (t[i][k] at (6i + k)·L), then Bᵀ·(d·B) column by column into V (ξ = 6i + k)
            for (int i = 0; i < 6; i++) {
                if (single) {
                    int e = i * PHASE_ROW;
                    transform6(rows, e + C0, e + C1, e + C2, e + C3, e + C4, e + C5, t, 6 * i * L, L);
                } else {
                    int e = 6 * i * L;
                    transform6(d, e, e + L, e + 2 * L, e + 3 * L, e + 4 * L, e + 5 * L, t, 6 * i * L, L);
                }
            }
            int dst = v0 + ci * NR + h * L;
            for (int k = 0; k < 6; k++) {
                int c = k * L;
                transform6(t, c, c + 6 * L, c + 12 * L, c + 18 * L, c + 24 * L, c + 30 * L, v, dst + k * stride, 6 * stride);
            }
        }
    }

    /**
     * {@code (k0 … k5) = Bᵀ·(d0 … d5)} on vectors, with {@code e = d3 − d1} and {@code c = d4 − d2}: {@code d0 − 2d2 +
     * d4 + 1.5e, d4 − d1 + 0.5d2 + 2.5d3, d4 + d1 − 2.5d2 + 0.5d3, c + 2e, c − 0.5e, d1 − 2d3 + d5 + 1.5c}, each d at
     * its own offset of s, k_j written at {@code o + j·step}.
     */
    private static void transform6(float[] s, int a0, int a1, int a2, int a3, int a4, int a5, float[] out, int o, int step) {
        FloatVector d0 = FloatVector.fromArray(S, s, a0), d1 = FloatVector.fromArray(S, s, a1);
        FloatVector d2 = FloatVector.fromArray(S, s, a2), d3 = FloatVector.fromArray(S, s, a3);
        FloatVector d4 = FloatVector.fromArray(S, s, a4), d5 = FloatVector.fromArray(S, s, a5);
        FloatVector e = d3.sub(d1), c = d4.sub(d2);
        FloatVector half = FloatVector.broadcast(S, 0.5f), oneAndHalf = FloatVector.broadcast(S, 1.5f);
        FloatVector two = FloatVector.broadcast(S, 2f), minusTwo = FloatVector.broadcast(S, -2f);
        FloatVector twoAndHalf = FloatVector.broadcast(S, 2.5f), minusTwoAndHalf = FloatVector.broadcast(S, -2.5f);
        FloatVector minusHalf = FloatVector.broadcast(S, -0.5f);
        e.fma(oneAndHalf, d2.fma(minusTwo, d4).add(d0)).intoArray(out, o);
        d3.fma(twoAndHalf, d2.fma(half, d4.sub(d1))).intoArray(out, o + step);
        d3.fma(half, d2.fma(minusTwoAndHalf, d4.add(d1))).intoArray(out, o + 2 * step);
        e.fma(two, c).intoArray(out, o + 3 * step);
        e.fma(minusHalf, c).intoArray(out, o + 4 * step);
        c.fma(oneAndHalf, d3.fma(minusTwo, d1.add(d5))).intoArray(out, o + 5 * step);
    }

    /** Columns {@code [s0, s0 + 4L + 2)} of the input row at p (column s0), zero outside {@code [0, W)}, at w0. */
    private static void copyWindow(float[] x, int p, int w, int s0, float[] window, int w0) {
        for (int c = 0; c < 4 * L + 2; c++) {
            int col = s0 + c;
            window[w0 + c] = col >= 0 && col < w ? x[p + c] : 0f;
        }
    }

    /**
     * The column phases {@code P_r[j] = x[p + 4j + r]} of one input row into {@code rows[e ..]}: P0 and P1 for
     * j ≤ L, P2 and P3 for j < L, at the offsets C0…C3; lanes outside the masks m0…m3 (columns p … p + 4L, L at a
     * time) and m4 (the last two) read zero. Two rounds of even/odd shuffles: the window's even and odd columns, then
     * theirs.
     */
    private static void splitRow(float[] x, int p, long m0, long m1, long m2, long m3, long m4, float[] rows, int e) {
        FloatVector a0 = load(x, p, m0), a1 = load(x, p + L, m1), a2 = load(x, p + 2 * L, m2), a3 = load(x, p + 3 * L, m3);
        FloatVector a4 = load(x, p + 4 * L, m4);
        FloatVector evenLo = a0.rearrange(EVEN, a1), evenHi = a2.rearrange(EVEN, a3);
        FloatVector oddLo = a0.rearrange(ODD, a1), oddHi = a2.rearrange(ODD, a3);
        evenLo.rearrange(EVEN, evenHi).intoArray(rows, e + C0);
        oddLo.rearrange(EVEN, oddHi).intoArray(rows, e + C1);
        evenLo.rearrange(ODD, evenHi).intoArray(rows, e + C2);
        oddLo.rearrange(ODD, oddHi).intoArray(rows, e + C3);
        rows[e + C0 + L] = a4.lane(0);
        rows[e + C1 + L] = a4.lane(1);
    }

    /** A piece's tiles into lanes {@code [lane0, lane0 + len)} of row i's d0…d5 (at {@code (6i + c)·L}). */
    private static void gatherPiece(float[] rows, int e, float[] d, int i, int lane0, int len) {
        long m = lanes(len);
        int o = 6 * i * L + lane0;
        LaneMask.blendInto(FloatVector.fromArray(S, rows, e + C0), d, o, m);
        LaneMask.blendInto(FloatVector.fromArray(S, rows, e + C1), d, o + L, m);
        LaneMask.blendInto(FloatVector.fromArray(S, rows, e + C2), d, o + 2 * L, m);
        LaneMask.blendInto(FloatVector.fromArray(S, rows, e + C3), d, o + 3 * L, m);
        LaneMask.blendInto(FloatVector.fromArray(S, rows, e + C4), d, o + 4 * L, m);
        LaneMask.blendInto(FloatVector.fromArray(S, rows, e + C5), d, o + 5 * L, m);
    }

    /** The lanes of {@code x[o, o + L)} set in {@code lanes}; the others read zero. */
    private static FloatVector load(float[] x, int o, long lanes) {
        return LaneMask.load(x, o, lanes);
    }

    /** The lanes whose column {@code start + lane} lies in {@code [0, W)}, as mask bits. */
    private static long columns(int start, int w) {
        int lo = Math.max(0, -start), hi = Math.min(L, w - start);             // valid lanes [lo, hi)
        return hi <= lo ? 0L : (hi >= 64 ? -1L : (1L << hi) - 1) & -(1L << lo);
    }

    // ---------------------------------------------------------------- Y = Aᵀ·M·A, then the epilogue

    /** Rows {@code [co0, co0 + mr)} of a segment (lanes {@code [h·L, h·L + L)} of the 36 accumulator tiles) into y. */
    private static void outputTransform(ConvGeometry g, float[] bias, float[] residual, ConvActivation act, float[] y,
                                        int[] pieces, int count, int h, int co0, int mr, float[] acc, int acc0,
                                        Buffers buf) {
        int ho = g.outH(), wo = g.outW(), tileStride = MR * NR;
        // the activation as a clamp [min, max]: −∞/+∞ for none, so that no vector is chosen between two
        float min = act == ConvActivation.NONE ? Float.NEGATIVE_INFINITY : 0f;
        float max = act == ConvActivation.RELU6 ? 6f : Float.POSITIVE_INFINITY;
        float[] res = residual == null ? y : residual;                       // read with no lane when there is none
        float[] t = buf.t, tile = buf.y, row = buf.row;
        for (int r = 0; r < mr; r++) {
            int a = acc0 + r * NR + h * L, s = 6 * tileStride;
            // Aᵀ·M column by column (t[i][j] at (6i + j)·L, i < 4), then (Aᵀ·M)·A row by row (tile[i][j] at (4i + j)·L)
            for (int j = 0; j < 6; j++) {
                int m = a + j * tileStride;
                transform4(acc, m, m + s, m + 2 * s, m + 3 * s, m + 4 * s, m + 5 * s, t, j * L, 6 * L);
            }
            for (int i = 0; i < 4; i++) {
                int m = 6 * i * L;
                transform4(t, m, m + L, m + 2 * L, m + 3 * L, m + 4 * L, m + 5 * L, tile, 4 * i * L, L);
            }
            float b = bias == null ? 0f : bias[co0 + r];
            for (int i = 0; i < 4; i++) {
                interleave(tile, 4 * i * L, row);
                for (int k = 0; k < count; k++) {
                    int n = pieces[k * PIECE], ty = pieces[k * PIECE + 1], tx0 = pieces[k * PIECE + 2];
                    int len = pieces[k * PIECE + 3], lane0 = pieces[k * PIECE + 4];
                    int oy = 4 * ty + i, col = 4 * tx0;
                    if (oy >= ho) continue;
                    int width = Math.min(4 * len, wo - col);
                    int o = ((n * g.cOut() + co0 + r) * ho + oy) * wo + col;
                    emit(row, 4 * lane0, width, b, min, max, res, residual != null, y, o);
                }
            }
        }
    }

    /**
     * {@code (y0 … y3) = Aᵀ·(m0 … m5)} on vectors: {@code m0 + a + m3 + m4, b + m3/2 − 2m4, a + m3/4 + 4m4, b + m3/8
     * − 8m4 + m5} with {@code a, b = m1 ± m2}, each m at its own offset of s, y_j at {@code o + j·step}.
     */
    private static void transform4(float[] s, int a0, int a1, int a2, int a3, int a4, int a5, float[] out, int o, int step) {
        FloatVector m1 = FloatVector.fromArray(S, s, a1), m2 = FloatVector.fromArray(S, s, a2);
        FloatVector m3 = FloatVector.fromArray(S, s, a3), m4 = FloatVector.fromArray(S, s, a4);
        FloatVector a = m1.add(m2), b = m1.sub(m2);
        FloatVector.fromArray(S, s, a0).add(a).add(m3).add(m4).intoArray(out, o);
        m4.fma(FloatVector.broadcast(S, -2f), m3.fma(FloatVector.broadcast(S, 0.5f), b)).intoArray(out, o + step);
        m4.fma(FloatVector.broadcast(S, 4f), m3.fma(FloatVector.broadcast(S, 0.25f), a)).intoArray(out, o + 2 * step);
        m4.fma(FloatVector.broadcast(S, -8f), m3.fma(FloatVector.broadcast(S, 0.125f), b))
                .add(FloatVector.fromArray(S, s, a5)).intoArray(out, o + 3 * step);
    }

    /** Row i of the segment's tiles (columns 0…3 at t, t + L, t + 2L, t + 3L) as 4L output columns into row. */
    private static void interleave(float[] tile, int t, float[] row) {
        FloatVector c0 = FloatVector.fromArray(S, tile, t), c1 = FloatVector.fromArray(S, tile, t + L);
        FloatVector c2 = FloatVector.fromArray(S, tile, t + 2 * L), c3 = FloatVector.fromArray(S, tile, t + 3 * L);
        FloatVector lo02 = c0.rearrange(ZIP_LO, c2), lo13 = c1.rearrange(ZIP_LO, c3);
        FloatVector hi02 = c0.rearrange(ZIP_HI, c2), hi13 = c1.rearrange(ZIP_HI, c3);
        lo02.rearrange(ZIP_LO, lo13).intoArray(row, 0);
        lo02.rearrange(ZIP_HI, lo13).intoArray(row, L);
        hi02.rearrange(ZIP_LO, hi13).intoArray(row, 2 * L);
        hi02.rearrange(ZIP_HI, hi13).intoArray(row, 3 * L);
    }

    /**
     * {@code y[o, o + width) = clamp(row[r0 ..] + bias + residual)}, the residual read only when {@code withResidual}:
     * whole vectors with plain loads and stores, then the rest on masked lanes (a masked store, {@code vmaskmovps},
     * is several times a plain one on AVX2).
     */
    private static void emit(float[] row, int r0, int width, float bias, float min, float max, float[] res,
                             boolean withResidual, float[] y, int o) {
        FloatVector b = FloatVector.broadcast(S, bias), vMin = FloatVector.broadcast(S, min), vMax = FloatVector.broadcast(S, max);
        int k = 0;
        for (; k + L <= width; k += L) {
            FloatVector v = FloatVector.fromArray(S, row, r0 + k).add(b);
            if (withResidual) v = v.add(FloatVector.fromArray(S, res, o + k));
            VectorActivation.clamp(v, vMin, vMax).intoArray(y, o + k);
        }
        if (k < width) {
            VectorMask<Float> m = LaneMask.of(lanes(width - k));
            FloatVector v = FloatVector.fromArray(S, row, r0 + k).add(b);
            if (withResidual) v = v.add(FloatVector.fromArray(S, res, o + k, m));
            VectorActivation.clamp(v, vMin, vMax).intoArray(y, o + k, m);
        }
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
