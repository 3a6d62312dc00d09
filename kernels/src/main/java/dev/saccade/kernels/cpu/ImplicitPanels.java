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
 * tap; every row of the panel is then one or two masked vector reads per half panel: plain loads when a tap reads
 * consecutive positions ({@link #packContiguous}), gathers otherwise ({@link #packGathered}). The reference is
 * {@link Im2col#im2col} followed by {@link GemmPacking#packB}.
 */
final class ImplicitPanels {
    /** Int lanes matching {@link GemmMicroKernel#S}'s float lanes, for the gather offsets. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

    private ImplicitPanels() {}

    /** Whether g is handled here: 2-d (one depth slice, kernel depth 1). */
    static boolean supports(ConvGeometry g) {
        return g.inD() == 1 && g.kD() == 1 && g.outD() == 1;
    }

    /**
     * Packs rows {@code [p0, p0 + kc)} × columns {@code [j0, j0 + nc)} of group gr of images {@code n0 …} into
     * {@code ceil(nc/NR)} panels of (kc, NR) in dst.
     */
    static void pack(ConvGeometry g, float[] x, int n0, int gr, int p0, int kc, int j0, int nc, float[] dst) {
        if (rowsContiguous(g)) {
            packContiguous(g, x, n0, gr, p0, kc, j0, nc, dst);
            return;
        }
        packGathered(g, x, n0, gr, p0, kc, j0, nc, dst);
    }

    /**
     * Whether every tap reads consecutive input positions for consecutive output positions of an image: stride 1
     * and as wide an input as output ("same" padding, ResNet's and MobileNetV2's 3×3/1). Position {@code p = oh·oW
     * + ow} of tap (kh, kw) then reads {@code x[…, p + (kh·dH − pH)·W + kw·dW − pW]}, so a panel row is one
     * shifted contiguous read per image, with the taps that fall in the padding masked off.
     */
    static boolean rowsContiguous(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.inW() == g.outW();
    }

    /**
     * {@link #pack} for {@link #rowsContiguous} geometries: each panel is cut once into segments of lanes that share
     * an image, and for every tap a bit mask of the lanes whose input position is inside the image is computed; a row
     * of the panel is then one masked vector load per segment and half panel (zero in the padding, past the image
     * and past the last column), whatever the plane's width. This is what makes small planes (14², 7²) cheap, where
     * copies of a row at a time would handle a few floats each.
     */
    static void packContiguous(ConvGeometry g, float[] x, int n0, int gr, int p0, int kc, int j0, int nc, float[] dst) {
        int P = g.outPlane(), oW = g.outW(), kW = g.kW(), kVol = g.kH() * kW;
        int inH = g.inH(), inW = g.inW(), inPlane = g.inPlane(), pH = g.padH(), pW = g.padW();
        int dH = g.dilH(), dW = g.dilW(), cBase = gr * g.cInPerGroup();
        int[] tapOffset = new int[kVol];                              // (kh·dH − pH)·W + kw·dW − pW
        for (int tap = 0; tap < kVol; tap++) tapOffset[tap] = (tap / kW * dH - pH) * inW + tap % kW * dW - pW;
        int maxSegments = (NR - 1) / P + 2;                           // images one panel can touch
        int[] segmentBase = new int[maxSegments];                     // x offset that lane 0 would read, per segment
        long[] valid = new long[kVol * maxSegments];                  // per tap and segment: lanes inside the input
        long half = (1L << L) - 1;
        for (int q = 0, d = 0; q < nc; q += NR, d += kc * NR) {
            int nr = Math.min(NR, nc - q), segments = 0;
            for (int t = 0; t < nr; segments++) {
                int c = j0 + q + t, i = c / P, p = c - i * P, len = Math.min(nr - t, P - p);
                segmentBase[segments] = ((n0 + i) * g.cIn() + cBase) * inPlane + p - t;
                for (int tap = 0; tap < kVol; tap++) {
                    int kh = tap / kW, kw = tap - kh * kW;
                    long bits = 0;
                    for (int e = 0, oh = p / oW, ow = p - oh * oW; e < len; e++) {
                        int ih = oh - pH + kh * dH, iw = ow - pW + kw * dW;
                        if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) bits |= 1L << (t + e);
                        if (++ow == oW) { ow = 0; oh++; }
                    }
                    valid[tap * maxSegments + segments] = bits;
                }
                t += len;
            }
            for (int r = 0, ci = p0 / kVol, tap = p0 % kVol; r < kc; r++) {
                int o = d + r * NR, channel = ci * inPlane + tapOffset[tap];
                for (int h = 0; h < NR; h += L) {
                    long bits = valid[tap * maxSegments] >>> h & half;
                    FloatVector v = FloatVector.fromArray(S, x, segmentBase[0] + channel + h, VectorMask.fromLong(S, bits));
                    for (int s = 1; s < segments; s++) {
                        VectorMask<Float> m = VectorMask.fromLong(S, valid[tap * maxSegments + s] >>> h & half);
                        v = v.blend(FloatVector.fromArray(S, x, segmentBase[s] + channel + h, m), m);
                    }
                    v.intoArray(dst, o + h);
                }
                if (++tap == kVol) { tap = 0; ci++; }
            }
        }
    }

    /**
     * {@link #pack} for any 2-d geometry (strided ones: the 7×7/2 stem, 3×3/2 and 1×1/2): per panel and tap, the
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
                    VectorMask<Float> m = VectorMask.fromLong(S, valid[tap] >>> h & half);
                    FloatVector.fromArray(S, x, channel, index, tap * NR + h, m).intoArray(dst, o + h);
                }
                if (++tap == kVol) { tap = 0; ci++; }
            }
        }
    }
}
