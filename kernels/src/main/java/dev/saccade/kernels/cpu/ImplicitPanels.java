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
