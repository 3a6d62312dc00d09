package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * A full {@code MR × NR} tile of {@link ConvFused}'s GEMM and its store: {@link GemmMicroKernel#accumulate}, then the
 * epilogue over the rows of the L1-resident accumulator tile — added to y for a KC block after the first, and with
 * the bias, the residual and the activation for the last (MLAS's SGEMM kernels apply {@code beta} and
 * {@code MlasConvPostProcess} per tile; oneDNN's brgemm applies post-ops from the accumulators). The tile's columns
 * come in segments of consecutive positions of one image: one segment, all lanes, is the common case (plain vector
 * loads and stores, rows one plane apart); tiles that straddle images (planes of 7², 14²) or end short add the bias
 * over the whole tile, then store each segment's run of lanes row by row, whole vectors and then lane by lane, with no
 * masks ({@link #storeRun}). Partial tiles (fewer than MR output channels) take {@link ConvEpilogue#store};
 * both give the same floats (same accumulation, and bias, y, residual added in the same order).
 */
final class ConvTileKernel {
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private ConvTileKernel() {}

    /**
     * @param acc      (MR, NR) scratch for the accumulators
     * @param ap       packed A micro-panel (kc, MR) at aOff
     * @param bp       packed B micro-panel (kc, NR) at bOff
     * @param y        output: lane t of segment s, row r of the tile is {@code y[offset[s] + rowBase + r·ldy + t]}
     * @param lanes    the lanes of each segment (bit t for lane t); lanes of no segment are not stored
     * @param first    the first KC block: y is overwritten, never read
     * @param last     the last KC block: bias (at biasOff, or none when null), residual (same offsets as y, or
     *                 none when null) and act are applied
     */
    static void tile(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc, float[] y, int rowBase, int ldy,
                     int[] offset, long[] lanes, int segments,
                     boolean first, boolean last, float[] bias, int biasOff, float[] residual, ConvActivation act) {
        GemmMicroKernel.accumulate(kc, ap, aOff, bp, bOff, acc);         // (MR, NR), stays in L1
        store(acc, y, rowBase, ldy, offset, lanes, 0, segments, first, last, bias, biasOff, residual, act);
    }

    /**
     * {@link #tile}'s store of an accumulated tile: acc (MR, NR) written to y as {@link #tile} describes, its
     * segments at {@code [from, from + segments)} of offset and lanes, for kernels that accumulate the tile
     * themselves ({@link PolyphaseDirectConv}).
     */
    static void store(float[] acc, float[] y, int rowBase, int ldy, int[] offset, long[] lanes, int from, int segments,
                      boolean first, boolean last, float[] bias, int biasOff, float[] residual, ConvActivation act) {
        if (segments == 1 && lanes[from] == FULL) {
            contiguous(acc, y, offset[from] + rowBase, ldy, first, last, bias, biasOff, residual, act);
            return;
        }
        if (last) {                                   // the bias over the whole tile, whole vectors
            for (int r = 0; r < MR; r++) {
                FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + r]);
                for (int h = 0; h < NR; h += L) FloatVector.fromArray(S, acc, r * NR + h).add(b).intoArray(acc, r * NR + h);
            }
        }
        boolean relu = last && act != ConvActivation.NONE, six = act == ConvActivation.RELU6;
        float[] res = last ? residual : null;
        for (int sg = from; sg < from + segments; sg++) {      // then each image's run of lanes, row by row
            long bits = lanes[sg];
            int t0 = Long.numberOfTrailingZeros(bits), len = Long.bitCount(bits);
            for (int r = 0; r < MR; r++) storeRun(acc, r * NR + t0, y, offset[sg] + rowBase + r * ldy + t0, len, first, res, relu, six);
        }
    }

    /**
     * {@code y[d + j] = act(acc[a + j] (+ y[d + j]) (+ residual[d + j]))} for j &lt; len, in that order: whole vectors
     * inside the run, then lane by lane (the same operations; {@code max} and {@code min} are Math's): no masks,
     * nothing read or written past the run.
     */
    private static void storeRun(float[] acc, int a, float[] y, int d, int len, boolean first, float[] residual,
                                 boolean relu, boolean six) {
        int j = 0;
        for (; j + L <= len; j += L) {
            FloatVector v = FloatVector.fromArray(S, acc, a + j);
            if (!first) v = v.add(FloatVector.fromArray(S, y, d + j));
            if (residual != null) v = v.add(FloatVector.fromArray(S, residual, d + j));
            if (relu) v = six ? VectorActivation.relu6(v) : VectorActivation.relu(v);
            v.intoArray(y, d + j);
        }
        for (; j < len; j++) {
            float v = acc[a + j];
            if (!first) v += y[d + j];
            if (residual != null) v += residual[d + j];
            if (relu) v = six ? Math.min(Math.max(v, 0f), 6f) : Math.max(v, 0f);
            y[d + j] = v;
        }
    }

    private static final long HALF = (1L << L) - 1, FULL = (1L << NR) - 1;

    /**
     * {@link #tile} whose last KC block writes {@code gate·(σ(v) + 1)} for v = acc + bias (+ y), the gate input at
     * y's offsets ({@link ConvFused#forwardGated}); earlier blocks are {@link #tile}'s. Kept apart from {@link #tile}
     * so that the plain epilogue's code stays as small as it was; v goes back into the L1-resident acc and
     * {@link #gateSegment} (no vectors cross that call) applies the gate. A tile that straddles images in the only KC
     * block (M2A's conv_up, K = C/8) takes σ over all of acc with whole vectors first, so each image's run needs no
     * masks ({@link #gateRun}).
     */
    static void tileGated(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc, float[] y, int rowBase, int ldy,
                          int[] offset, long[] lanes, int segments, boolean first, boolean last, float[] bias, int biasOff,
                          float[] gate) {
        if (!last) {
            tile(kc, ap, aOff, bp, bOff, acc, y, rowBase, ldy, offset, lanes, segments, first, false, bias, biasOff, null,
                    ConvActivation.NONE);
            return;
        }
        GemmMicroKernel.accumulate(kc, ap, aOff, bp, bOff, acc);         // (MR, NR), stays in L1
        if (bias != null) {
            for (int r = 0; r < MR; r++) {
                FloatVector b = FloatVector.broadcast(S, bias[biasOff + r]);
                for (int h = 0; h < NR; h += L) FloatVector.fromArray(S, acc, r * NR + h).add(b).intoArray(acc, r * NR + h);
            }
        }
        if (segments == 1 && lanes[0] == FULL) {
            gateRows(acc, gate, y, offset[0] + rowBase, ldy, first);
            return;
        }
        if (first) {                                  // one KC block (M2A's conv_up): σ over the whole tile, then runs
            for (int i = 0; i < MR * NR; i += L) VectorExp.sigmoid(FloatVector.fromArray(S, acc, i)).intoArray(acc, i);
            for (int sg = 0; sg < segments; sg++) {
                long bits = lanes[sg];
                int t0 = Long.numberOfTrailingZeros(bits), len = Long.bitCount(bits);
                for (int r = 0; r < MR; r++) gateRun(acc, r * NR + t0, gate, y, offset[sg] + rowBase + r * ldy + t0, len);
            }
            return;
        }
        for (int sg = 0; sg < segments; sg++) {
            long bits = lanes[sg];
            int t0 = Long.numberOfTrailingZeros(bits), len = Long.bitCount(bits);
            for (int r = 0; r < MR; r++) gateSegment(acc, r * NR + t0, gate, y, offset[sg] + rowBase + r * ldy + t0, len, first);
        }
    }

    /**
     * The gate of a tile whose lanes are all one image's consecutive positions (row r at {@code yOff + r·ldy}):
     * {@link #gateLanes}'s arithmetic with plain vector loads and stores: no masks and no call per vector.
     */
    private static void gateRows(float[] acc, float[] gate, float[] y, int yOff, int ldy, boolean first) {
        if (first) {
            for (int r = 0, o = yOff; r < MR; r++, o += ldy) {
                for (int h = 0; h < NR; h += L) {
                    FloatVector v = FloatVector.fromArray(S, acc, r * NR + h);
                    FloatVector.fromArray(S, gate, o + h).mul(VectorExp.sigmoid(v).add(ONE)).intoArray(y, o + h);
                }
            }
            return;
        }
        for (int r = 0, o = yOff; r < MR; r++, o += ldy) {
            for (int h = 0; h < NR; h += L) {
                FloatVector v = FloatVector.fromArray(S, acc, r * NR + h).add(FloatVector.fromArray(S, y, o + h));
                FloatVector.fromArray(S, gate, o + h).mul(VectorExp.sigmoid(v).add(ONE)).intoArray(y, o + h);
            }
        }
    }

    /**
     * {@code y[d + j] = gate[d + j]·(s[j] + 1)} for j &lt; len, s = {@code acc[a + j]} already σ(v): whole vectors
     * inside the run, then lane by lane (the same two operations): no masks, nothing read past the run.
     */
    private static void gateRun(float[] acc, int a, float[] gate, float[] y, int d, int len) {
        int j = 0;
        for (; j + L <= len; j += L) {
            FloatVector.fromArray(S, gate, d + j).mul(FloatVector.fromArray(S, acc, a + j).add(ONE)).intoArray(y, d + j);
        }
        for (; j < len; j++) y[d + j] = gate[d + j] * (acc[a + j] + 1f);
    }

    /**
     * {@code y[d + j] = gate[d + j]·(σ(v) + 1)}, v = {@code acc[a + j]} (+ {@code y[d + j]} unless first), for
     * j &lt; len: the arithmetic of {@link CpuSigmoidGate}, a vector (or its first lanes) at a time through
     * {@link #gateLanes}; a vector that would reach past an array's end takes the scalar twin (same operations).
     */
    private static void gateSegment(float[] acc, int a, float[] gate, float[] y, int d, int len, boolean first) {
        for (int j = 0; j < len; j += L) {
            int n = Math.min(L, len - j);
            long lanes = n == L ? HALF : (1L << n) - 1;
            if (a + j + L <= acc.length && d + j + L <= y.length && d + j + L <= gate.length) {
                if (n < L) gateLanes(acc, a + j, gate, y, d + j, lanes, first ? 0L : lanes);
                else if (first) gateVector(acc, a + j, gate, y, d + j);
                else gateVectorAdding(acc, a + j, gate, y, d + j);
            } else {
                for (int i = 0; i < n; i++) {
                    float v = acc[a + j + i] + (first ? 0f : y[d + j + i]);
                    y[d + j + i] = gate[d + j + i] * (VectorExp.sigmoid(v) + 1f);
                }
            }
        }
    }

    /** One whole vector of {@link #gateSegment} in the first KC block: plain loads and stores. */
    private static void gateVector(float[] acc, int a, float[] gate, float[] y, int d) {
        FloatVector v = FloatVector.fromArray(S, acc, a);
        FloatVector.fromArray(S, gate, d).mul(VectorExp.sigmoid(v).add(ONE)).intoArray(y, d);
    }

    /** One whole vector of {@link #gateSegment} after the first KC block (y added): plain loads and stores. */
    private static void gateVectorAdding(float[] acc, int a, float[] gate, float[] y, int d) {
        FloatVector v = FloatVector.fromArray(S, acc, a).add(FloatVector.fromArray(S, y, d));
        FloatVector.fromArray(S, gate, d).mul(VectorExp.sigmoid(v).add(ONE)).intoArray(y, d);
    }

    /**
     * One vector of {@link #gateSegment} on the lanes set in {@code lanes}, y added on {@code yLanes} (none for the
     * first KC block). Scalars in, stores out, no vector chosen between two: C2 compiles it whole (a vector that
     * crosses a call C2 did not inline, or merges two paths, is boxed on the heap).
     */
    private static void gateLanes(float[] acc, int a, float[] gate, float[] y, int d, long lanes, long yLanes) {
        VectorMask<Float> m = LaneMask.of(lanes);
        FloatVector v = FloatVector.fromArray(S, acc, a, m).add(FloatVector.fromArray(S, y, d, LaneMask.of(yLanes)));
        FloatVector.fromArray(S, gate, d, m).mul(VectorExp.sigmoid(v).add(ONE)).intoArray(y, d, m);
    }

    /** The epilogue of a tile whose lanes are all one image's consecutive positions: row r at {@code yOff + r·ldy}. */
    private static void contiguous(float[] acc, float[] y, int yOff, int ldy, boolean first, boolean last,
                                   float[] bias, int biasOff, float[] residual, ConvActivation act) {
        if (!last) {
            for (int r = 0, o = yOff; r < MR; r++, o += ldy) {
                FloatVector v0 = FloatVector.fromArray(S, acc, r * NR), v1 = FloatVector.fromArray(S, acc, r * NR + L);
                if (!first) {
                    v0 = v0.add(FloatVector.fromArray(S, y, o));
                    v1 = v1.add(FloatVector.fromArray(S, y, o + L));
                }
                v0.intoArray(y, o);
                v1.intoArray(y, o + L);
            }
            return;
        }
        boolean relu = act != ConvActivation.NONE, six = act == ConvActivation.RELU6;
        for (int r = 0, o = yOff; r < MR; r++, o += ldy) {
            FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + r]);
            FloatVector v0 = FloatVector.fromArray(S, acc, r * NR).add(b), v1 = FloatVector.fromArray(S, acc, r * NR + L).add(b);
            if (!first) {
                v0 = v0.add(FloatVector.fromArray(S, y, o));
                v1 = v1.add(FloatVector.fromArray(S, y, o + L));
            }
            if (residual != null) {
                v0 = v0.add(FloatVector.fromArray(S, residual, o));
                v1 = v1.add(FloatVector.fromArray(S, residual, o + L));
            }
            if (six) {
                v0 = VectorActivation.relu6(v0);
                v1 = VectorActivation.relu6(v1);
            } else if (relu) {
                v0 = VectorActivation.relu(v0);
                v1 = VectorActivation.relu(v1);
            }
            v0.intoArray(y, o);
            v1.intoArray(y, o + L);
        }
    }
}
