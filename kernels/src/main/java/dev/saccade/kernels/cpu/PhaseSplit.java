package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * Stride-2 2-d convolutions read as stride-1 ones, through the input's polyphase components: x (C, H, W) is copied
 * once into phases {@code x_ab[c, r, s] = x[c, 2r + a, 2s + b]} (a, b ∈ {0, 1}; {@code Hp = ⌈H/2⌉} rows and
 * {@code Wp = ⌈W/2⌉} columns each, zero past the image). Tap (kh, kw) of output (oh, ow) reads input row
 * {@code 2·oh + e} with {@code e = kh·dH − pH}: phase {@code a = e mod 2}, row {@code oh + ⌊e/2⌋}, and likewise for
 * columns. When {@code Wp} equals the output width, consecutive output positions read consecutive phase positions,
 * so {@link ImplicitPanels#packContiguous} packs every tap with vector loads instead of gathers — for the 7×7/2 stem,
 * ResNet's 3×3/2 and its 1×1/2 downsample (which uses one phase only: only the phases some tap reads are made).
 * This is the polyphase decomposition of a decimating filter (P. P. Vaidyanathan, <i>Multirate Systems and Filter
 * Banks</i>, 1993, §4.3); oneDNN and XNNPACK rearrange strided inputs for the same reason.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.conv2d(8, 128, 128, 56, 56, 3, 2, 1);
 * PhaseSplit split = PhaseSplit.of(g);                        // all four phases, 28×28 each
 * float[] phases = new float[split.length(8, 128)];
 * split.split(x, 0, 8, 0, 128, phases);
 * ImplicitPanels.packContiguous(g, split.taps(128), phases, 0, 0, p0, kc, j0, nc, panels);
 * }</pre>
 */
final class PhaseSplit {
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    private final ConvGeometry g;
    private final int hp, wp;
    /** Index of phase (a, b) at {@code 2a + b} among the phases made, or −1 when no tap reads it. */
    private final int[] phaseIndex = {-1, -1, -1, -1};
    /** The phases made, {@code 2a + b}, in their order in the buffer: the inverse of phaseIndex. */
    private final int[] phaseAt;
    private final int phases;

    private PhaseSplit(ConvGeometry g) {
        this.g = g;
        this.hp = (g.inH() + 1) / 2;
        this.wp = (g.inW() + 1) / 2;
        int made = 0;
        for (int kh = 0; kh < g.kH(); kh++)
            for (int kw = 0; kw < g.kW(); kw++) {
                int phase = 2 * parity(kh * g.dilH() - g.padH()) + parity(kw * g.dilW() - g.padW());
                if (phaseIndex[phase] < 0) phaseIndex[phase] = made++;
            }
        this.phases = made;
        this.phaseAt = new int[made];
        for (int phase = 0; phase < 4; phase++) if (phaseIndex[phase] >= 0) phaseAt[phaseIndex[phase]] = phase;
    }

    /**
     * Whether g is read this way: a 2-d convolution of stride 2 in both directions whose output is exactly
     * {@code ⌈W/2⌉} wide ("same"-style padding: the stem, 3×3/2 with padding 1, 1×1/2 with none).
     */
    static boolean supports(ConvGeometry g) {
        return ImplicitPanels.supports(g) && g.strideH() == 2 && g.strideW() == 2 && g.outW() == (g.inW() + 1) / 2;
    }

    /** The split for g, which {@link #supports} must accept. */
    static PhaseSplit of(ConvGeometry g) {
        if (!supports(g)) throw new IllegalArgumentException("PhaseSplit: " + g + " is not a stride-2 convolution with an output ⌈W/2⌉ wide");
        return new PhaseSplit(g);
    }

    /**
     * Floats a buffer for {@link #split} of {@code images} images of {@code channels} channels needs: what it writes,
     * and a vector of slack so that the last row's masked stores stay inside the array.
     */
    int length(int images, int channels) {
        return images * channels * phases * hp * wp + L;
    }

    /** How {@link ImplicitPanels#packContiguous} reads a split of {@code channels} channels per image. */
    ImplicitPanels.Taps taps(int channels) {
        int kW = g.kW(), kVol = g.kH() * kW, plane = hp * wp;
        int[] offset = new int[kVol], rowShift = new int[kVol], colShift = new int[kVol];
        for (int tap = 0; tap < kVol; tap++) {
            int eh = tap / kW * g.dilH() - g.padH(), ew = tap % kW * g.dilW() - g.padW();
            rowShift[tap] = Math.floorDiv(eh, 2);
            colShift[tap] = Math.floorDiv(ew, 2);
            offset[tap] = phaseIndex[2 * parity(eh) + parity(ew)] * plane + rowShift[tap] * wp + colShift[tap];
        }
        return new ImplicitPanels.Taps(offset, rowShift, colShift, hp, wp, phases * plane, channels * phases * plane);
    }

    /**
     * Writes the phases of channels {@code [c0, c0 + channels)} of images {@code [n0, n0 + images)} of x
     * (N, C_in, H, W) into dst as (images, channels, phases, Hp, Wp).
     */
    void split(float[] x, int n0, int images, int c0, int channels, float[] dst) {
        split(x, n0, images, c0, channels, dst, 0);
    }

    /**
     * {@link #split(float[], int, int, int, int, float[])} into dst from {@code dstOff} on. The buffer is written in
     * increasing order — (image, channel), then each phase in its place, then row by row — so a row's last vector is
     * stored whole: the lanes past the row land on the next row (of this phase, the next one, or the next channel),
     * which is written after it; only the call's last row stores just its own lanes, and nothing past the call's
     * range is touched. A row of x is read once per phase made from it (from L1 the second time). Against one pass
     * per row of x with masked stores for the last vector of each phase row, the split of ResNet-50's 3×3/2 inputs
     * ran 1.2–2.1× as fast (rows of 14 to 56 floats; docs/PERF.md).
     */
    void split(float[] x, int n0, int images, int c0, int channels, float[] dst, int dstOff) {
        int inH = g.inH(), inW = g.inW(), plane = hp * wp;
        int end = dstOff + images * channels * phases * plane;             // the call's range
        for (int i = 0; i < images; i++)
            for (int c = 0; c < channels; c++) {
                int src = ((n0 + i) * g.cIn() + c0 + c) * g.inPlane();
                int out = dstOff + (i * channels + c) * phases * plane;
                for (int index = 0; index < phases; index++) {
                    int a = phaseAt[index] >> 1, b = phaseAt[index] & 1, d = out + index * plane;
                    for (int r = 0, ih = a; r < hp; r++, ih += 2) {
                        int o = d + r * wp;
                        if (ih >= inH) java.util.Arrays.fill(dst, o, o + wp, 0f);   // the row below an odd-height image
                        else splitRow(x, src + ih * inW, inW, b, dst, o, end);
                    }
                }
            }
    }

    /**
     * The columns of parity b of one input row to {@code dst[o, o + Wp)}: 2L floats read, one shuffle, L lanes
     * stored at a time, the last vector whole where its spill stays inside {@code [o, end)} (else only its lanes). A
     * window may run into the next row of x (those lanes are not wanted); one that would run past x's end is copied
     * by the scalar twin. Column W of an odd-width image (the odd phase's last) is zero.
     */
    private void splitRow(float[] x, int row, int inW, int b, float[] dst, int o, int end) {
        VectorShuffle<Float> parity = b == 0 ? EVEN : ODD;
        for (int s = 0; s < wp; s += L) {
            int n = Math.min(L, wp - s), from = row + 2 * s;
            if (from + 2 * L <= x.length) {
                FloatVector lo = FloatVector.fromArray(S, x, from), hi = FloatVector.fromArray(S, x, from + L);
                FloatVector v = lo.rearrange(parity, hi);
                if (n == L || o + s + L <= end) v.intoArray(dst, o + s);
                else v.intoArray(dst, o + s, LaneMask.of((1L << n) - 1));
            } else {
                for (int j = 0; j < n; j++) {
                    int col = 2 * (s + j) + b;
                    dst[o + s + j] = col < inW ? x[row + col] : 0f;
                }
            }
        }
        if (b == 1 && (inW & 1) == 1) dst[o + wp - 1] = 0f;                  // column W of an odd-width image
    }

    private static int parity(int e) {
        return e & 1;
    }
}
