package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.MotionAttention;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuMotionAttention}, M2A's {@code softmax(m mᵀ/√E) m + y} in one kernel, against
 * {@link MotionAttention#composed} (layer norm, frame difference, matmul, softmax, matmul, add) evaluated in double:
 * T ∈ {1, 3, 8, 16}, E below one vector, not a multiple of the vector, and long enough to be split over the threads
 * and to flush its float partial scores more than once; two clips; a strided view as input; values off zero so the
 * variance is not the mean square.
 */
class MotionAttentionKernelTest {

    @ParameterizedTest(name = "T={0} clips={1} r={2} H={3} W={4}")
    @CsvSource({"1, 2, 3, 2, 5", "3, 2, 2, 3, 3", "8, 1, 4, 7, 9", "8, 2, 32, 14, 14", "16, 1, 5, 11, 13", "8, 1, 8, 56, 56",
            "3, 3, 1, 1, 7"})
    void matchesTheComposedOpsInDouble(int frames, int clips, int r, int h, int w) {
        SplittableRandom rng = new SplittableRandom(frames * 31L + r);
        Tensor y = Tensor.uniform(rng, -1, 1, clips * frames, r, h, w).mul(2.5).add(0.75);   // (N·T, r, H, W), off zero
        Tensor expected = MotionAttention.composed(y.to(DType.F64), frames, 1e-5);
        Tensor fused;
        try (var noGrad = GradMode.disable()) { fused = MotionAttention.inference(y, frames, 1e-5); }
        assertClose("T=" + frames + " " + y.shape(), expected.toDoubleArray(), fused.toDoubleArray(), 2e-5, 2e-5);
    }

    @Test
    void readsAStridedViewAsItsValues() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor wide = Tensor.uniform(rng, -1, 1, 8, 6, 5, 7);
        Tensor view = wide.narrow(1, 1, 4);                                    // (8, 4, 5, 7), not contiguous
        try (var noGrad = GradMode.disable()) {
            Tensor fused = MotionAttention.inference(view, 4, 1e-5);
            Tensor expected = MotionAttention.composed(view.contiguous().to(DType.F64), 4, 1e-5);
            assertClose("view", expected.toDoubleArray(), fused.toDoubleArray(), 2e-5, 2e-5);
        }
    }

    @Test
    void anEmptyBatchGivesAnEmptyOutput() {
        try (var noGrad = GradMode.disable()) {
            Tensor out = MotionAttention.inference(Tensor.zeros(0, 2, 3, 3), 4, 1e-5);   // no clips
            assertEquals(dev.saccade.tensor.Shape.of(0, 2, 3, 3), out.shape());
        }
    }

    @Test
    void refusesGradientsAndBadShapes() {
        Tensor y = Tensor.zeros(6, 2, 3, 3);
        assertThrows(IllegalStateException.class, () -> MotionAttention.inference(y, 3, 1e-5));
        try (var noGrad = GradMode.disable()) {
            var e = assertThrows(ShapeException.class, () -> MotionAttention.inference(y, 4, 1e-5));
            assertTrue(e.getMessage().contains("not a multiple of T=4"), e.getMessage());
            e = assertThrows(ShapeException.class, () -> MotionAttention.inference(Tensor.zeros(6, 2, 3), 3, 1e-5));
            assertTrue(e.getMessage().contains("(N·T, r, H, W)"), e.getMessage());
        }
    }
}
