package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Same inputs, same bits, on every call: the horizontal sums inside the SIMD kernels must not depend on whether the
 * JIT has compiled them yet. {@code FloatVector.reduceLanes(ADD)} does (its order "may even vary over time": the
 * interpreter adds lanes sequentially, C2 does not), which made training differ by an ulp from run to run. The
 * loops below run long enough for C2 to compile the kernels and compare every call bit for bit with the scalar
 * twin that fixes the order.
 */
class DeterministicReductionTest {
    private static final int CALLS = 3000;

    @Test
    void sumLanesHasOneFixedOrderInterpretedAndCompiled() {
        SplittableRandom rng = new SplittableRandom(11);
        int lanes = Simd.F.length();
        float[] x = new float[lanes * 64];                              // 64 vectors of L lanes
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(5)));
        float[] expected = new float[64];
        for (int v = 0; v < 64; v++) expected[v] = Simd.sumLanesScalar(java.util.Arrays.copyOfRange(x, v * lanes, (v + 1) * lanes));
        for (int call = 0; call < CALLS; call++) {
            for (int v = 0; v < 64; v++) {
                float got = Simd.sumLanes(FloatVector.fromArray(Simd.F, x, v * lanes));
                assertEquals(Float.floatToRawIntBits(expected[v]), Float.floatToRawIntBits(got),
                        "call " + call + ", vector " + v + ": " + got + " vs " + expected[v]);
            }
        }
    }

    @Test
    void smallGemmWithTransposedBIsBitIdenticalToItsTwinOnEveryCall() {
        // (6, 64) · (27, 64)ᵀ: the shape of a 3×3 conv's filter gradient (C_out 6, K = 3·3·3, P = 8·8), small path
        int m = 6, n = 27, k = 64 + 5;                                   // + 5: a scalar tail after the vector loop
        SplittableRandom rng = new SplittableRandom(7);
        float[] a = new float[m * k], b = new float[n * k];              // A (M, K), B stored (N, K)
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        float[] expected = new float[m * n];                             // (M, N)
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) expected[i * n + j] = GemmSmall.dotScalar(a, i * k, b, j * k, k);
        float[] c = new float[m * n];
        for (int call = 0; call < CALLS; call++) {
            Sgemm.gemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
            for (int e = 0; e < c.length; e++) {
                assertEquals(Float.floatToRawIntBits(expected[e]), Float.floatToRawIntBits(c[e]),
                        "call " + call + ", C[" + e / n + ", " + e % n + "]: " + c[e] + " vs " + expected[e]);
            }
        }
    }
}
