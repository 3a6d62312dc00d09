package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * A full {@code MR × NR} tile of {@link ConvFused#forwardPooled}'s GEMM: earlier KC blocks are
 * {@link ConvTileKernel#tile}'s; the last one stores {@code v = acc + bias (+ y)} as {@link ConvTileKernel#tile}
 * stores it (the same floats) and, from the same registers, adds v to the L-lane sum and max of its (image, channel)
 * in a {@link TilePool}: the spatial avg/max descriptors of CBAM (Woo et al., ECCV 2018, Eq. 2) and W3 (Pérez-Rúa et
 * al., ECCV 2020, Eq. 3) without reading y back (a 512-bit load of a value just stored waits for the store on some
 * cores). The max is a compare and a blend, as {@link TilePool}'s.
 */
final class PooledTileKernel {
    private static final long HALF = (1L << L) - 1, FULL = (1L << NR) - 1;
    private static final FloatVector ZERO = FloatVector.zero(S);

    private PooledTileKernel() {}

    /**
     * {@link ConvTileKernel#tile}'s arguments without residual and activation, and the pool's arrays.
     *
     * @param sums  the pool's L-lane sums (image, C_out, L)
     * @param maxes the pool's L-lane maxes (image, C_out, L)
     * @param at    per segment, the index in sums and maxes of the tile's first row ({@link TilePool#bases})
     */
    static void tile(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc, float[] y, int rowBase, int ldy,
                     int[] offset, long[] lanes, int segments, boolean first, boolean last, float[] bias, int biasOff,
                     float[] sums, float[] maxes, int[] at) {
        if (!last) {
            ConvTileKernel.tile(kc, ap, aOff, bp, bOff, acc, y, rowBase, ldy, offset, lanes, segments, first, false,
                    bias, biasOff, null, ConvActivation.NONE);
            return;
        }
        GemmMicroKernel.accumulate(kc, ap, aOff, bp, bOff, acc);         // (MR, NR), stays in L1
        if (segments == 1 && lanes[0] == FULL) {
            contiguous(acc, y, offset[0] + rowBase, ldy, first, bias, biasOff, sums, maxes, at[0]);
            return;
        }
        for (int r = 0; r < MR; r++) {
            FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + r]);
            for (int h = 0; h < NR; h += L) {
                FloatVector sum = FloatVector.fromArray(S, acc, r * NR + h).add(b);
                for (int sg = 0; sg < segments; sg++) {
                    long bits = lanes[sg] >>> h & HALF;
                    if (bits == 0) continue;
                    VectorMask<Float> m = LaneMask.of(bits);
                    int o = offset[sg] + rowBase + r * ldy + h, p = at[sg] + r * L;
                    FloatVector v = first ? sum : sum.add(FloatVector.fromArray(S, y, o, m));
                    v.intoArray(y, o, m);
                    FloatVector.fromArray(S, sums, p).add(ZERO.blend(v, m)).intoArray(sums, p);
                    FloatVector mx = FloatVector.fromArray(S, maxes, p);
                    mx.blend(v, mx.lt(v).and(m)).intoArray(maxes, p);
                }
            }
        }
    }

    /** The last block of a tile whose lanes are one image's consecutive positions: row r at {@code yOff + r·ldy}. */
    private static void contiguous(float[] acc, float[] y, int yOff, int ldy, boolean first, float[] bias, int biasOff,
                                   float[] sums, float[] maxes, int at) {
        for (int r = 0, o = yOff, p = at; r < MR; r++, o += ldy, p += L) {
            FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + r]);
            FloatVector v0 = FloatVector.fromArray(S, acc, r * NR).add(b), v1 = FloatVector.fromArray(S, acc, r * NR + L).add(b);
            if (!first) {
                v0 = v0.add(FloatVector.fromArray(S, y, o));
                v1 = v1.add(FloatVector.fromArray(S, y, o + L));
            }
            v0.intoArray(y, o);
            v1.intoArray(y, o + L);
            FloatVector.fromArray(S, sums, p).add(v0.add(v1)).intoArray(sums, p);
            FloatVector m01 = v0.blend(v1, v0.lt(v1)), mx = FloatVector.fromArray(S, maxes, p);
            mx.blend(m01, mx.lt(m01)).intoArray(maxes, p);
        }
    }
}
