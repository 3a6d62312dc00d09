package dev.saccade.kernels.cpu;

import static dev.saccade.kernels.cpu.GemmMicroKernel.L;
import static dev.saccade.kernels.cpu.GemmMicroKernel.MR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.NR;
import static dev.saccade.kernels.cpu.GemmMicroKernel.S;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;

/**
 * A full {@code MR × NR} tile of {@link ConvFused}'s GEMM whose NR columns are consecutive positions of one image,
 * so that row r of the tile is {@code y[yOff + r·ldy … + NR)}: {@link GemmMicroKernel#accumulate}, then the
 * epilogue in one tight loop over the rows of the L1-resident accumulator tile — added to y for a KC block after
 * the first, and with the bias, the residual and the activation for the last (MLAS's SGEMM kernels apply
 * {@code beta} and {@code MlasConvPostProcess} per tile; oneDNN's brgemm applies post-ops from the accumulators).
 * Tiles that straddle images or are partial take {@link ConvEpilogue#store}, which splits every row into runs; the
 * two give the same floats (same accumulation, and bias, y, residual added in the same order).
 */
final class ConvTileKernel {
    private static final FloatVector ZERO = FloatVector.zero(S);
    private static final FloatVector SIX = FloatVector.broadcast(S, 6f);

    private ConvTileKernel() {}

    /**
     * @param acc      (MR, NR) scratch for the accumulators
     * @param ap       packed A micro-panel (kc, MR) at aOff
     * @param bp       packed B micro-panel (kc, NR) at bOff
     * @param y        output; row r of the tile at {@code yOff + r·ldy}, NR floats
     * @param first    the first KC block: y is overwritten, never read
     * @param last     the last KC block: bias (at biasOff, or none when null), residual (same offsets as y, or
     *                 none when null) and act are applied
     */
    static void tile(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc, float[] y, int yOff, int ldy,
                     boolean first, boolean last, float[] bias, int biasOff, float[] residual, ConvActivation act) {
        GemmMicroKernel.accumulate(kc, ap, aOff, bp, bOff, acc);         // (MR, NR), stays in L1
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
            if (relu) {
                v0 = v0.max(ZERO);
                v1 = v1.max(ZERO);
                if (six) {
                    v0 = v0.min(SIX);
                    v1 = v1.min(SIX);
                }
            }
            v0.intoArray(y, o);
            v1.intoArray(y, o + L);
        }
    }
}
