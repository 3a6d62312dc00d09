package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.GradCheck.check;
import static dev.saccade.tensor.testing.GradCheck.randomF64;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The backward of M2A's motion attention ({@link MotionAttention#fused}): {@link MotionAttention#composedBackward}
 * by finite differences in double, and against autograd through the composed ops; the CPU kernel
 * ({@link CpuMotionAttention#backward}) in float against both in double — T ∈ {1, 3, 8, 16}, E below one vector, not
 * a multiple of it, and long enough to be split over the threads and to flush its float partial sums more than
 * once, two clips, a strided view, values off zero — and the op's forward against the composed ops'.
 */
class MotionAttentionGradientTest {

    @ParameterizedTest(name = "T={0} clips={1} r={2} H={3} W={4}")
    @CsvSource({"1, 2, 2, 2, 3", "3, 2, 2, 1, 3", "4, 1, 3, 2, 2", "2, 3, 1, 3, 1"})
    void composedBackwardMatchesFiniteDifferencesInDouble(int frames, int clips, int r, int h, int w) {
        Tensor y = randomF64(new SplittableRandom(frames * 7L + clips), clips * frames, r, h, w).mul(1.5).add(0.25).detach();
        check("motion_attention T=" + frames, in -> MotionAttention.fused(in[0], frames, 1e-5), y);
    }

    @ParameterizedTest(name = "T={0} clips={1} r={2} H={3} W={4}")
    @CsvSource({"1, 2, 2, 2, 3", "3, 2, 2, 3, 5", "8, 1, 4, 7, 9", "16, 1, 2, 5, 5"})
    void composedBackwardIsAutogradThroughTheComposedOps(int frames, int clips, int r, int h, int w) {
        SplittableRandom rng = new SplittableRandom(frames + 100L * r);
        Tensor y = Tensor.uniform(rng, -1, 1, clips * frames, r, h, w).mul(2).add(0.5).to(DType.F64);
        Tensor g = Tensor.uniform(rng, -1, 1, clips * frames, r, h, w).to(DType.F64);
        Tensor leaf = y.detach().setRequiresGrad(true);
        MotionAttention.composed(leaf, frames, 1e-5).backward(g);
        Tensor formula;
        try (var noGrad = GradMode.disable()) { formula = MotionAttention.composedBackward(g, y, frames, 1e-5); }
        assertClose("T=" + frames + " " + y.shape(), leaf.grad().toDoubleArray(), formula.toDoubleArray(), 1e-12, 1e-10);
    }

    @ParameterizedTest(name = "T={0} clips={1} r={2} H={3} W={4}")
    @CsvSource({"1, 2, 3, 2, 5", "3, 2, 2, 3, 3", "8, 1, 4, 7, 9", "8, 2, 32, 14, 14", "16, 1, 5, 11, 13", "8, 1, 8, 56, 56",
            "3, 3, 1, 1, 7", "8, 1, 32, 56, 56"})
    void theKernelMatchesTheComposedBackwardInDouble(int frames, int clips, int r, int h, int w) {
        SplittableRandom rng = new SplittableRandom(frames * 31L + r);
        Tensor y = Tensor.uniform(rng, -1, 1, clips * frames, r, h, w).mul(2.5).add(0.75);   // (N·T, r, H, W), off zero
        Tensor g = Tensor.uniform(rng, -1, 1, clips * frames, r, h, w);
        Tensor expected;
        try (var noGrad = GradMode.disable()) {
            expected = MotionAttention.composedBackward(g.to(DType.F64), y.to(DType.F64), frames, 1e-5);
        }
        Tensor kernel = y.backend().motionAttentionBackward(g, y, frames, 1e-5);
        assertEquals(DType.F32, kernel.dtype());
        assertClose("T=" + frames + " " + y.shape(), expected.toDoubleArray(), kernel.toDoubleArray(), 2e-5, 2e-5);
    }

    /**
     * Frames alike but for a little noise, as neighbouring video frames are: m is small, the scores m mᵀ/√E of order
     * one, A spread over the frames, so the gradient through the softmax (dS) is as large as the one through A m.
     */
    @ParameterizedTest(name = "T={0} r={1} H={2}")
    @CsvSource({"8, 8, 14", "8, 32, 56", "3, 5, 9", "16, 4, 12"})
    void framesAlmostAlikeSpreadTheAttention(int frames, int r, int h) {
        SplittableRandom rng = new SplittableRandom(frames * 13L + r);
        Tensor common = Tensor.uniform(rng, -1, 1, 1, r, h, h);
        double noise = 2.0 / Math.pow((double) r * h * h, 0.25);                   // scores ~ 1 whatever E
        Tensor y = common.expand(frames, r, h, h).add(Tensor.uniform(rng, -noise, noise, frames, r, h, h)).contiguous();
        Tensor g = Tensor.uniform(rng, -1, 1, frames, r, h, h);
        Tensor expected;
        try (var noGrad = GradMode.disable()) {
            expected = MotionAttention.composedBackward(g.to(DType.F64), y.to(DType.F64), frames, 1e-5);
        }
        Tensor kernel = y.backend().motionAttentionBackward(g, y, frames, 1e-5);
        assertClose("T=" + frames + " " + y.shape(), expected.toDoubleArray(), kernel.toDoubleArray(), 2e-5, 2e-5);
    }

    @Test
    void theOpThroughAutogradMatchesTheComposedOpsInDouble() {
        SplittableRandom rng = new SplittableRandom(11);
        Tensor y = Tensor.uniform(rng, -1, 1, 16, 6, 9, 7).mul(1.5).add(-0.5), g = Tensor.uniform(rng, -1, 1, 16, 6, 9, 7);
        Tensor leaf = y.detach().setRequiresGrad(true);
        Tensor out = MotionAttention.fused(leaf, 8, 1e-5);
        out.backward(g);
        Tensor reference = y.to(DType.F64).detach().setRequiresGrad(true);
        Tensor expected = MotionAttention.composed(reference, 8, 1e-5);
        expected.backward(g.to(DType.F64));
        assertClose("forward", expected.toDoubleArray(), out.toDoubleArray(), 2e-5, 2e-5);
        assertClose("backward", reference.grad().toDoubleArray(), leaf.grad().toDoubleArray(), 2e-5, 2e-5);
    }

    @Test
    void readsStridedViewsAsTheirValues() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor y = Tensor.uniform(rng, -1, 1, 8, 6, 5, 7).narrow(1, 1, 4);                 // (8, 4, 5, 7), not contiguous
        Tensor g = Tensor.uniform(rng, -1, 1, 8, 4, 7, 5).transpose(2, 3);                  // (8, 4, 5, 7), not contiguous
        Tensor expected;
        try (var noGrad = GradMode.disable()) {
            expected = MotionAttention.composedBackward(g.contiguous().to(DType.F64), y.contiguous().to(DType.F64), 4, 1e-5);
        }
        assertClose("views", expected.toDoubleArray(), y.backend().motionAttentionBackward(g, y, 4, 1e-5).toDoubleArray(), 2e-5, 2e-5);
    }

    @Test
    void noClipsGiveAnEmptyGradient() {
        Tensor y = Tensor.zeros(0, 2, 3, 3);
        assertEquals(y.shape(), y.backend().motionAttentionBackward(y, y, 4, 1e-5).shape());
    }

    @Test
    void badShapesAreNamed() {
        var e = assertThrows(ShapeException.class, () -> MotionAttention.fused(Tensor.zeros(6, 2, 3, 3), 4, 1e-5));
        assertTrue(e.getMessage().contains("not a multiple of T=4"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> MotionAttention.fused(Tensor.zeros(6, 2, 3), 3, 1e-5));
        assertTrue(e.getMessage().contains("(N·T, r, H, W)"), e.getMessage());
        e = assertThrows(ShapeException.class,
                () -> MotionAttention.composedBackward(Tensor.zeros(6, 2, 3, 2), Tensor.zeros(6, 2, 3, 3), 3, 1e-5));
        assertTrue(e.getMessage().contains("gradient"), e.getMessage());
    }
}
