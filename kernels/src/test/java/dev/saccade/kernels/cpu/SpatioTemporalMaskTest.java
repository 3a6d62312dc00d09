package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.SpatioTemporalMask;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * W3's spatio-temporal mask as one op against the composed ops (the k×k convolution, the sigmoid, the permute, the
 * two 3×3×3 convolutions with the ReLU, the sigmoid, the permute back): the Vector API kernel on one thread and two,
 * and with SIMD off the backend's composed default; planes narrower and wider than a vector with tails, planes
 * smaller than the kernel, k ∈ {3, 7}, T ∈ {1, 3, 8, 16}, one clip and two, a view with an offset. A hand-computed
 * case pins the taps' directions in time and the zero border between clips.
 */
class SpatioTemporalMaskTest {
    private final SplittableRandom rng = new SplittableRandom(53);

    @AfterEach void restore() { Simd.setEnabled(true); }

    /** (H, W): one pixel, planes below the kernel, rows with tails, a row of exactly a vector, two vectors and a tail. */
    private static final int[][] PLANES = {{1, 1}, {2, 3}, {5, 7}, {4, 17}, {9, 16}, {3, 33}, {7, 7}};

    private void check(String what, Tensor pooled, Tensor kernel, Tensor k0, Tensor k2, int frames) {
        Tensor want = SpatioTemporalMask.composed(pooled, kernel, k0, k2, frames);
        for (int threads : new int[] {1, 2}) {
            for (boolean simd : new boolean[] {true, false}) {
                Simd.setEnabled(simd);
                try (var noGrad = GradMode.disable(); var limit = CpuThreads.limit(threads)) {
                    Tensor got = SpatioTemporalMask.inference(pooled, kernel, k0, k2, frames);
                    assertEquals(want.shape(), got.shape(), what + ": the mask's shape");
                    assertTrue(got.isContiguous(), what + ": contiguous");
                    assertClose(what + " (" + threads + " threads, simd " + simd + ")", want.toDoubleArray(), got.toDoubleArray(), 1e-6, 1e-6);
                }
            }
        }
        Simd.setEnabled(true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 16})
    void everyShapeMatchesTheComposedOps(int frames) {
        for (int clips : new int[] {1, 2}) {
            for (int[] p : PLANES) {
                Tensor pooled = Tensor.uniform(rng, -3, 3, clips * frames, 2, p[0], p[1]);
                Tensor k0 = Tensor.uniform(rng, -0.6, 0.6, 1, 1, 3, 3, 3), k2 = Tensor.uniform(rng, -0.6, 0.6, 1, 1, 3, 3, 3);
                for (int k : new int[] {3, 7}) {
                    check("T=" + frames + " clips=" + clips + " k=" + k + " " + pooled.shape(), pooled,
                            Tensor.uniform(rng, -0.5, 0.5, 1, 2, k, k), k0, k2, frames);
                }
            }
        }
    }

    /** The op reads its maps through a view: frames 1 … 8 of a longer tensor (an offset into the storage). */
    @Test void readsAViewWithAnOffset() {
        Tensor all = Tensor.uniform(rng, -3, 3, 10, 2, 6, 19);
        Tensor view = all.narrow(0, 1, 8);
        check("a view at frame 1", view, Tensor.uniform(rng, -0.5, 0.5, 1, 2, 7, 7),
                Tensor.uniform(rng, -0.6, 0.6, 1, 1, 3, 3, 3), Tensor.uniform(rng, -0.6, 0.6, 1, 1, 3, 3, 3), 4);
    }

    /**
     * 1×1 planes, two clips of T = 3, m = σ(mean) (the frame kernel's only tap is the mean's centre). k0 reading the
     * previous frame and k2 the same one (×2): M_s[t] = σ(2·relu(m[t−1])), σ(0) at a clip's first frame — never the
     * other clip's last; k0 the same frame and k2 the next: M_s[t] = σ(2·relu(m[t+1])), σ(0) at a clip's last frame.
     */
    @Test void theTemporalTapsReadThePreviousAndNextFrameOfTheSameClip() {
        float[] means = {0.5f, -1f, 2f, 1f, 3f, -2f};
        float[] pooled = new float[12];
        for (int f = 0; f < 6; f++) { pooled[2 * f] = means[f]; pooled[2 * f + 1] = 9f; }
        float[] kernel = new float[18];
        kernel[4] = 1f;                                                   // the mean's centre tap; the max's taps are 0
        Tensor p = Tensor.of(pooled, 6, 2, 1, 1), kk = Tensor.of(kernel, 1, 2, 3, 3);
        for (boolean previous : new boolean[] {true, false}) {
            float[] k0 = new float[27], k2 = new float[27], want = new float[6];
            k0[(previous ? 0 : 1) * 9 + 4] = 1f;                          // (kt, centre): frame t − 1 or t
            k2[(previous ? 1 : 2) * 9 + 4] = 2f;                          // frame t or t + 1
            for (int f = 0; f < 6; f++) {
                int t = f % 3, from = previous ? t - 1 : t + 1;           // the frame of this clip M_s[t] depends on
                double m = from >= 0 && from < 3 ? sigmoid(means[f - t + from]) : 0;
                want[f] = (float) sigmoid(2 * Math.max(m, 0));
            }
            Tensor t0 = Tensor.of(k0, 1, 1, 3, 3, 3), t2 = Tensor.of(k2, 1, 1, 3, 3, 3);
            try (var noGrad = GradMode.disable()) {
                assertArrayEquals(want, SpatioTemporalMask.composed(p, kk, t0, t2, 3).toFloatArray(), 1e-6f, "the composed reference, previous " + previous);
                assertArrayEquals(want, SpatioTemporalMask.inference(p, kk, t0, t2, 3).toFloatArray(), 1e-6f, "the kernel, previous " + previous);
            }
        }
    }

    private static double sigmoid(double z) { return 1 / (1 + Math.exp(-z)); }

    @Test void refusesWhatIsNotAMasksInput() {
        Tensor pooled = Tensor.zeros(8, 2, 5, 5), kernel = Tensor.zeros(1, 2, 7, 7), k = Tensor.zeros(1, 1, 3, 3, 3);
        assertThrows(IllegalStateException.class, () -> SpatioTemporalMask.inference(pooled, kernel, k, k, 8), "gradients on");
        try (var noGrad = GradMode.disable()) {
            assertThrows(ShapeException.class, () -> SpatioTemporalMask.inference(Tensor.zeros(8, 3, 5, 5), kernel, k, k, 8), "three maps");
            assertThrows(ShapeException.class, () -> SpatioTemporalMask.inference(pooled, kernel, k, k, 3), "8 frames in clips of 3");
            assertThrows(ShapeException.class, () -> SpatioTemporalMask.inference(pooled, Tensor.zeros(1, 2, 6, 6), k, k, 8), "even kernel");
            assertThrows(ShapeException.class, () -> SpatioTemporalMask.inference(pooled, kernel, Tensor.zeros(1, 1, 3, 3), k, 8), "2-d k0");
            assertThrows(ShapeException.class, () -> SpatioTemporalMask.inference(pooled, kernel, k, Tensor.zeros(1, 1, 3, 3, 5), 8), "k2 of 3×3×5");
            assertThrows(ShapeException.class, () -> SpatioTemporalMask.inference(pooled, kernel.to(DType.F64), k, k, 8), "F64 kernel");
        }
    }
}
