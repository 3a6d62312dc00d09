package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * The B panels of a 1×1 convolution whose input is M2A's excitation {@code u = x·(1 + σ(conv_up(a)))} (Gebotys et
 * al., arXiv 2111.09976, §3; gebob19/M2A {@code M2A.forward}: {@code x·σ(conv_up(·)) + x}), computed as the panels are
 * packed, so that u is never written: {@link ConvFused#forwardUpGated}.
 *
 * <p>Row ci (a channel of u) of a panel of columns is {@code x[n', ci, p]·(1 + σ(Σ_k W_up[ci, k]·a[n', k, p] + b_up[ci]))}
 * for each column's image n (TSM's shift read in place: n' is the frame {@link ConvFused.Shift#sourceImage} gives for
 * ci, or the row is zero). conv_up's sums come from the GEMM micro-kernel: a's columns are packed once per column
 * block and source frame (its r = C/8 rows × NR columns per panel), then one MR-row panel of conv_up's packed weights
 * at a time sweeps the block's panels, as {@link ConvFused}'s GEMM sweeps its own, and each MR × NR tile of sums is
 * gated with x and written as MR rows of the convolution's panel. Each sum is the same sequence of {@code fma}s as
 * conv_up's GEMM, and the gate is {@link ConvTileKernel#tileGated}'s arithmetic ({@code v = acc + b},
 * {@code x·(σ(v) + 1)} with {@link VectorExp#sigmoid}), so the packed floats are those of u written by
 * {@link ConvFused#forwardGated} and read back: the convolution's output is the same bit for bit.
 *
 * <p>What it saves: u's write and its read by the convolution's packing (at M2A's 256 channels × 56² × 8 frames,
 * 26 MB each way per block); conv_up's arithmetic and x's read happen here instead of in conv_up's store.
 */
final class UpGatedPanels {
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    /** Per-thread scratch: a's packed columns of one block and source frame, (panels, r, NR). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    private UpGatedPanels() {}

    /**
     * Packs rows {@code [c0, c0 + kc)} × columns {@code [j0, j0 + nc)} of u into NR-column panels at dst, laid out
     * as {@code ConvFused}'s packed B: (ceil(nc/NR), kc, NR), lanes past nc zero.
     *
     * @param x     (N, C, P), the gate input (M2A's input) and u's shape
     * @param gate  a (N, r, P) and conv_up's packed weights (C × r, bias C or none)
     * @param shift TSM's shift read in place, or null
     * @param n0    the image of column 0 (column j is image {@code n0 + j / P}, position {@code j % P})
     */
    static void pack(float[] x, ConvFused.UpGate gate, ConvFused.Shift shift, int cIn, int P, int n0, int c0, int kc,
                     int j0, int nc, float[] dst, float[] acc) {
        int c1 = c0 + kc;
        if (shift == null) {
            packRows(x, gate, 0, 1, cIn, P, n0, c0, c1, c0, kc, j0, nc, dst, acc);
            return;
        }
        int fold = shift.fold(), t = shift.frames();
        // the channels that read frame t+1, those that read t−1, and the rest (ConvFused.Shift#sourceImage)
        packRows(x, gate, 1, t, cIn, P, n0, c0, Math.min(c1, fold), c0, kc, j0, nc, dst, acc);
        packRows(x, gate, -1, t, cIn, P, n0, Math.max(c0, fold), Math.min(c1, 2 * fold), c0, kc, j0, nc, dst, acc);
        packRows(x, gate, 0, t, cIn, P, n0, Math.max(c0, 2 * fold), c1, c0, kc, j0, nc, dst, acc);
    }

    /**
     * Rows {@code [ra, rb)} (channels that read frame {@code t + dt} of their clip of {@code frames}; none when
     * empty), written at row {@code ci − c0} of each panel.
     */
    private static void packRows(float[] x, ConvFused.UpGate gate, int dt, int frames, int cIn, int P, int n0, int ra,
                                 int rb, int c0, int kc, int j0, int nc, float[] dst, float[] acc) {
        if (ra >= rb) return;
        float[] a = gate.attended();
        PackedConvWeights up = gate.up();
        int r = up.k(), panels = (nc + NR - 1) / NR;
        float[] ap = packAttended(a, r, P, n0, dt, frames, j0, nc, panels);
        float[] w = up.panels(), bias = up.bias();
        // the lanes (source image, position) of each panel that straddles images or ends short, once for all
        // MR-row panels of conv_up: those panels read x through them ({@link #gatherRow})
        int[] image = new int[panels * NR], position = new int[panels * NR];
        for (int u = 0; u < panels; u++) {
            int col = j0 + u * NR, nr = Math.min(NR, nc - u * NR);
            if (nr < NR || col % P + NR > P) lanes(n0, col, nr, P, dt, frames, image, position, u * NR);
        }
        float[] xLanes = new float[NR];
        for (int q = ra / MR; q * MR < rb; q++) {
            int aOff = up.panel(0, q), lo = Math.max(ra, q * MR), hi = Math.min(rb, q * MR + MR);
            for (int u = 0; u < panels; u++) {
                GemmMicroKernel.accumulate(r, w, aOff, ap, u * r * NR, acc);            // (MR, NR) sums of conv_up
                int d = u * kc * NR, col = j0 + u * NR, nr = Math.min(NR, nc - u * NR);
                int first = col / P, p = col - first * P, src = sourceImage(n0 + first, dt, frames);
                if (nr == NR && p + NR <= P) {                                       // one image, whole vectors
                    for (int ci = lo; ci < hi; ci++) {
                        int row = (ci - q * MR) * NR, o = d + (ci - c0) * NR;
                        if (src < 0) {
                            FloatVector.zero(S).intoArray(dst, o);
                            FloatVector.zero(S).intoArray(dst, o + L);
                            continue;
                        }
                        FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[ci]);
                        int xo = (src * cIn + ci) * P + p;
                        for (int h = 0; h < NR; h += L) {
                            FloatVector v = FloatVector.fromArray(S, acc, row + h);
                            if (bias != null) v = v.add(b);
                            FloatVector.fromArray(S, x, xo + h).mul(VectorExp.sigmoid(v).add(ONE)).intoArray(dst, o + h);
                        }
                    }
                    continue;
                }
                // straddles images, or a tail: x's lanes gathered (zero where there is no frame or column, which
                // gates to zero), the gate on whole vectors as above
                for (int ci = lo; ci < hi; ci++) {
                    int row = (ci - q * MR) * NR, o = d + (ci - c0) * NR;
                    gatherRow(x, cIn, ci, P, nr, image, position, u * NR, xLanes, 0);
                    FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[ci]);
                    for (int h = 0; h < NR; h += L) {
                        FloatVector v = FloatVector.fromArray(S, acc, row + h);
                        if (bias != null) v = v.add(b);
                        FloatVector.fromArray(S, xLanes, h).mul(VectorExp.sigmoid(v).add(ONE)).intoArray(dst, o + h);
                    }
                }
            }
        }
    }

    /**
     * a's columns {@code [j0, j0 + nc)} of the frames {@code t + dt} as B panels (panels, r, NR) in this thread's
     * scratch: row k of panel u is {@code a[n', k, p]} for each lane's source image n' and position p, zero where
     * there is no such frame or column.
     */
    private static float[] packAttended(float[] a, int r, int P, int n0, int dt, int frames, int j0, int nc, int panels) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < panels * r * NR) holder[0] = new float[panels * r * NR];
        float[] ap = holder[0];
        int[] image = new int[NR], position = new int[NR];
        for (int u = 0; u < panels; u++) {
            int d = u * r * NR, col = j0 + u * NR, nr = Math.min(NR, nc - u * NR);
            int first = col / P, p = col - first * P, src = sourceImage(n0 + first, dt, frames);
            if (nr == NR && p + NR <= P) {
                for (int k = 0; k < r; k++) ConvFused.panelRow(a, src < 0 ? -1 : (src * r + k) * P + p, ap, d + k * NR);
                continue;
            }
            lanes(n0, col, nr, P, dt, frames, image, position, 0);
            for (int k = 0; k < r; k++) gatherRow(a, r, k, P, nr, image, position, 0, ap, d + k * NR);
        }
        return ap;
    }

    private static final long HALF = (1L << L) - 1;

    /**
     * {@code dst[o + t] = src[image[l0 + t], row, position[l0 + t]]} of src (N, rows, P) for each lane t (zero where
     * the image is −1). A whole panel whose lanes span two images ({@code [0, s)} the end of one image's plane,
     * {@code [s, NR)} the start of the next one's, more than half the panels at 7², one in seven at 14²) is read as
     * ConvFused's straddling panels are: per half panel a plain load from each image's row, placed so that its lanes
     * land at their panel positions, and one blend — where those loads stay inside src; other panels lane by lane.
     * The same floats either way.
     */
    private static void gatherRow(float[] src, int rows, int row, int P, int nr, int[] image, int[] position, int l0,
                                  float[] dst, int o) {
        int s = P - position[l0];                                      // lanes of the first image
        if (nr == NR && s < NR && P >= NR) {                      // then lanes [s, NR) are the next image's
            int n0 = image[l0], n1 = image[l0 + s];
            boolean readA = n0 >= 0, readB = n1 >= 0;                                // no frame: zeros
            int a = (n0 * rows + row) * P + position[l0], b = (n1 * rows + row) * P - s;   // lane 0's place in each
            if ((!readA || a >= 0 && a + NR <= src.length) && (!readB || b >= 0 && b + NR <= src.length)) {
                long second = ~((1L << s) - 1), low = second & HALF, high = second >>> L & HALF;
                FloatVector lo = ConvFused.rowLoad(src, readA, a), hi = ConvFused.rowLoad(src, readB, b + L);
                if (low != 0) lo = lo.blend(ConvFused.rowLoad(src, readB, b), LaneMask.of(low));
                if (high != HALF) hi = ConvFused.rowLoad(src, readA, a + L).blend(hi, LaneMask.of(high));
                lo.intoArray(dst, o);
                hi.intoArray(dst, o + L);
                return;
            }
        }
        for (int t = 0; t < NR; t++) {
            int n = image[l0 + t];
            dst[o + t] = n < 0 ? 0f : src[(n * rows + row) * P + position[l0 + t]];
        }
    }

    /** Each lane's source image (−1: none, or past the block's nr columns) and plane position, at l0 + t. */
    private static void lanes(int n0, int col, int nr, int P, int dt, int frames, int[] image, int[] position, int l0) {
        for (int t = 0; t < NR; t++) {
            if (t >= nr) { image[l0 + t] = -1; continue; }
            int c = col + t, n = c / P;
            image[l0 + t] = sourceImage(n0 + n, dt, frames);
            position[l0 + t] = c - n * P;
        }
    }

    /** Frame {@code t + dt} of image n's clip (T = frames; dt 0 without a shift), or −1 past the clip's ends. */
    private static int sourceImage(int n, int dt, int frames) {
        if (dt == 0) return n;
        int t = n % frames + dt;
        return t >= 0 && t < frames ? n + dt : -1;
    }
}
