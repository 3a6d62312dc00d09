package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct 3×3 depthwise convolution of MobileNetV2 (padding 1, stride 1 or 2; Sandler et al., CVPR 2018) with
 * its epilogue: {@code y = act(conv(x, w) + b + residual)}, one (n, c) plane per work item.
 * <ul>
 * <li>Stride 1 on rows of at least L columns, in column strips ({@link #strideOneStrips}): a strip of L outputs
 *     walks down the plane, and each input row's three vectors — its left, centre and right neighbours — feed the
 *     three output rows that read that row, so an output vector costs three loads and nine FMAs (eleven loads
 *     before), with no copy of the plane. At the plane's left and right edges the neighbours are the centre vector
 *     shifted by one lane with a zero brought in; the last strip of a row that L does not divide overlaps the one
 *     before. Planes up to {@link #STRIP_PLANE_FLOATS} (MobileNetV2's 56² and smaller). Against the kernel below,
 *     alternated call by call (docs/PERF.md): one image per call on one thread, 384 channels at 14² 1.87× as fast,
 *     192 at 28² 1.15×, 144 at 56² 1.15×; MobileNetV2's 14² blocks depth first ({@link ConvChain}, 8 frames, 2
 *     threads) 1.09–1.12×.</li>
 * <li>Stride 1 on rows narrower than L (7² with 8 lanes), as one strip of one vector per row
 *     ({@link #strideOneNarrow}), its lanes past the row zeroed; each store spills into the next row, which is
 *     stored after it, unless it would pass the plane's end. 960 channels at 7² 1.34–1.36× as fast as the kernel
 *     below (one image or eight, 2 threads; docs/PERF.md). (With every row's load and store masked instead it ran 0.90–0.94× that
 *     kernel's speed.)</li>
 * <li>Stride 1 on the other planes (112²; and those with a residual added in place that the strips would add twice or
 *     overwrite), in y's own frame: the plane copied once between zero rows, the left and right taps weighted lane by
 *     lane by 0/1 column weights ({@link #strideOne}) — one copy and one vector loop per plane, no per-row calls and
 *     no copy out.</li>
 * <li>Stride 2 on planes of even H and W with output rows of at least L columns (every MobileNetV2 stride-2 plane
 *     but 14² → 7² with 8 lanes): the plane, read as one flat sequence, is split into its even and odd positions —
 *     its even and odd columns — in one pass of whole vectors, and each output row is summed from contiguous
 *     vectors of the two halves straight into y ({@link #strideTwoFlat}).</li>
 * <li>Stride 2 on rows of even W whose outputs are narrower than L (MobileNetV2's 14² → 7² with 8 lanes): one vector
 *     per output row, each input row split into its even and odd columns in registers ({@link #strideTwoNarrow}).</li>
 * <li>Other stride-2 planes: the bordered rows are split one by one into even and odd columns, so each output row
 *     is {@code Σ_kh w0·E[ow] + w1·O[ow] + w2·E[ow + 1]} over contiguous vectors. Planes too large to split whole
 *     in L1 are split as the output rows need them, into a ring of three rows.</li>
 * <li>Stride 2 on the remaining planes of at most {@link Depthwise3x3Blocked#MAX_PLANE} positions (odd widths, and
 *     planes with a residual added in place): {@link Depthwise3x3Blocked}, with the channels in the vector lanes.</li>
 * </ul>
 * The bias, residual and activation are applied in the stride-1, flat and narrow stride-2 loops themselves, and as the
 * rows are copied out on the other stride-2 paths.
 * ONNX Runtime MLAS's depthwise NCHWc kernel (a vector FMA per tap, no im2col) is the model; here the channel is the
 * outer loop instead of the lanes.
 * The scalar twin is {@link ConvFused#forwardScalar}.
 */
final class Depthwise3x3 {
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();
    /** One vector's even lanes, then its odd lanes; and the two halves of a vector swapped. */
    private static final VectorShuffle<Float> UNZIP = VectorShuffle.fromOp(F, i -> i < L / 2 ? 2 * i : 2 * (i - L / 2) + 1),
            SWAP_HALVES = VectorShuffle.fromOp(F, i -> (i + L / 2) % L);
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(F, ((1L << L) - 1) & ~((1L << (L / 2)) - 1)),
            LOWER_HALF = UPPER_HALF.not(), FIRST_LANE = VectorMask.fromLong(F, 1L), LAST_LANE = VectorMask.fromLong(F, 1L << (L - 1));
    /** Lane i takes lane i − 1 (lane 0 its own), and lane i + 1 (the last its own): a row's left and right neighbours. */
    private static final VectorShuffle<Float> FROM_LEFT = VectorShuffle.fromOp(F, i -> Math.max(i - 1, 0)),
            FROM_RIGHT = VectorShuffle.fromOp(F, i -> Math.min(i + 1, L - 1));

    /**
     * Per-thread scratch: the plane between zero rows (stride 1) or its split rows (stride 2), a stride-2 output row,
     * and the column weights of the last stride-1 plane size.
     */
    private static final class Scratch {
        float[] pad = new float[0], out = new float[0];
        float[] columns = new float[0];             // columnWeights of the plane size below
        int columnsW = -1, columnsN = -1;
        float[] columns(int w, int n) {
            if (w != columnsW || n != columnsN) { columns = columnWeights(w, n); columnsW = w; columnsN = n; }
            return columns;
        }
        float[] pad(int n) { if (pad.length < n) pad = new float[n]; return pad; }
        float[] out(int n) { if (out.length < n) out = new float[n]; return out; }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Depthwise3x3() {}

    /** Whether g is a 2-d 3×3 depthwise convolution with padding 1, dilation 1 and stride 1 or 2 in both axes. */
    static boolean supports(ConvGeometry g) {
        return g.isDepthwise() && g.rank() == 2 && g.kH() == 3 && g.kW() == 3 && g.padH() == 1 && g.padW() == 1
                && g.dilH() == 1 && g.dilW() == 1 && g.strideH() == g.strideW()
                && (g.strideH() == 1 || g.strideH() == 2);
    }

    /** A stride-2 plane whose split rows take at most this many floats (32 KiB) is split whole first. */
    private static final int SPLIT_PLANE_FLOATS = 8192;

    /** @param w (C, 9); bias (C) or null; residual (N, C, oH, oW) or null; y overwritten */
    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] residual, ConvActivation act,
                        float[] y) {
        if (Depthwise3x3Blocked.suits(g) && !splitsFlat(g) && !inOneStripAtStrideTwo(g, residual, y)) {
            Depthwise3x3Blocked.forward(g, x, w, bias, residual, act, y);
            return;
        }
        int C = g.cIn();
        CpuThreads.parallelFor(0, g.n() * C, 2, (lo, hi) -> {
            Scratch s = SCRATCH.get();
            for (int plane = lo; plane < hi; plane++) plane(g, x, plane, w, bias, residual, act, y, plane, s);
        });
    }

    /**
     * Per lane of a W-wide plane of n positions read in y's own frame: 1 where the left tap may read (column ≠ 0),
     * else 0, at {@code [f]}; the same for the right tap (column ≠ W − 1) at {@code [n + L + f]}; L slack each.
     */
    private static float[] columnWeights(int w, int n) {
        float[] m = new float[2 * (n + L)];
        for (int f = 0; f < n; f++) {
            int col = f % w;
            m[f] = col != 0 ? 1f : 0f;
            m[n + L + f] = col != w - 1 ? 1f : 0f;
        }
        return m;
    }

    /**
     * Stride 1, in y's own frame: the plane copied once between W + 1 zeros before and after, so tap (kh, kw) of
     * output {@code f = oh·W + ow} is {@code pad[f + kh·W + kw]}; the left and right taps of the first and last
     * column would read the neighbouring row, so their weights are multiplied lane by lane by 0/1 column weights
     * ({@link #columnWeights}). One copy and one vector loop per plane, no per-row calls.
     */
    private static void strideOne(ConvGeometry g, float[] x, int plane, float[] w, int wo, float b, float[] residual,
                                  ConvActivation act, float[] y, int yPlane, Scratch s) {
        int H = g.inH(), W = g.inW(), n = H * W;
        float[] pad = s.pad(n + 2 * W + 2 + L), cw = s.columns(W, n);
        java.util.Arrays.fill(pad, 0, W + 1, 0f);
        System.arraycopy(x, plane * n, pad, W + 1, n);
        java.util.Arrays.fill(pad, W + 1 + n, n + 2 * W + 2 + L, 0f);
        FloatVector w0 = FloatVector.broadcast(F, w[wo]), w1 = FloatVector.broadcast(F, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(F, w[wo + 2]), w3 = FloatVector.broadcast(F, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(F, w[wo + 4]), w5 = FloatVector.broadcast(F, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(F, w[wo + 6]), w7 = FloatVector.broadcast(F, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(F, w[wo + 8]), vb = FloatVector.broadcast(F, b);
        int r1 = W, r2 = 2 * W, right = n + L, yBase = yPlane * n;
        for (int f = 0; f < n; f += L) {
            FloatVector left = FloatVector.fromArray(F, cw, f), rightW = FloatVector.fromArray(F, cw, right + f);
            FloatVector l = FloatVector.fromArray(F, pad, f).mul(w0);
            l = FloatVector.fromArray(F, pad, f + r1).fma(w3, l);
            l = FloatVector.fromArray(F, pad, f + r2).fma(w6, l);
            FloatVector r = FloatVector.fromArray(F, pad, f + 2).mul(w2);
            r = FloatVector.fromArray(F, pad, f + r1 + 2).fma(w5, r);
            r = FloatVector.fromArray(F, pad, f + r2 + 2).fma(w8, r);
            FloatVector acc = FloatVector.fromArray(F, pad, f + 1).fma(w1, vb);
            acc = FloatVector.fromArray(F, pad, f + r1 + 1).fma(w4, acc);
            acc = FloatVector.fromArray(F, pad, f + r2 + 1).fma(w7, acc);
            acc = l.fma(left, acc);
            acc = r.fma(rightW, acc);
            if (f + L <= n) {
                if (residual != null) acc = acc.add(FloatVector.fromArray(F, residual, yBase + f));
                VectorActivation.apply(acc, act).intoArray(y, yBase + f);
            } else {                                                     // the plane's last, partial vector
                VectorMask<Float> m = F.indexInRange(f, n);
                if (residual != null) acc = acc.add(FloatVector.fromArray(F, residual, yBase + f, m));
                VectorActivation.apply(acc, act).intoArray(y, yBase + f, m);
            }
        }
    }

    /**
     * {@link #forward} for images {@code [n0, n0 + nb)} of x only, on the calling thread: image {@code n0 + i} is
     * written to image {@code yImage0 + i} of y (the residual read at y's offsets). For {@link ConvChain}.
     */
    static void forwardImages(ConvGeometry g, float[] x, float[] w, float[] bias, float[] residual, ConvActivation act,
                              int n0, int nb, float[] y, int yImage0) {
        if (Depthwise3x3Blocked.suits(g) && !splitsFlat(g) && !inOneStripAtStrideTwo(g, residual, y)) {
            Depthwise3x3Blocked.forwardImages(g, x, w, bias, residual, act, n0, nb, y, yImage0);
            return;
        }
        int C = g.cIn();
        Scratch s = SCRATCH.get();
        for (int i = 0; i < nb; i++)
            for (int c = 0; c < C; c++) plane(g, x, (n0 + i) * C + c, w, bias, residual, act, y, (yImage0 + i) * C + c, s);
    }

    /** Plane {@code plane} (image·C + channel) of x into plane {@code yPlane} of y. */
    private static void plane(ConvGeometry g, float[] x, int plane, float[] w, float[] bias, float[] residual,
                              ConvActivation act, float[] y, int yPlane, Scratch s) {
        int c = plane % g.cIn();
        float b = bias == null ? 0f : bias[c];
        if (g.strideH() == 2) strideTwo(g, x, plane, w, c * 9, b, residual, act, y, yPlane, s);
        else if (inStrips(g, residual, y)) strideOneStrips(g, x, plane, w, c * 9, b, residual, act, y, yPlane);
        else if (inOneStrip(g, residual, y)) strideOneNarrow(g, x, plane, w, c * 9, b, residual, act, y, yPlane);
        else strideOne(g, x, plane, w, c * 9, b, residual, act, y, yPlane, s);
    }

    /**
     * Planes of at most this many floats (16 KiB, half of L1) run in column strips: each strip re-reads the rows,
     * from L1 only when the plane fits. With MobileNetV2's 112² planes (49 KiB) in strips too, its 112² layer ran
     * 0.79–0.88× as fast (8 frames, 2 threads) and the whole tsm-mobilenetv2 0.986–0.994×; they stay in y's own
     * frame.
     */
    static final int STRIP_PLANE_FLOATS = 4096;

    /**
     * Whether stride-1 planes of g run in column strips ({@link #strideOneStrips}): rows of at least L columns, planes
     * of at most {@link #STRIP_PLANE_FLOATS}, and no residual added in place where a row's last strip overlaps the one
     * before (it would add it twice).
     */
    static boolean inStrips(ConvGeometry g, float[] residual, float[] y) {
        return g.inW() >= L && g.inH() * g.inW() <= STRIP_PLANE_FLOATS && (residual != y || g.inW() % L == 0);
    }

    /**
     * Whether stride-1 planes of g run as one narrow strip ({@link #strideOneNarrow}): rows narrower than L, and no
     * residual added in place (a row's spilled lanes would overwrite the next row's residual before it is read).
     */
    static boolean inOneStrip(ConvGeometry g, float[] residual, float[] y) {
        return g.inW() < L && residual != y;
    }

    /**
     * Stride 1 in column strips: for the strip of outputs {@code [ow, ow + L)} of each row, input row j's vectors
     * {@code l, c, r} (columns {@code ow − 1 …}, {@code ow …}, {@code ow + 1 …}) add kernel row 2's taps to output row
     * j − 1, which is then complete and stored, kernel row 1's to output row j and kernel row 0's to output row j + 1
     * (rows above the first and below the last are zero, so their taps are left out). Each output is
     * {@code b + Σ_kh (w[kh,0]·l + w[kh,1]·c + w[kh,2]·r)}, fused multiply-adds in that order. At the left edge
     * (ow = 0) l is c shifted right by a lane with a zero in lane 0, at the right edge (the strip ending at W) r is c
     * shifted left with a zero in the last lane; elsewhere they are loads one column either side.
     */
    private static void strideOneStrips(ConvGeometry g, float[] x, int plane, float[] w, int wo, float b, float[] residual,
                                        ConvActivation act, float[] y, int yPlane) {
        int H = g.inH(), W = g.inW(), n = H * W, xBase = plane * n, yBase = yPlane * n;
        FloatVector w0 = FloatVector.broadcast(F, w[wo]), w1 = FloatVector.broadcast(F, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(F, w[wo + 2]), w3 = FloatVector.broadcast(F, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(F, w[wo + 4]), w5 = FloatVector.broadcast(F, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(F, w[wo + 6]), w7 = FloatVector.broadcast(F, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(F, w[wo + 8]), vb = FloatVector.broadcast(F, b);
        for (int ow = 0; ; ow += L) {
            if (ow > W - L) ow = W - L;                                      // the last strip ends at W
            boolean leftEdge = ow == 0, rightEdge = ow == W - L;
            FloatVector above = vb, here = vb;                               // output rows j − 1 and j, before row j
            for (int j = 0, src = xBase + ow; j < H; j++, src += W) {
                FloatVector c = FloatVector.fromArray(F, x, src);
                FloatVector l = leftEdge ? c.rearrange(FROM_LEFT).blend(0f, FIRST_LANE) : FloatVector.fromArray(F, x, src - 1);
                FloatVector r = rightEdge ? c.rearrange(FROM_RIGHT).blend(0f, LAST_LANE) : FloatVector.fromArray(F, x, src + 1);
                if (j > 0) {                                                 // output row j − 1: its last kernel row
                    FloatVector acc = l.fma(w6, above);
                    acc = c.fma(w7, acc);
                    acc = r.fma(w8, acc);
                    int d = yBase + (j - 1) * W + ow;
                    if (residual != null) acc = acc.add(FloatVector.fromArray(F, residual, d));
                    VectorActivation.apply(acc, act).intoArray(y, d);
                }
                FloatVector mid = l.fma(w3, here);                           // output row j: kernel row 1
                mid = c.fma(w4, mid);
                mid = r.fma(w5, mid);
                FloatVector below = l.fma(w0, vb);                           // output row j + 1: kernel row 0
                below = c.fma(w1, below);
                below = r.fma(w2, below);
                above = mid;
                here = below;
            }
            int d = yBase + (H - 1) * W + ow;                                // the last output row: nothing below it
            FloatVector acc = above;
            if (residual != null) acc = acc.add(FloatVector.fromArray(F, residual, d));
            VectorActivation.apply(acc, act).intoArray(y, d);
            if (rightEdge) return;
        }
    }

    /**
     * Stride 1 on rows narrower than L (MobileNetV2's 7² with 8 lanes): {@link #strideOneStrips}'s sweep with one
     * vector per row, its lanes past W zeroed after the load (so the right edge needs no blend); each store spills
     * those lanes into the rows after, which are stored later, and a store that would pass the plane's end (the last
     * row's; with rows under L/2 the ones before it too) is masked to its row, so nothing past the plane is written.
     * The same fused multiply-adds in the same order as a strip. Apart from {@link #strideOneStrips} because the
     * zeroing and the bounds test on the last plane's loads cost the wide strips 4–10 %.
     */
    private static void strideOneNarrow(ConvGeometry g, float[] x, int plane, float[] w, int wo, float b, float[] residual,
                                        ConvActivation act, float[] y, int yPlane) {
        int H = g.inH(), W = g.inW(), n = H * W, xBase = plane * n, yBase = yPlane * n, lastWhole = x.length - L;
        VectorMask<Float> row = F.indexInRange(0, W), pastRow = row.not();
        FloatVector w0 = FloatVector.broadcast(F, w[wo]), w1 = FloatVector.broadcast(F, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(F, w[wo + 2]), w3 = FloatVector.broadcast(F, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(F, w[wo + 4]), w5 = FloatVector.broadcast(F, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(F, w[wo + 6]), w7 = FloatVector.broadcast(F, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(F, w[wo + 8]), vb = FloatVector.broadcast(F, b);
        FloatVector above = vb, here = vb;                                   // output rows j − 1 and j, before row j
        for (int j = 0, src = xBase; j < H; j++, src += W) {
            FloatVector c = (src <= lastWhole ? FloatVector.fromArray(F, x, src) : FloatVector.fromArray(F, x, src, row))
                    .blend(0f, pastRow);
            FloatVector l = c.rearrange(FROM_LEFT).blend(0f, FIRST_LANE), r = c.rearrange(FROM_RIGHT);
            if (j > 0) {                                                     // output row j − 1: its last kernel row
                FloatVector acc = l.fma(w6, above);
                acc = c.fma(w7, acc);
                acc = r.fma(w8, acc);
                int at = (j - 1) * W, d = yBase + at;
                if (at + L <= n) {                                           // lanes past W: the next rows', later
                    if (residual != null) acc = acc.add(FloatVector.fromArray(F, residual, d));
                    VectorActivation.apply(acc, act).intoArray(y, d);
                } else {                                                     // rows under L/2 near the plane's end
                    if (residual != null) acc = acc.add(FloatVector.fromArray(F, residual, d, row));
                    VectorActivation.apply(acc, act).intoArray(y, d, row);
                }
            }
            FloatVector mid = l.fma(w3, here);                               // output row j: kernel row 1
            mid = c.fma(w4, mid);
            mid = r.fma(w5, mid);
            FloatVector below = l.fma(w0, vb);                               // output row j + 1: kernel row 0
            below = c.fma(w1, below);
            below = r.fma(w2, below);
            above = mid;
            here = below;
        }
        int d = yBase + (H - 1) * W;                                         // the last row: only its own lanes
        FloatVector acc = above;
        if (residual != null) acc = acc.add(FloatVector.fromArray(F, residual, d, row));
        VectorActivation.apply(acc, act).intoArray(y, d, row);
    }

    /**
     * Stride 2. Bordered row r (input row r − 1), column q (input column q − 1) is split: even q → E[q/2], odd q →
     * O[q/2] ({@link #splitRows}), so each output row is {@code Σ_kh w0·E[ow] + w1·O[ow] + w2·E[ow + 1]} over
     * contiguous vectors. The whole plane is split first when its split rows fit in {@link #SPLIT_PLANE_FLOATS};
     * larger planes go to {@link #strideTwoRing}.
     */
    private static void strideTwo(ConvGeometry g, float[] x, int plane, float[] w, int wo, float b, float[] residual,
                                  ConvActivation act, float[] y, int yPlane, Scratch s) {
        if (splitsFlat(g) && residual != y) {
            strideTwoFlat(g, x, plane, w, wo, b, residual, act, y, yPlane, s);
            return;
        }
        if (inOneStripAtStrideTwo(g, residual, y)) {
            strideTwoNarrow(g, x, plane, w, wo, b, residual, act, y, yPlane);
            return;
        }
        int H = g.inH(), W = g.inW(), oH = g.outH(), oW = g.outW();
        int half = oW + 1 + L, rows = H + 2, row = 2 * half;                  // E and O row length, with slack
        if (splitsInRing(g)) {
            strideTwoRing(g, x, plane, w, wo, b, residual, act, y, yPlane, s);
            return;
        }
        float[] eo = s.pad(rows * row), out = s.out(oW + L);
        int xBase = plane * H * W, yBase = yPlane * oH * oW;
        splitRows(x, xBase, H, W, 0, rows, eo, half, false);
        FloatVector w0 = FloatVector.broadcast(F, w[wo]), w1 = FloatVector.broadcast(F, w[wo + 1]);   // as strideTwoRing
        FloatVector w2 = FloatVector.broadcast(F, w[wo + 2]), w3 = FloatVector.broadcast(F, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(F, w[wo + 4]), w5 = FloatVector.broadcast(F, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(F, w[wo + 6]), w7 = FloatVector.broadcast(F, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(F, w[wo + 8]), vb = FloatVector.broadcast(F, b);
        for (int oh = 0; oh < oH; oh++) {
            int e0 = 2 * oh * row, e1 = e0 + row, e2 = e1 + row;
            for (int ow = 0; ow < oW; ow += L) {
                FloatVector acc = FloatVector.fromArray(F, eo, e0 + ow).fma(w0, vb);
                acc = FloatVector.fromArray(F, eo, e0 + half + ow).fma(w1, acc);
                acc = FloatVector.fromArray(F, eo, e0 + 1 + ow).fma(w2, acc);
                acc = FloatVector.fromArray(F, eo, e1 + ow).fma(w3, acc);
                acc = FloatVector.fromArray(F, eo, e1 + half + ow).fma(w4, acc);
                acc = FloatVector.fromArray(F, eo, e1 + 1 + ow).fma(w5, acc);
                acc = FloatVector.fromArray(F, eo, e2 + ow).fma(w6, acc);
                acc = FloatVector.fromArray(F, eo, e2 + half + ow).fma(w7, acc);
                acc = FloatVector.fromArray(F, eo, e2 + 1 + ow).fma(w8, acc);
                acc.intoArray(out, ow);
            }
            finishRow(out, 0, y, residual, yBase + oh * oW, oW, act);
        }
    }

    /**
     * Whether stride-2 planes of g run as one narrow strip ({@link #strideTwoNarrow}): even W, output rows narrower than
     * L (MobileNetV2's 14² → 7² with 8 lanes), and no residual added in place (the spilled lanes would overwrite the
     * next row's residual before it is read).
     */
    static boolean inOneStripAtStrideTwo(ConvGeometry g, float[] residual, float[] y) {
        return g.strideH() == 2 && g.inW() % 2 == 0 && g.outW() < L && residual != y;
    }

    /**
     * Stride 2 on rows of even W whose outputs are narrower than L, one vector per output row. Input row j is read as
     * two vectors (columns 0 … 2L − 1 of the row, the lanes past W from the rows after) and split into its even
     * columns e (the centre taps of outputs 0, 1, …) and odd columns o (the right taps), o shifted right by a lane with
     * a zero in lane 0 giving the left taps; the lanes past the row's outputs are never read by its own. An even row
     * 2·oh adds kernel row 1 to output row oh; an odd row 2·oh + 1 adds kernel row 2 to it, which is then complete and
     * stored, and kernel row 0 to output row oh + 1. The taps in the order of {@link Depthwise3x3Blocked}, whose floats
     * these are. Stores spill into the next output row, which is stored after; a store that would pass the plane's
     * end is masked to its row, and the last plane's loads past x's end are masked. Against
     * {@link Depthwise3x3Blocked} (8 lanes, 576 channels at 14², alternated call by call): one image 1.62× as fast
     * on one thread, 1.25× on two; 8 images 1.17× and 1.05× (docs/PERF.md).
     */
    private static void strideTwoNarrow(ConvGeometry g, float[] x, int plane, float[] w, int wo, float b, float[] residual,
                                        ConvActivation act, float[] y, int yPlane) {
        int H = g.inH(), W = g.inW(), oH = g.outH(), oW = g.outW(), n = oH * oW;
        int xBase = plane * H * W, yBase = yPlane * n, lastWhole = x.length - 2 * L;
        VectorMask<Float> row = F.indexInRange(0, oW);
        FloatVector w0 = FloatVector.broadcast(F, w[wo]), w1 = FloatVector.broadcast(F, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(F, w[wo + 2]), w3 = FloatVector.broadcast(F, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(F, w[wo + 4]), w5 = FloatVector.broadcast(F, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(F, w[wo + 6]), w7 = FloatVector.broadcast(F, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(F, w[wo + 8]), vb = FloatVector.broadcast(F, b);
        FloatVector acc = vb;                                                // output row j / 2, before input row j
        for (int j = 0, src = xBase; j < H; j++, src += W) {
            FloatVector lo, hi;
            if (src <= lastWhole) {
                lo = FloatVector.fromArray(F, x, src);
                hi = FloatVector.fromArray(F, x, src + L);
            } else {                                                         // the last rows of x
                lo = FloatVector.fromArray(F, x, src, F.indexInRange(0, x.length - src));
                hi = FloatVector.fromArray(F, x, src + L, F.indexInRange(0, x.length - src - L));
            }
            FloatVector lp = lo.rearrange(UNZIP), hp = hi.rearrange(UNZIP);  // [even | odd] each
            FloatVector e = lp.blend(hp.rearrange(SWAP_HALVES), UPPER_HALF);  // columns 0, 2, 4, …
            FloatVector o = hp.blend(lp.rearrange(SWAP_HALVES), LOWER_HALF);  // columns 1, 3, 5, …
            FloatVector l = o.rearrange(FROM_LEFT).blend(0f, FIRST_LANE);      // columns −1, 1, 3, …
            if ((j & 1) == 0) {                                              // row 2·oh: kernel row 1 of output oh
                acc = l.fma(w3, acc);
                acc = e.fma(w4, acc);
                acc = o.fma(w5, acc);
                continue;
            }
            FloatVector out = l.fma(w6, acc);                                // row 2·oh + 1: kernel row 2 of oh …
            out = e.fma(w7, out);
            out = o.fma(w8, out);
            int at = (j >> 1) * oW, d = yBase + at;
            if (at + L <= n) {
                if (residual != null) out = out.add(FloatVector.fromArray(F, residual, d));
                VectorActivation.apply(out, act).intoArray(y, d);
            } else {
                if (residual != null) out = out.add(FloatVector.fromArray(F, residual, d, row));
                VectorActivation.apply(out, act).intoArray(y, d, row);
            }
            acc = l.fma(w0, vb);                                             // … and kernel row 0 of oh + 1
            acc = e.fma(w1, acc);
            acc = o.fma(w2, acc);
        }
        if ((H & 1) == 1) {                                                  // odd H: the last output row, nothing below
            int d = yBase + (oH - 1) * oW;
            if (residual != null) acc = acc.add(FloatVector.fromArray(F, residual, d, row));
            VectorActivation.apply(acc, act).intoArray(y, d, row);
        }
    }

    /**
     * Whether a stride-2 plane of g is split flat ({@link #strideTwoFlat}): H and W even (every MobileNetV2 stride-2
     * plane), and output rows of at least L columns.
     */
    static boolean splitsFlat(ConvGeometry g) {
        return g.inH() % 2 == 0 && g.inW() % 2 == 0 && g.outW() >= L;
    }

    /**
     * Stride 2 on a plane of even H and W. With W even, the even and odd positions of the plane read as one flat
     * sequence are its even and odd columns, so the whole plane is split in one pass of whole vectors — no per-row
     * tails, masks or border columns ({@link #splitRows} splits row by row): {@code O[(ih + 1)·oW + c] = x[ih, 2c]},
     * {@code E[(ih + 1)·oW + c] = x[ih, 2c + 1]}, split row 0 zero (the top border; with H even no output reads
     * below the last row, and with W even none right of the last column). Output (oh, ow) over kernel row kh reads
     * split row {@code R = 2·oh + kh}: {@code w0·E[R·oW + ow − 1] + w1·O[R·oW + ow] + w2·E[R·oW + ow]}, the first
     * term zero at ow = 0 (the left border, lane 0 of each row's first vector). One accumulator per kernel row; the
     * last vector of a row ends at oW, overlapping the one before when L does not divide oW (the same values
     * stored twice: y must not be the residual); every vector is stored straight into y.
     */
    private static void strideTwoFlat(ConvGeometry g, float[] x, int plane, float[] w, int wo, float b,
                                      float[] residual, ConvActivation act, float[] y, int yPlane, Scratch s) {
        int H = g.inH(), W = g.inW(), oH = g.outH(), oW = g.outW(), n = H * W;
        int rows = (H + 1) * oW, o = 0, e = rows + 1;                        // O at [0, rows), E at [rows + 1, …)
        float[] eo = s.pad(2 * rows + 1 + L);
        java.util.Arrays.fill(eo, 0, oW, 0f);                               // split row 0: the top border
        java.util.Arrays.fill(eo, e - 1, e + oW, 0f);
        int xBase = plane * n, i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector lp = FloatVector.fromArray(F, x, xBase + i).rearrange(UNZIP);            // [even | odd]
            FloatVector hp = FloatVector.fromArray(F, x, xBase + i + L).rearrange(UNZIP);
            int c = oW + (i >> 1);
            lp.blend(hp.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(eo, o + c);
            hp.blend(lp.rearrange(SWAP_HALVES), LOWER_HALF).intoArray(eo, e + c);
        }
        for (; i < n; i += 2) {                                              // the plane's last < 2L floats
            eo[o + oW + (i >> 1)] = x[xBase + i];
            eo[e + oW + (i >> 1)] = x[xBase + i + 1];
        }
        FloatVector w0 = FloatVector.broadcast(F, w[wo]), w1 = FloatVector.broadcast(F, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(F, w[wo + 2]), w3 = FloatVector.broadcast(F, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(F, w[wo + 4]), w5 = FloatVector.broadcast(F, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(F, w[wo + 6]), w7 = FloatVector.broadcast(F, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(F, w[wo + 8]), vb = FloatVector.broadcast(F, b);
        int last = oW - L, yBase = yPlane * oH * oW;
        for (int oh = 0; oh < oH; oh++) {
            int r0 = 2 * oh * oW, r1 = r0 + oW, r2 = r1 + oW, d = yBase + oh * oW;
            for (int ow = 0; ; ow += L) {
                if (ow > last) ow = last;
                FloatVector l0 = FloatVector.fromArray(F, eo, e + r0 + ow - 1);
                FloatVector l1 = FloatVector.fromArray(F, eo, e + r1 + ow - 1);
                FloatVector l2 = FloatVector.fromArray(F, eo, e + r2 + ow - 1);
                if (ow == 0) {                                               // lane 0 reads the row before: border
                    l0 = l0.blend(0f, FIRST_LANE);
                    l1 = l1.blend(0f, FIRST_LANE);
                    l2 = l2.blend(0f, FIRST_LANE);
                }
                FloatVector k0 = l0.fma(w0, vb);
                k0 = FloatVector.fromArray(F, eo, o + r0 + ow).fma(w1, k0);
                k0 = FloatVector.fromArray(F, eo, e + r0 + ow).fma(w2, k0);
                FloatVector k1 = l1.mul(w3);
                k1 = FloatVector.fromArray(F, eo, o + r1 + ow).fma(w4, k1);
                k1 = FloatVector.fromArray(F, eo, e + r1 + ow).fma(w5, k1);
                FloatVector k2 = l2.mul(w6);
                k2 = FloatVector.fromArray(F, eo, o + r2 + ow).fma(w7, k2);
                k2 = FloatVector.fromArray(F, eo, e + r2 + ow).fma(w8, k2);
                FloatVector acc = k0.add(k1).add(k2);
                if (residual != null) acc = acc.add(FloatVector.fromArray(F, residual, d + ow));
                VectorActivation.apply(acc, act).intoArray(y, d + ow);
                if (ow == last) break;
            }
        }
    }

    /** Whether a stride-2 plane of g is too large to split whole ({@link #SPLIT_PLANE_FLOATS}) and goes to a ring. */
    static boolean splitsInRing(ConvGeometry g) {
        return (g.inH() + 2) * 2 * (g.outW() + 1 + L) > SPLIT_PLANE_FLOATS;
    }

    /**
     * Stride 2 on a plane too large to split whole in L1: rows are split as the output rows first need them into a
     * ring of three row slots (output row oh reads bordered rows 2oh, 2oh + 1, 2oh + 2, distinct modulo 3), which
     * stay in L1 (MobileNetV2's 96 channels at 112², 2 threads, old and new code in alternated JVMs: 2.85–3.12 →
     * 2.08–2.44 ms).
     */
    private static void strideTwoRing(ConvGeometry g, float[] x, int plane, float[] w, int wo, float b,
                                      float[] residual, ConvActivation act, float[] y, int yPlane, Scratch s) {
        int H = g.inH(), W = g.inW(), oH = g.outH(), oW = g.outW();
        int half = oW + 1 + L, row = 2 * half;
        int xBase = plane * H * W, yBase = yPlane * oH * oW;
        float[] eo = s.pad(3 * row), out = s.out(oW + L);
        // the taps broadcast once per plane: broadcast from w inside the loop (which C2 reloads, as w may alias eo
        // or out), 96 channels at 112², 2 threads: 6.1 → 5.1 ms (Zen 1, ad-hoc loop of 200 calls)
        FloatVector w0 = FloatVector.broadcast(F, w[wo]), w1 = FloatVector.broadcast(F, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(F, w[wo + 2]), w3 = FloatVector.broadcast(F, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(F, w[wo + 4]), w5 = FloatVector.broadcast(F, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(F, w[wo + 6]), w7 = FloatVector.broadcast(F, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(F, w[wo + 8]), vb = FloatVector.broadcast(F, b);
        splitRows(x, xBase, H, W, 0, 1, eo, half, true);
        for (int oh = 0; oh < oH; oh++) {
            int e0 = (2 * oh) % 3 * row, e1 = (2 * oh + 1) % 3 * row, e2 = (2 * oh + 2) % 3 * row;
            splitRows(x, xBase, H, W, 2 * oh + 1, 2 * oh + 3, eo, half, true);
            // strideTwo's loop over the ring's slots. Kept inline and apart: a per-row helper call compiled to
            // 3.5–3.7 ms instead of ~2.2 in one JVM of four or five, and one method for both paths made the
            // whole-plane one 15–34 % slower at 28² (alternated JVMs)
            for (int ow = 0; ow < oW; ow += L) {
                FloatVector acc = FloatVector.fromArray(F, eo, e0 + ow).fma(w0, vb);
                acc = FloatVector.fromArray(F, eo, e0 + half + ow).fma(w1, acc);
                acc = FloatVector.fromArray(F, eo, e0 + 1 + ow).fma(w2, acc);
                acc = FloatVector.fromArray(F, eo, e1 + ow).fma(w3, acc);
                acc = FloatVector.fromArray(F, eo, e1 + half + ow).fma(w4, acc);
                acc = FloatVector.fromArray(F, eo, e1 + 1 + ow).fma(w5, acc);
                acc = FloatVector.fromArray(F, eo, e2 + ow).fma(w6, acc);
                acc = FloatVector.fromArray(F, eo, e2 + half + ow).fma(w7, acc);
                acc = FloatVector.fromArray(F, eo, e2 + 1 + ow).fma(w8, acc);
                acc.intoArray(out, ow);
            }
            finishRow(out, 0, y, residual, yBase + oh * oW, oW, act);
        }
    }

    /**
     * Bordered rows {@code [from, to)} of a stride-2 plane into eo, row r at {@code 2·half·r} (or at
     * {@code 2·half·(r % 3)} in a ring): E ({@code [e, e + half)}) holds its even bordered columns, O
     * ({@code [e + half, e + 2·half)}) the odd ones; zeros where the row or column is border (r = 0 or r > H).
     */
    private static void splitRows(float[] x, int xBase, int H, int W, int from, int to, float[] eo, int half,
                                  boolean ring) {
        int evens = W / 2 + 1, odds = (W + 1) / 2;                            // bordered columns 0..W+1
        for (int r = from; r < to; r++) {
            int e = 2 * half * (ring ? r % 3 : r), o = e + half;
            if (r == 0 || r > H) {
                java.util.Arrays.fill(eo, e, e + 2 * half, 0f);
                continue;
            }
            int src = xBase + (r - 1) * W;
            // 2L input columns at a time: O[c] = x[2c] (q = 2c + 1), E[c + 1] = x[2c + 1] (q = 2c + 2); the last
            // chunk's masked loads read zeros past the row, which land where the right border goes. Each vector is
            // unzipped on its own and the halves exchanged: four one-vector shuffles and two blends, where a
            // two-vector rearrange computes a wrapped index vector and a validity mask each time
            for (int iw = 0, c = 0; iw < W; iw += 2 * L, c += L) {
                FloatVector lo, hi;
                if (iw + 2 * L <= W) {
                    lo = FloatVector.fromArray(F, x, src + iw);
                    hi = FloatVector.fromArray(F, x, src + iw + L);
                } else {
                    lo = FloatVector.fromArray(F, x, src + iw, F.indexInRange(iw, W));
                    hi = FloatVector.fromArray(F, x, src + iw + L, F.indexInRange(iw + L, W));
                }
                FloatVector lp = lo.rearrange(UNZIP), hp = hi.rearrange(UNZIP);          // [even | odd] each
                lp.blend(hp.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(eo, o + c);      // evens of lo, hi
                hp.blend(lp.rearrange(SWAP_HALVES), LOWER_HALF).intoArray(eo, e + 1 + c);  // odds of lo, hi
            }
            eo[e] = 0f;                                                        // q = 0: the left border
            eo[e + evens] = 0f;                                                // past the data: the right border
            eo[o + odds] = 0f;
        }
    }

    /** {@code y[d + j] = act(out[s + j] + residual[d + j])} for {@code j < len}. */
    private static void finishRow(float[] out, int s, float[] y, float[] residual, int d, int len, ConvActivation act) {
        int j = 0;
        for (; j + L <= len; j += L) {                                   // whole vectors: no mask to check
            FloatVector v = FloatVector.fromArray(F, out, s + j);
            if (residual != null) v = v.add(FloatVector.fromArray(F, residual, d + j));
            VectorActivation.apply(v, act).intoArray(y, d + j);
        }
        if (j < len) {                                                   // the tail as one masked vector
            VectorMask<Float> m = F.indexInRange(j, len);
            FloatVector v = FloatVector.fromArray(F, out, s + j);
            if (residual != null) v = v.add(FloatVector.fromArray(F, residual, d + j, m));
            VectorActivation.apply(v, act).intoArray(y, d + j, m);
        }
    }
}
