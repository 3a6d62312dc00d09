package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The filter gradient of a 2-d convolution as dot products along the output plane:
 * <pre>
 *   gw[g·C_out/g + co, ci, kh, kw] = Σ_n Σ_{oh, ow} gy[n, g·C_out/g + co, oh, ow] · x[n, g·C_in/g + ci, oh·s − p + kh·d, ow·s − p + kw·d]
 * </pre>
 * ({@code torch.nn.grad.conv2d_weight}, <a href="https://pytorch.org/docs/stable/nn.html#torch-nn-grad">torch.nn.grad</a>;
 * {@link ConvKernels#backwardFilterScalar} is the definition). Both factors run contiguously along the output plane
 * when every tap reads consecutive input positions for consecutive outputs: x itself for stride-1 "same"
 * convolutions, its {@link PhaseSplit} phases for stride-2 ones (the reads {@link ImplicitPanels#packContiguous} makes,
 * described by {@link ImplicitPanels.Taps}). So a 4 × 4 tile of gw (4 output channels × 4 (ci, tap) pairs) is 16
 * vector accumulators fed by 4 loads of gy and 4 of x per block of L output positions, over every image and block,
 * then summed across lanes in a fixed order. No column matrix and no packing: im2col + GEMM
 * ({@link ConvGemm#backwardFilter}) writes the unfolded input, then packs it transposed, for a product whose other
 * factor has only C_out/g rows.
 *
 * <p>Both inputs are first copied channel-major, so that each row a tile reads is one stream over the images:
 * <pre>
 *   src  = zeros | x (C_in, B, H·W) or its phases (C_in, B, phases, ⌈H/2⌉, ⌈W/2⌉) | zeros
 *   rows = gy (C_out, B·P)
 * </pre>
 * The zeros around src make every block a plain vector load; the lanes whose input lies in the padding (or in the
 * next image) are then set to +0 by ANDing their bits with a lane mask per tap and block, precomputed as ints (−1 or
 * 0): a load and an AND, where a mask made from a long bit set and a blend took four more instructions per block of
 * x (docs/PERF.md). (Masked loads whose mask comes from a long ran 3–4× slower here, and choosing between two loads
 * per block made C2 box the vectors.) The copies cover chunks of
 * B images within {@value #BUDGET} floats; each chunk's lane sums are added to gw in chunk order.
 *
 * <p>Tiles are independent (each writes its own 16 entries of gw), so they are split over the threads and the result
 * does not depend on the thread count; tiles at the edge of C_out/g or K repeat their last row or column and keep
 * only the valid entries.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.conv2d(128, 16, 16, 8, 8, 3, 1, 1);
 * if (ConvFilterGradient.supports(g)) ConvFilterGradient.backwardFilter(g, x, gy, gw);   // gw (C_out, C_in/g, 3, 3)
 * }</pre>
 */
final class ConvFilterGradient {
    /** Output channels and (ci, tap) pairs per register tile. */
    static final int TILE = 4;
    /** Most floats the two channel-major copies of a chunk may take (16 MiB). */
    static final int BUDGET = 1 << 22;

    /** Per-thread scratch: src and rows, grown on demand and then reused. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private ConvFilterGradient() {}

    /**
     * Whether g can run here: a 2-d convolution, not depthwise, whose taps read contiguously (stride 1 with as wide
     * an input as output, or stride 2 through {@link PhaseSplit}), with a multiple of L outputs per plane (every block
     * of gy a full vector inside its plane).
     */
    static boolean supports(ConvGeometry g) {
        if (g.rank() != 2 || g.isDepthwise() || g.outPlane() % L != 0) return false;
        return ImplicitPanels.rowsContiguous(g) || PhaseSplit.supports(g);
    }

    /** {@code gw = ∂L/∂w} (C_out, C_in/g, kH, kW); g must be {@link #supports supported}; gw is overwritten. */
    static void backwardFilter(ConvGeometry g, float[] x, float[] gy, float[] gw) {
        int image = ImplicitPanels.rowsContiguous(g) ? g.inPlane() : PhaseSplit.of(g).taps(1).channelStride();
        long perImage = (long) g.cIn() * image + (long) g.cOut() * g.outPlane();
        backwardFilter(g, x, gy, gw, (int) Math.max(1, Math.min(g.n(), BUDGET / perImage)));
    }

    /** {@link #backwardFilter(ConvGeometry, float[], float[], float[])} over chunks of {@code chunk} images. */
    static void backwardFilter(ConvGeometry g, float[] x, float[] gy, float[] gw, int chunk) {
        int P = g.outPlane(), blocks = P / L, kVol = g.kernelVolume(), k = g.cInPerGroup() * kVol;
        boolean direct = ImplicitPanels.rowsContiguous(g);
        PhaseSplit split = direct ? null : PhaseSplit.of(g);
        ImplicitPanels.Taps taps = direct ? ImplicitPanels.Taps.direct(g) : split.taps(1);
        int image = taps.channelStride();                                  // one image of one channel in src
        int lo = 0, hi = 0;                                                 // reach of the taps around a position
        for (int o : taps.offset()) { lo = Math.min(lo, o); hi = Math.max(hi, o); }
        int front = -lo, back = hi + P + L;
        int[] inside = insideLanes(g, taps, blocks);                       // (kVol, blocks, L)
        int[] step = new int[blocks], next = new int[blocks];               // from block b: x's advance, next block
        for (int b = 0; b < blocks; b++) {
            step[b] = b + 1 < blocks ? L : image - (blocks - 1) * L;
            next[b] = b + 1 < blocks ? b + 1 : 0;
        }
        float[][] scratch = SCRATCH.get();
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
            int nb = Math.min(chunk, g.n() - n0), length = g.cIn() * nb * image;
            float[] src = grow(scratch, 0, front + length + back), rows = grow(scratch, 1, g.cOut() * nb * P);
            Arrays.fill(src, 0, front, 0f);
            Arrays.fill(src, front + length, front + length + back, 0f);
            for (int i = 0; i < nb; i++) {
                for (int c = 0; c < g.cIn(); c++) {
                    int to = front + (c * nb + i) * image;
                    if (direct) System.arraycopy(x, ((n0 + i) * g.cIn() + c) * g.inPlane(), src, to, image);
                    else split.split(x, n0 + i, 1, c, 1, src, to);
                }
                for (int c = 0; c < g.cOut(); c++)
                    System.arraycopy(gy, ((n0 + i) * g.cOut() + c) * P, rows, (c * nb + i) * P, P);
            }
            int[] offset = new int[k], maskRow = new int[k];                // per (ci, tap) of a group
            for (int i = 0; i < k; i++) {
                maskRow[i] = i % kVol * blocks;
                offset[i] = front + i / kVol * nb * image + taps.offset()[i % kVol];
            }
            Chunk c = new Chunk(nb, image, src, rows, inside, offset, maskRow, step, next, n0 > 0);
            int coTiles = (g.cOutPerGroup() + TILE - 1) / TILE, kTiles = (k + TILE - 1) / TILE, perGroup = coTiles * kTiles;
            CpuThreads.parallelFor(0, g.groups() * perGroup, 1, (t0, t1) -> {
                float[] acc = new float[TILE * TILE * L];                   // (4, 4, L)
                for (int t = t0; t < t1; t++) {
                    int gr = t / perGroup, r = t % perGroup;
                    tile(g, c, gw, gr, r / kTiles * TILE, r % kTiles * TILE, k, acc);
                }
            });
        }
    }

    /**
     * One chunk of nb images as the tiles read it: src and rows, the tap masks, each (ci, tap) pair's offset in src
     * and row of masks, the block-to-block advance, and whether gw already holds earlier chunks' sums.
     */
    private record Chunk(int nb, int image, float[] src, float[] rows, int[] inside, int[] offset, int[] maskRow,
                         int[] step, int[] next, boolean accumulate) {}

    private static float[] grow(float[][] scratch, int i, int size) {
        if (scratch[i].length < size) scratch[i] = new float[size];
        return scratch[i];
    }

    /**
     * {@code lanes[(tap·blocks + b)·L + l]} is −1 (all bits) where output {@code b·L + l} reads, for tap, a position
     * inside the input, else 0: ANDed with the loaded bits of x, the lanes outside read +0.
     */
    private static int[] insideLanes(ConvGeometry g, ImplicitPanels.Taps taps, int blocks) {
        int kVol = g.kernelVolume(), P = g.outPlane(), oW = g.outW();
        int[] lanes = new int[kVol * blocks * L];
        for (int tap = 0; tap < kVol; tap++)
            for (int p = 0; p < P; p++) {
                int ih = p / oW + taps.rowShift()[tap], iw = p % oW + taps.colShift()[tap];
                if (ih >= 0 && ih < taps.rows() && iw >= 0 && iw < taps.cols()) lanes[tap * blocks * L + p] = -1;
            }
        return lanes;
    }

    /** The bits of {@code x[at, at + L)} AND the lane masks at {@code lanes[m]}: x where the mask is −1, +0 where 0. */
    private static FloatVector masked(float[] x, int at, int[] lanes, int m) {
        return FloatVector.fromArray(S, x, at).reinterpretAsInts().and(IntVector.fromArray(I, lanes, m)).reinterpretAsFloats();
    }

    /**
     * The tile of output channels {@code [co0, co0 + 4)} and (ci, tap) pairs {@code [k0, k0 + 4)} of group gr over the
     * chunk: 16 accumulators in one flat loop over (image, block) (accumulators carried through nested loops, or
     * handed to a call C2 does not inline, were boxed), then spilled to acc and summed across lanes.
     */
    private static void tile(ConvGeometry g, Chunk c, float[] gw, int gr, int co0, int k0, int k, float[] acc) {
        int coutG = g.cOutPerGroup(), P = g.outPlane(), row = c.nb() * P;
        float[] src = c.src(), rows = c.rows();
        int[] inside = c.inside();
        int[] step = c.step(), next = c.next();
        int d0 = Math.min(co0, coutG - 1) * row, d1 = Math.min(co0 + 1, coutG - 1) * row;      // gy rows of the group;
        int d2 = Math.min(co0 + 2, coutG - 1) * row, d3 = Math.min(co0 + 3, coutG - 1) * row;  // edge tiles repeat
        int j0 = k0, j1 = Math.min(k0 + 1, k - 1), j2 = Math.min(k0 + 2, k - 1), j3 = Math.min(k0 + 3, k - 1);
        int o0 = c.offset()[j0], o1 = c.offset()[j1], o2 = c.offset()[j2], o3 = c.offset()[j3];
        int m0 = c.maskRow()[j0], m1 = c.maskRow()[j1], m2 = c.maskRow()[j2], m3 = c.maskRow()[j3];
        int gyAt = gr * coutG * row, xAt = gr * g.cInPerGroup() * c.nb() * c.image();        // image 0 of group gr
        FloatVector zero = FloatVector.zero(S);
        FloatVector a00 = zero, a01 = zero, a02 = zero, a03 = zero, a10 = zero, a11 = zero, a12 = zero, a13 = zero;
        FloatVector a20 = zero, a21 = zero, a22 = zero, a23 = zero, a30 = zero, a31 = zero, a32 = zero, a33 = zero;
        for (int it = 0, total = c.nb() * (P / L), b = 0; it < total; it++) {
            FloatVector y0 = FloatVector.fromArray(S, rows, gyAt + d0), y1 = FloatVector.fromArray(S, rows, gyAt + d1);
            FloatVector y2 = FloatVector.fromArray(S, rows, gyAt + d2), y3 = FloatVector.fromArray(S, rows, gyAt + d3);
            FloatVector v = masked(src, xAt + o0, inside, (m0 + b) * L);
            a00 = y0.fma(v, a00); a10 = y1.fma(v, a10); a20 = y2.fma(v, a20); a30 = y3.fma(v, a30);
            v = masked(src, xAt + o1, inside, (m1 + b) * L);
            a01 = y0.fma(v, a01); a11 = y1.fma(v, a11); a21 = y2.fma(v, a21); a31 = y3.fma(v, a31);
            v = masked(src, xAt + o2, inside, (m2 + b) * L);
            a02 = y0.fma(v, a02); a12 = y1.fma(v, a12); a22 = y2.fma(v, a22); a32 = y3.fma(v, a32);
            v = masked(src, xAt + o3, inside, (m3 + b) * L);
            a03 = y0.fma(v, a03); a13 = y1.fma(v, a13); a23 = y2.fma(v, a23); a33 = y3.fma(v, a33);
            gyAt += L;                                                    // gy rows run on through the images
            xAt += step[b];                                               // the next block, or the next image's first
            b = next[b];
        }
        a00.intoArray(acc, 0);       a01.intoArray(acc, L);       a02.intoArray(acc, 2 * L);  a03.intoArray(acc, 3 * L);
        a10.intoArray(acc, 4 * L);   a11.intoArray(acc, 5 * L);   a12.intoArray(acc, 6 * L);  a13.intoArray(acc, 7 * L);
        a20.intoArray(acc, 8 * L);   a21.intoArray(acc, 9 * L);   a22.intoArray(acc, 10 * L); a23.intoArray(acc, 11 * L);
        a30.intoArray(acc, 12 * L);  a31.intoArray(acc, 13 * L);  a32.intoArray(acc, 14 * L); a33.intoArray(acc, 15 * L);
        store(acc, gw, gr * coutG * k, co0, k0, coutG, k, c.accumulate());
    }

    /**
     * {@code gw[co0 + i, k0 + j] (+)= Σ lanes of acc[(4i + j)·L, …)} for the tile's entries inside (C_out/g, K) of
     * the group at {@code out}, the lanes added in order in scalar code ({@link Simd#sumLanes}'s shuffles, called
     * here 16 times a tile, took more of a training step than the tiles' loops).
     */
    private static void store(float[] acc, float[] gw, int out, int co0, int k0, int coutG, int k, boolean add) {
        for (int i = 0; i < TILE && co0 + i < coutG; i++)
            for (int j = 0; j < TILE && k0 + j < k; j++) {
                int at = out + (co0 + i) * k + k0 + j, from = (TILE * i + j) * L;
                float s = 0f;
                for (int l = 0; l < L; l++) s += acc[from + l];
                gw[at] = add ? gw[at] + s : s;
            }
    }
}
