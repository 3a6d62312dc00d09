package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs the B operand of a 2-d convolution GEMM, {@code col(X_g)} (K = C_in/g·kH·kW rows, B·P columns), straight
 * from x into {@link GemmMicroKernel}'s NR-column panels, with no column matrix in between ("implicit im2col", as
 * oneDNN's brgemm convolutions and MLAS's panel-wise im2col avoid the full unfold). Row {@code p = (ci·kH + kh)·kW
 * + kw}, column {@code j = i·P + oh·oW + ow} holds {@code x[n0 + i, gr·C_in/g + ci, oh·sH − pH + kh·dH,
 * ow·sW − pW + kw·dW]}, zero in the padding, zero past the last column.
 *
 * <p>Per panel, the lanes' input positions and a bit mask of the lanes inside the input are worked out once per
 * tap; every row of the panel is then a vector read or two per half panel: loads when a tap reads consecutive
 * positions ({@link #packContiguous}: stride 1 on x itself, stride 2 on its {@link PhaseSplit} copy), masked
 * gathers otherwise ({@link #packGathered}). The reference is
 * {@link Im2col#im2col} followed by {@link GemmPacking#packB}.
 */
final class ImplicitPanels {
    /** Int lanes matching {@link GemmMicroKernel#S}'s float lanes, for the gather offsets. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

    /** Bit t set for each lane t of a panel. */
    private static final long ALL_LANES = NR == 64 ? -1L : (1L << NR) - 1;

    private static final FloatVector ZERO = FloatVector.zero(S);

    private ImplicitPanels() {}

    /** Whether g is handled here: 2-d (one depth slice, kernel depth 1). */
    static boolean supports(ConvGeometry g) {
        return g.inD() == 1 && g.kD() == 1 && g.outD() == 1;
    }

    /**
     * Whether every tap reads consecutive input positions for consecutive output positions of an image: stride 1
     * and as wide an input as output ("same" padding, ResNet's and MobileNetV2's 3×3/1). Position {@code p = oh·oW
     * + ow} of tap (kh, kw) then reads {@code x[…, p + (kh·dH − pH)·W + kw·dW − pW]}, so a panel row is one
     * shifted contiguous read per image, with the taps that fall in the padding masked off. Stride-2 convolutions
     * get there through {@link PhaseSplit}.
     */
    static boolean rowsContiguous(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.inW() == g.outW();
    }

    /**
     * Where each tap of a {@link #rowsContiguous}-style read finds its input: output position {@code (oh, ow)} of
     * tap t reads {@code src[image·imageStride + ci·channelStride + offset[t] + oh·cols + ow]}, inside the input
     * when {@code 0 ≤ oh + rowShift[t] < rows} and {@code 0 ≤ ow + colShift[t] < cols} (zero otherwise), with
     * {@code cols} the output width. {@link #direct} reads x itself; {@link PhaseSplit#taps} its polyphase copy.
     */
    record Taps(int[] offset, int[] rowShift, int[] colShift, int rows, int cols, int channelStride, int imageStride) {
        /** The taps of a stride-1 {@link #rowsContiguous} geometry read from x (N, C_in, H, W). */
        static Taps direct(ConvGeometry g) {
            int kW = g.kW(), kVol = g.kH() * kW;
            int[] offset = new int[kVol], rowShift = new int[kVol], colShift = new int[kVol];
            for (int tap = 0; tap < kVol; tap++) {
                rowShift[tap] = tap / kW * g.dilH() - g.padH();
                colShift[tap] = tap % kW * g.dilW() - g.padW();
                offset[tap] = rowShift[tap] * g.inW() + colShift[tap];
            }
            return new Taps(offset, rowShift, colShift, g.inH(), g.inW(), g.inPlane(), g.cIn() * g.inPlane());
        }
    }

    /** {@link #packContiguous(ConvGeometry, Taps, float[], int, int, int, int, int, int, float[])} on x itself. */
    static void packContiguous(ConvGeometry g, float[] x, int n0, int gr, int p0, int kc, int j0, int nc, float[] dst) {
        packContiguous(g, Taps.direct(g), x, n0, gr * g.cInPerGroup(), p0, kc, j0, nc, dst);
    }

    /**
     * Packs rows {@code [p0, p0 + kc)} × columns {@code [j0, j0 + nc)} of images {@code n0 …} into
     * {@code ceil(nc/NR)} panels of (kc, NR) in dst, for {@link #rowsContiguous} reads described by taps: each
     * panel is cut once into segments of lanes that share an image, and for every tap a bit mask of the lanes whose
     * input position is inside the image is computed (from one mask per distinct row shift and one per column
     * shift); a row of the panel is then a vector load per segment and half panel, blended with zero where lanes
     * fall in the padding, past the image or past the last column ({@link #rowsOfOneImage}), whatever the plane's
     * width.
     * This is what makes small planes (14², 7²) cheap, where copies of a row at a time would handle a few floats
     * each.
     *
     * @param src      the input as taps describe it; image {@code n0} is the first column's
     * @param channel0 the first input channel of the group in src
     */
    static void packContiguous(ConvGeometry g, Taps taps, float[] src, int n0, int channel0, int p0, int kc, int j0,
                               int nc, float[] dst) {
        int P = g.outPlane(), oH = g.outH(), oW = g.outW(), kVol = g.kH() * g.kW();
        int[] tapOffset = taps.offset();
        int maxSegments = (NR - 1) / P + 2;                           // images one panel can touch
        int[] segmentBase = new int[maxSegments];                     // src offset that lane 0 would read, per segment
        long[] segmentLanes = new long[maxSegments];
        long[] valid = new long[kVol];                                // per tap: lanes inside the input
        int[] rowShift = taps.rowShift(), colShift = taps.colShift();
        int minRow = min(rowShift), minCol = min(colShift);
        long[] rowValid = new long[max(rowShift) - minRow + 1];        // per row shift: lanes inside the input's rows
        long[] colValid = new long[max(colShift) - minCol + 1];        // per column shift: inside its columns
        int[] laneH = new int[NR], laneW = new int[NR];
        for (int q = 0, d = 0; q < nc; q += NR, d += kc * NR) {
            int nr = Math.min(NR, nc - q), segments = 0;
            for (int t = 0; t < nr; segments++) {
                int c = j0 + q + t, i = c / P, p = c - i * P, len = Math.min(nr - t, P - p);
                segmentBase[segments] = (n0 + i) * taps.imageStride() + channel0 * taps.channelStride() + p - t;
                segmentLanes[segments] = ((1L << len) - 1) << t;
                t += len;
            }
            int first = (j0 + q) % P, oh = first / oW, ow = first - oh * oW;
            for (int t = 0; t < NR; t++) {                            // each lane's output row and column, no division
                laneH[t] = t < nr ? oh : Integer.MIN_VALUE / 2;       // lanes past the last column: never inside
                laneW[t] = ow;
                if (t + 1 < nr && ++ow == oW) {                       // the next column, into the next image after P
                    ow = 0;
                    if (++oh == oH) oh = 0;
                }
            }
            for (int v = 0; v < rowValid.length; v++) rowValid[v] = within(laneH, minRow + v, taps.rows());
            for (int v = 0; v < colValid.length; v++) colValid[v] = within(laneW, minCol + v, taps.cols());
            for (int tap = 0; tap < kVol; tap++) valid[tap] = rowValid[rowShift[tap] - minRow] & colValid[colShift[tap] - minCol];
            if (segments == 1) rowsOfOneImage(src, segmentBase[0], segmentLanes[0], valid, tapOffset, taps.channelStride(), p0, kc, dst, d);
            else rowsAcrossImages(src, segmentBase, segmentLanes, segments, valid, tapOffset, taps.channelStride(), p0, kc, dst, d);
        }
    }

    /**
     * Rows {@code [p0, p0 + kc)} of a panel whose lanes read one image, from {@code src[base + …]}, into
     * {@code dst[d …]}. A row whose lanes all lie inside the input (most rows of a large plane's panels) is plain
     * loads; one with lanes in the padding is {@link LaneMask#load} (below 16 lanes a plain load blended with zero:
     * {@code vmaskmovps} costs ~5.5 ns on a Zen 1 core against ~2.2, docs/PERF.md), or lane by lane where the vector
     * would run off src (a masked load there takes the Vector API's Java fallback). Kept apart from {@link #rowsAcrossImages}: one method for both did not get its copies inlined.
     */
    private static void rowsOfOneImage(float[] src, int base, long lanes, long[] valid, int[] tapOffset,
                                       int channelStride, int p0, int kc, float[] dst, int d) {
        int kVol = valid.length;
        long half = (1L << L) - 1;
        for (int r = 0, ci = p0 / kVol, tap = p0 % kVol; r < kc; r++) {
            int o = d + r * NR, at = base + ci * channelStride + tapOffset[tap];
            long bits = valid[tap] & lanes;
            if (bits == ALL_LANES) {                                     // most rows of a large plane's panels
                for (int h = 0; h < NR; h += L) FloatVector.fromArray(S, src, at + h).intoArray(dst, o + h);
            } else {
                for (int h = 0; h < NR; h += L) {
                    long b = bits >>> h & half;
                    if (at + h >= 0 && at + h <= src.length - L) {
                        LaneMask.load(src, at + h, b).intoArray(dst, o + h);
                    } else {                                            // the vector runs off src: lane by lane
                        for (int l = 0; l < L; l++) dst[o + h + l] = (b >>> l & 1) != 0 ? src[at + h + l] : 0f;
                    }
                }
            }
            if (++tap == kVol) { tap = 0; ci++; }
        }
    }

    /**
     * {@link #rowsOfOneImage} for a panel whose lanes read several images, segment s at {@code src[base[s] + …]}:
     * with two images (every panel that straddles an image boundary, where a plane holds at least NR positions) each
     * half row is a masked load from each image, blended, and one plain store; otherwise, and where a vector would
     * leave src, each segment's lanes are blended into the row in dst (stores only; a vector merged across branches
     * would be boxed). The same floats either way; the two-image rows made ResNet-50's 3×3/2 layers 2–4 % faster
     * (docs/PERF.md).
     */
    private static void rowsAcrossImages(float[] src, int[] base, long[] lanes, int segments, long[] valid,
                                         int[] tapOffset, int channelStride, int p0, int kc, float[] dst, int d) {
        int kVol = valid.length;
        long half = (1L << L) - 1;
        for (int r = 0, ci = p0 / kVol, tap = p0 % kVol; r < kc; r++) {
            int o = d + r * NR, channel = ci * channelStride + tapOffset[tap];
            if (segments == 2) {                                        // two images: loads and a blend, one store
                int a = base[0] + channel, b = base[1] + channel;
                if (a >= 0 && b >= 0 && Math.max(a, b) + NR <= src.length) {   // both images' vectors inside src
                    long first = valid[tap] & lanes[0], second = valid[tap] & lanes[1];
                    LaneMask.load(src, a, first & half).blend(LaneMask.load(src, b, second & half), LaneMask.of(lanes[1] & half))
                            .intoArray(dst, o);
                    LaneMask.load(src, a + L, first >>> L & half)
                            .blend(LaneMask.load(src, b + L, second >>> L & half), LaneMask.of(lanes[1] >>> L & half))
                            .intoArray(dst, o + L);
                    if (++tap == kVol) { tap = 0; ci++; }
                    continue;
                }
            }
            for (int h = 0; h < NR; h += L) {
                ZERO.intoArray(dst, o + h);
                for (int s = 0; s < segments; s++) {                    // each image's lanes blended in, in dst
                    long b = (valid[tap] & lanes[s]) >>> h & half;
                    int at = base[s] + channel + h;
                    if (b == 0) continue;
                    if (at >= 0 && at <= src.length - L) {
                        LaneMask.blendInto(FloatVector.fromArray(S, src, at), dst, o + h, b);
                    } else {
                        for (int l = 0; l < L; l++) if ((b >>> l & 1) != 0) dst[o + h + l] = src[at + l];
                    }
                }
            }
            if (++tap == kVol) { tap = 0; ci++; }
        }
    }

    /**
     * The lanes (bit t for lane t) with {@code 0 ≤ lane[t] + shift < limit}. A tap's lanes inside the input are
     * those within its row shift's rows and its column shift's columns, so a panel needs this for each distinct
     * shift (7 + 7 for the 7×7 stem) rather than for each of its taps (49); scalar compares, as vector masks turned
     * into bits ({@code toLong}) cost more than the 16 compares on AVX2.
     */
    private static long within(int[] lane, int shift, int limit) {
        long bits = 0;
        for (int t = 0; t < NR; t++) if (Integer.compareUnsigned(lane[t] + shift, limit) < 0) bits |= 1L << t;
        return bits;
    }

    private static int min(int[] a) {
        int m = a[0];
        for (int v : a) m = Math.min(m, v);
        return m;
    }

    private static int max(int[] a) {
        int m = a[0];
        for (int v : a) m = Math.max(m, v);
        return m;
    }

    /**
     * Packs rows {@code [p0, p0 + kc)} × columns {@code [j0, j0 + nc)} of group gr of images {@code n0 …} into
     * {@code ceil(nc/NR)} panels of (kc, NR) in dst, for any 2-d geometry (those neither contiguous nor split by
     * {@link PhaseSplit}: "valid" padding, strides other than 2): per panel and tap, the
     * offset every lane reads relative to the panel's first image and channel ci, and a bit mask of the lanes inside
     * the input; a row of the panel is then one masked gather per half panel ({@code vgatherdps} with AVX-512).
     */
    static void packGathered(ConvGeometry g, float[] x, int n0, int gr, int p0, int kc, int j0, int nc, float[] dst) {
        int P = g.outPlane(), oW = g.outW(), kW = g.kW(), kVol = g.kH() * kW;
        int inH = g.inH(), inW = g.inW(), inPlane = g.inPlane(), sH = g.strideH(), sW = g.strideW();
        int pH = g.padH(), pW = g.padW(), dH = g.dilH(), dW = g.dilW(), image = g.cIn() * inPlane;
        int cBase = gr * g.cInPerGroup();
        int[] index = new int[kVol * NR];                             // per tap, per lane: offset from the panel's base
        long[] valid = new long[kVol];                                // per tap: lanes inside the input
        int[] laneBase = new int[NR], laneH = new int[NR], laneW = new int[NR];
        long half = (1L << L) - 1;
        for (int q = 0, d = 0; q < nc; q += NR, d += kc * NR) {
            int nr = Math.min(NR, nc - q), firstImage = (j0 + q) / P;
            for (int t = 0; t < NR; t++) {                            // each lane's image, top row and left column
                int c = j0 + q + Math.min(t, nr - 1), i = c / P, p = c - i * P, oh = p / oW;
                laneH[t] = t < nr ? oh * sH - pH : Integer.MIN_VALUE / 2;     // lanes past the last column: never inside
                laneW[t] = (p - oh * oW) * sW - pW;
                laneBase[t] = (i - firstImage) * image + laneH[t] * inW + laneW[t];
            }
            for (int tap = 0; tap < kVol; tap++) {                    // the lanes' offsets and validity, a vector at a time
                int dh = tap / kW * dH, dw = tap % kW * dW;
                long bits = 0;
                for (int h = 0; h < NR; h += L) {
                    IntVector ih = IntVector.fromArray(I, laneH, h).add(dh), iw = IntVector.fromArray(I, laneW, h).add(dw);
                    VectorMask<Integer> in = ih.compare(VectorOperators.GE, 0).and(ih.compare(VectorOperators.LT, inH))
                            .and(iw.compare(VectorOperators.GE, 0)).and(iw.compare(VectorOperators.LT, inW));
                    IntVector.fromArray(I, laneBase, h).add(dh * inW + dw).blend(0, in.not())   // 0: in range, masked off
                            .intoArray(index, tap * NR + h);
                    bits |= in.toLong() << h;
                }
                valid[tap] = bits;
            }
            int base = ((n0 + firstImage) * g.cIn() + cBase) * inPlane;
            for (int r = 0, ci = p0 / kVol, tap = p0 % kVol; r < kc; r++) {
                int o = d + r * NR, channel = base + ci * inPlane;
                for (int h = 0; h < NR; h += L) {
                    VectorMask<Float> m = LaneMask.of(valid[tap] >>> h & half);
                    FloatVector.fromArray(S, x, channel, index, tap * NR + h, m).intoArray(dst, o + h);
                }
                if (++tap == kVol) { tap = 0; ci++; }
            }
        }
    }
}
