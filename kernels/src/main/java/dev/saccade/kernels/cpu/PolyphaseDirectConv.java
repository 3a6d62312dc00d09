package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * A stride-2 convolution with a small shared dimension — the stems: MobileNetV2's 3×3/2 and ResNet's 7×7/2 from 3
 * channels — run straight from a zero-padded polyphase copy of its input, with no packed B panels. The output is
 * cut into bands of up to {@link #BAND} rows per image; for each band the four phases of x (rows and columns of one
 * parity, {@code phase(a, b)[r, c] = x[2r + a, 2c + b]}) that its taps read are written once, with zeros where the
 * padding is, and each MR × NR tile of output channels × consecutive positions of an output row is then accumulated
 * by {@link GemmMicroKernel#accumulateIndirect}: row p of its B micro-panel is NR consecutive floats of one phase,
 * at the tile's base plus a per-tap offset, so no mask, no per-panel setup and no copy into a panel (tiles run
 * along an output row, or along the band's padded rows read as one sequence where NR does not divide a row). Tap
 * {@code (ci, kh, kw)} of output {@code (oh, ow)} reads {@code x[2·oh + eh, 2·ow + ew]} with {@code eh = kh − pH},
 * {@code ew = kw − pW}: phase {@code (eh & 1, ew & 1)} at row {@code oh + ⌊eh/2⌋}, column {@code ow + ⌊ew/2⌋}.
 *
 * <p>{@link ConvFused}'s panel path packed every B row of the stems through per-panel lane masks: for MobileNetV2's
 * (K = 27, 32 outputs) that packing took as many samples as half the micro-kernel's; this way the stems run 1.13–1.21×
 * faster over 8 frames on 2 threads (docs/PERF.md). The weights are the same
 * pre-packed A panels ({@link PackedConvWeights}) and every tile is stored by {@link ConvTileKernel#store}, so the
 * floats equal the panel path's: the same {@code fma}s over the same rows in the same order, then the same epilogue.
 * Reference: the polyphase decomposition of a strided convolution (Vaidyanathan, "Multirate Systems and Filter
 * Banks", 1993, §4.3); MLAS and oneDNN run such first layers as direct convolutions too.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.conv2d(8, 3, 32, 224, 224, 3, 2, 1);   // MobileNetV2's stem
 * if (PolyphaseDirectConv.supports(g)) PolyphaseDirectConv.forward(g, x, packed, null, ConvActivation.RELU6, y);
 * }</pre>
 */
final class PolyphaseDirectConv {
    /**
     * Largest shared dimension {@code C_in·kH·kW} run here: the stems (27, 147). ResNet-50's 3×3/2 layers (K = 1152 to
     * 4608) ran at 0.58–0.86× the panel path's speed this way (each tile's whole K of A and B from L2, where the
     * panel path blocks K in L1; docs/PERF.md).
     */
    static final int MAX_K = 256;
    /** Most output rows per work item: a band's phases of a 3-channel 224² input are ~60 KiB. */
    static final int BAND = 8;
    /** Floats a band's phases may take: 256 KiB, half of a Zen 3 core's L2; fewer rows per band where C_in is large. */
    static final int BAND_FLOATS = 1 << 16;

    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    /** Per-thread phases of a band, and the tile's accumulators; grown on demand. */
    private static final class Scratch {
        float[] phases = new float[0];
        final float[] acc = new float[MR * NR];
        final int[] offset = new int[1];
        final long[] lanes = new long[1];
        int[] segmentOffsets = new int[0], segmentCounts = new int[0];
        long[] segmentLanes = new long[0];

        int[] segmentOffsets(int size) { if (segmentOffsets.length < size) segmentOffsets = new int[size]; return segmentOffsets; }
        long[] segmentLanes(int size) { if (segmentLanes.length < size) segmentLanes = new long[size]; return segmentLanes; }
        int[] segmentCounts(int size) { if (segmentCounts.length < size) segmentCounts = new int[size]; return segmentCounts; }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PolyphaseDirectConv() {}

    /**
     * Whether g runs here: 2-d, ungrouped, stride 2 and dilation 1 both ways, a kernel of at least 2 × 2 (so every
     * phase is read), whole MR-row panels of output channels, and {@code C_in·kH·kW ≤} {@link #MAX_K}.
     */
    static boolean supports(ConvGeometry g) {
        return ImplicitPanels.supports(g) && g.groups() == 1 && g.strideH() == 2 && g.strideW() == 2
                && g.dilH() == 1 && g.dilW() == 1 && g.kH() >= 2 && g.kW() >= 2 && g.cOut() % MR == 0
                && g.cIn() * g.kH() * g.kW() <= MAX_K && g.outH() > 0 && g.outW() > 0;
    }

    /**
     * {@code y = act(conv(x, w) + b + residual)}, y overwritten; the threads take (image, band) items.
     *
     * @param x        (N, C_in, H, W)
     * @param w        packed weights (and bias) for g
     * @param residual (N, C_out, oH, oW) or null
     * @param y        (N, C_out, oH, oW)
     */
    static void forward(ConvGeometry g, float[] x, PackedConvWeights w, float[] residual, ConvActivation act, float[] y) {
        if (!supports(g)) throw new IllegalArgumentException("PolyphaseDirectConv: " + g + " is not run here");
        Layout layout = new Layout(g);
        int band = layout.band, bands = (g.outH() + band - 1) / band, items = g.n() * bands;
        CpuThreads.parallelFor(0, items, 1, (lo, hi) -> {
            Scratch s = SCRATCH.get();
            if (s.phases.length < layout.length()) s.phases = new float[layout.length()];
            for (int item = lo; item < hi; item++) {
                int n = item / bands, oh0 = item % bands * band, oh1 = Math.min(g.outH(), oh0 + band);
                layout.split(x, n, oh0, oh1, s.phases);
                band(g, layout, s, w, residual, act, n, oh0, oh1, y);
            }
        });
    }

    /**
     * Every tile of output rows {@code [oh0, oh1)} of image n, per MR-row panel: row by row, NR columns at a time,
     * when NR divides the rows; else along the band's phase rows read as one sequence ({@link #flattened}).
     */
    private static void band(ConvGeometry g, Layout layout, Scratch s, PackedConvWeights w, float[] residual,
                             ConvActivation act, int n, int oh0, int oh1, float[] y) {
        int oW = g.outW(), plane = g.outPlane(), k = w.k();
        if (oW % NR != 0) {
            flattened(g, layout, s, w, residual, act, n, oh0, oh1, y);
            return;
        }
        float[] a = w.panels(), bias = w.bias(), acc = s.acc;
        for (int q = 0; q < g.cOut() / MR; q++) {
            int aOff = w.panel(0, q), co0 = q * MR;
            for (int oh = oh0; oh < oh1; oh++) {
                int row = (oh - oh0) * layout.rowStride, yRow = (n * g.cOut() + co0) * plane + oh * oW;
                for (int ow0 = 0; ow0 < oW; ow0 += NR) {
                    int nr = Math.min(NR, oW - ow0);
                    GemmMicroKernel.accumulateIndirect(k, a, aOff, s.phases, row + ow0, layout.tapOffset, acc);
                    s.offset[0] = yRow + ow0;
                    s.lanes[0] = nr == NR ? FULL : (1L << nr) - 1;
                    ConvTileKernel.store(acc, y, 0, plane, s.offset, s.lanes, 0, 1, true, true, bias, co0, residual, act);
                }
            }
        }
    }

    private static final long FULL = NR == 64 ? -1L : (1L << NR) - 1;

    /**
     * {@link #band} for rows NR does not divide (100 columns from a 200² input; 112 with 16 lanes): tiles of NR
     * consecutive positions of the band's padded rows read as one sequence, position {@code j·rowStride + c} for
     * output row {@code oh0 + j}, column c. A tile may run into the next row; the lanes on the
     * {@code rowStride − oW} padding columns (1 to 3) are computed and not stored, where tiles of one row would
     * leave the end of each row's last tile empty. Each tile's runs of stored lanes (one per output row it touches)
     * are worked out once per band, for all row panels.
     */
    private static void flattened(ConvGeometry g, Layout layout, Scratch s, PackedConvWeights w, float[] residual,
                                  ConvActivation act, int n, int oh0, int oh1, float[] y) {
        int oW = g.outW(), plane = g.outPlane(), k = w.k(), stride = layout.rowStride;
        int end = (oh1 - oh0 - 1) * stride + oW, tiles = (end + NR - 1) / NR, maxSegments = NR / stride + 2;
        int[] offset = s.segmentOffsets(tiles * maxSegments);
        long[] lanes = s.segmentLanes(tiles * maxSegments);
        int[] segments = s.segmentCounts(tiles);
        for (int t = 0; t < tiles; t++) {                          // runs of lanes on one output row's columns
            int count = 0, base = t * maxSegments;
            for (int lane = 0; lane < NR; ) {
                int pos = t * NR + lane, j = pos / stride, c = pos - j * stride;
                if (pos >= end) break;
                if (c >= oW) { lane += stride - c; continue; }     // padding columns: not stored
                int len = Math.min(NR - lane, oW - c);
                offset[base + count] = (oh0 + j) * oW + c - lane;   // lane l of the run stores at offset + l
                lanes[base + count] = ((1L << len) - 1) << lane;
                count++;
                lane += len;
            }
            segments[t] = count;
        }
        float[] a = w.panels(), bias = w.bias(), acc = s.acc;
        for (int q = 0; q < g.cOut() / MR; q++) {
            int aOff = w.panel(0, q), co0 = q * MR, rowBase = (n * g.cOut() + co0) * plane;
            for (int t = 0; t < tiles; t++) {
                GemmMicroKernel.accumulateIndirect(k, a, aOff, s.phases, t * NR, layout.tapOffset, acc);
                ConvTileKernel.store(acc, y, rowBase, plane, offset, lanes, t * maxSegments, segments[t], true, true,
                        bias, co0, residual, act);
            }
        }
    }

    /**
     * Where a band's phases lie: (C_in, 4 phases, bandRows, rowStride) floats, phase {@code 2a + b}; buffer row j of
     * a band starting at output row oh0 is phase row {@code oh0 + minRow + j}, buffer column j is phase column
     * {@code minCol + j}; NR floats of slack after the last row, which a partial tile's lanes past the row read.
     */
    private static final class Layout {
        final ConvGeometry g;
        final int minRow, minCol, band, bandRows, rowStride, phasePlane;
        /** Per tap {@code p = (ci·kH + kh)·kW + kw}: its offset from a tile's base {@code (oh − oh0)·rowStride + ow}. */
        final int[] tapOffset;

        Layout(ConvGeometry g) {
            this.g = g;
            int maxRow = Math.floorDiv(g.kH() - 1 - g.padH(), 2), maxCol = Math.floorDiv(g.kW() - 1 - g.padW(), 2);
            minRow = Math.floorDiv(-g.padH(), 2);
            minCol = Math.floorDiv(-g.padW(), 2);
            rowStride = g.outW() + maxCol - minCol;
            band = Math.max(1, Math.min(BAND, BAND_FLOATS / (g.cIn() * 4 * rowStride) - (maxRow - minRow)));
            bandRows = band + maxRow - minRow;
            phasePlane = bandRows * rowStride;
            int kH = g.kH(), kW = g.kW();
            tapOffset = new int[g.cIn() * kH * kW];
            for (int ci = 0, p = 0; ci < g.cIn(); ci++)
                for (int kh = 0; kh < kH; kh++)
                    for (int kw = 0; kw < kW; kw++, p++) {
                        int eh = kh - g.padH(), ew = kw - g.padW();
                        int phase = 2 * (eh & 1) + (ew & 1);
                        tapOffset[p] = (ci * 4 + phase) * phasePlane + (Math.floorDiv(eh, 2) - minRow) * rowStride
                                + Math.floorDiv(ew, 2) - minCol;
                    }
        }

        int length() { return g.cIn() * 4 * phasePlane + NR; }

        /** The phases of image n that output rows {@code [oh0, oh1)} read, zero where x has no row or column. */
        void split(float[] x, int n, int oh0, int oh1, float[] dst) {
            int H = g.inH(), W = g.inW(), rows = oh1 - oh0 + bandRows - band;
            for (int ci = 0; ci < g.cIn(); ci++) {
                int src = (n * g.cIn() + ci) * g.inPlane();
                for (int a = 0; a < 2; a++) {
                    int even = (ci * 4 + 2 * a) * phasePlane, odd = even + phasePlane;     // phases (a, 0) and (a, 1)
                    for (int j = 0; j < rows; j++) {
                        int ih = 2 * (oh0 + minRow + j) + a, d0 = even + j * rowStride, d1 = odd + j * rowStride;
                        if (ih < 0 || ih >= H) {
                            java.util.Arrays.fill(dst, d0, d0 + rowStride, 0f);
                            java.util.Arrays.fill(dst, d1, d1 + rowStride, 0f);
                        } else {
                            splitRow(x, src + ih * W, W, dst, d0, d1);
                        }
                    }
                }
            }
        }

        /**
         * Buffer column j of phase (a, 0) and (a, 1) is x's column {@code 2(minCol + j)} and the one after it, zero
         * outside {@code [0, W)}: whole vectors where 2L columns lie inside the row, lane by lane at its ends.
         */
        private void splitRow(float[] x, int row, int W, float[] dst, int d0, int d1) {
            int j = 0;
            for (; j < rowStride; j++) {                               // left of the row: zeros, then a vector start
                int col = 2 * (minCol + j);
                if (col >= 0) break;
                dst[d0 + j] = 0f;
                dst[d1 + j] = col + 1 >= 0 ? x[row + col + 1] : 0f;
            }
            for (; j + L <= rowStride && 2 * (minCol + j) + 2 * L <= W; j += L) {
                int col = 2 * (minCol + j);
                FloatVector lo = FloatVector.fromArray(S, x, row + col), hi = FloatVector.fromArray(S, x, row + col + L);
                lo.rearrange(EVEN, hi).intoArray(dst, d0 + j);
                lo.rearrange(ODD, hi).intoArray(dst, d1 + j);
            }
            for (; j < rowStride; j++) {                               // the row's end and the right padding
                int col = 2 * (minCol + j);
                dst[d0 + j] = col < W ? x[row + col] : 0f;
                dst[d1 + j] = col + 1 < W ? x[row + col + 1] : 0f;
            }
        }
    }
}
