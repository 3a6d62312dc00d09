package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Packs the B operand of a 2-d convolution GEMM, {@code col(X_g)} (K = C_in/g·kH·kW rows, B·P columns), straight
 * from x into {@link GemmMicroKernel}'s NR-column panels, with no column matrix in between ("implicit im2col", as
 * oneDNN's brgemm convolutions and MLAS's panel-wise im2col avoid the full unfold). Row {@code p = (ci·kH + kh)·kW
 * + kw}, column {@code j = i·P + oh·oW + ow} holds {@code x[n0 + i, gr·C_in/g + ci, oh·sH − pH + kh·dH,
 * ow·sW − pW + kw·dW]}, zero in the padding, zero past the last column.
 *
 * <p>Each panel is cut once into runs of columns that share an image and an output row; a run is then, for every
 * row of the panel, a contiguous (stride 1) or strided read of one input row, clipped to the input with zeros at the
 * edges. The reference is {@link Im2col#im2col} followed by {@link GemmPacking#packB}.
 */
final class ImplicitPanels {
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
        packRuns(g, x, n0, gr, p0, kc, j0, nc, dst);
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
     * the per-run copies of {@link #packRuns} handle a few floats at a time.
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

    /** {@link #pack} for any 2-d geometry: per panel row, one read per run of columns sharing an image and an output row. */
    static void packRuns(ConvGeometry g, float[] x, int n0, int gr, int p0, int kc, int j0, int nc, float[] dst) {
        int P = g.outPlane(), oW = g.outW(), kH = g.kH(), kW = g.kW(), kVol = kH * kW;
        int inH = g.inH(), inW = g.inW(), inPlane = g.inPlane(), sH = g.strideH(), sW = g.strideW();
        int pH = g.padH(), pW = g.padW(), dH = g.dilH(), dW = g.dilW();
        int cBase = gr * g.cInPerGroup();
        int[] runs = new int[4 * NR];                                 // per run: t0, len, image base, oh·sH − pH (+ ow0 below)
        int[] ow0s = new int[NR];
        for (int q = 0, d = 0; q < nc; q += NR, d += kc * NR) {
            int nr = Math.min(NR, nc - q), count = 0;
            for (int t = 0; t < nr; count++) {                        // cut the panel into (image, output row) runs
                int c = j0 + q + t, i = c / P, rem = c - i * P, oh = rem / oW, ow = rem - oh * oW;
                int len = Math.min(nr - t, oW - ow);
                runs[4 * count] = t;
                runs[4 * count + 1] = len;
                runs[4 * count + 2] = ((n0 + i) * g.cIn() + cBase) * inPlane;
                runs[4 * count + 3] = oh * sH - pH;
                ow0s[count] = ow * sW - pW;
                t += len;
            }
            for (int r = 0; r < kc; r++) {
                int p = p0 + r, ci = p / kVol, tap = p - ci * kVol, kh = tap / kW, kw = tap - kh * kW;
                int o = d + r * NR;
                for (int u = 0; u < count; u++) {
                    int t = runs[4 * u], len = runs[4 * u + 1], ih = runs[4 * u + 3] + kh * dH;
                    int dst0 = o + t;
                    if (ih < 0 || ih >= inH) { zero(dst, dst0, len); continue; }
                    int row = runs[4 * u + 2] + ci * inPlane + ih * inW;   // x[n, c, ih, 0]
                    int iw0 = ow0s[u] + kw * dW;                           // input column of the run's first output
                    if (sW == 1) {
                        int lo = Math.max(0, -iw0), hi = Math.min(len, inW - iw0);   // in-range outputs [lo, hi)
                        if (hi <= lo) { zero(dst, dst0, len); continue; }
                        zero(dst, dst0, lo);
                        copy(x, row + iw0 + lo, dst, dst0 + lo, hi - lo);
                        zero(dst, dst0 + hi, len - hi);
                    } else {
                        // outputs e with 0 ≤ iw0 + e·sW < inW: [lo, hi), the rest padding
                        int lo = iw0 >= 0 ? 0 : (-iw0 + sW - 1) / sW;
                        int hi = inW - iw0 <= 0 ? 0 : Math.min(len, (inW - iw0 + sW - 1) / sW);
                        if (hi <= lo) { zero(dst, dst0, len); continue; }
                        zero(dst, dst0, lo);
                        for (int e = lo, at = row + iw0 + lo * sW; e < hi; e++, at += sW) dst[dst0 + e] = x[at];
                        zero(dst, dst0 + hi, len - hi);
                    }
                }
                if (nr < NR) zero(dst, o + nr, NR - nr);
            }
        }
    }

    private static void zero(float[] a, int off, int len) {
        if (len <= 0) return;
        int e = 0;
        for (; e + L <= len; e += L) FloatVector.zero(S).intoArray(a, off + e);
        if (e < len) FloatVector.zero(S).intoArray(a, off + e, S.indexInRange(e, len));
    }

    private static void copy(float[] x, int s, float[] dst, int o, int len) {
        int e = 0;
        for (; e + L <= len; e += L) FloatVector.fromArray(S, x, s + e).intoArray(dst, o + e);
        if (e < len) {
            VectorMask<Float> m = S.indexInRange(e, len);
            FloatVector.fromArray(S, x, s + e, m).intoArray(dst, o + e, m);
        }
    }
}
