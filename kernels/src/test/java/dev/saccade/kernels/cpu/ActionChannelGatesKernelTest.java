package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ActionChannelGates;
import dev.saccade.tensor.ops.TapSums;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CpuActionChannelGates} against {@link ActionChannelGates#composed} in double: one and several clips, T of 1,
 * 3, 8 and 16 (the temporal convolution's window at both ends of each clip), planes of one pixel, odd and ResNet-50
 * stage sizes, with and without ME's folded bias. The pooled means and tap sums are those of a random xs, and the
 * weights are scaled so that both gates' logits spread over a few units (neither sigmoid saturates): an error in CE or
 * in ME shows in the sum.
 */
class ActionChannelGatesKernelTest {

    @ParameterizedTest(name = "clips={0} T={1} C={2} r={3} {4}×{5} bias={6}")
    @CsvSource({"1, 8, 32, 2, 5, 7, true", "2, 3, 48, 3, 1, 1, true", "1, 1, 16, 1, 3, 3, false", "1, 16, 64, 4, 2, 9, true",
            "2, 8, 256, 16, 7, 7, true", "1, 8, 512, 32, 14, 14, false", "1, 8, 2048, 128, 7, 7, true"})
    void kernelMatchesTheComposedOps(int clips, int frames, int c, int r, int h, int w, boolean bias) {
        SplittableRandom rng = new SplittableRandom(clips * 131L + frames * 17L + c + h * 7L + w);
        int nt = clips * frames;
        Tensor xs = Tensor.uniform(rng, -1, 1, nt, c, h, w);
        Tensor pooled = xs.mean(true, 2, 3), taps = TapSums.composed(xs);
        ActionChannelGates.Weights weights = weights(rng, c, r, bias);
        Tensor got;
        try (var noGrad = GradMode.disable()) { got = ActionChannelGates.inference(pooled, taps, frames, h, w, weights); }
        assertArrayEquals(new int[] {nt, c, 1, 1}, got.shape().toArray());
        Tensor want = ActionChannelGates.composed(pooled.to(DType.F64), taps.to(DType.F64), frames, h, w, toDouble(weights));
        assertClose("q + s", want.toDoubleArray(), got.toDoubleArray(), 2e-5, 2e-5);
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (double v : want.toDoubleArray()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        assertTrue(hi - lo > 0.3, "the gates barely vary (" + lo + " … " + hi + "): the comparison would not see an error");
    }

    /** Views (pooled means, tap sums and CE's expand narrowed from wider tensors) give the floats of their contiguous copies. */
    @Test
    void viewsGiveTheFloatsOfContiguousCopies() {
        SplittableRandom rng = new SplittableRandom(12);
        int nt = 16, c = 40, r = 4;
        Tensor pooled = Tensor.uniform(rng, -1, 1, nt, c + 5, 1, 1).narrow(1, 2, c);
        Tensor taps = Tensor.uniform(rng, -1, 1, nt, 3, 3, c + 3).narrow(3, 1, c);
        ActionChannelGates.Weights w = weights(rng, c, r, true);
        Tensor expandView = Tensor.uniform(rng, -1, 1, c, r + 3, 1, 1).narrow(1, 2, r);                // (C, r, 1, 1), rows r + 3 apart
        ActionChannelGates.Weights views = new ActionChannelGates.Weights(w.ceSqueeze(), w.ceTemporal(), expandView,
                w.meSqueeze(), w.meBias(), w.meDepthwise(), w.meExpand());
        ActionChannelGates.Weights copies = new ActionChannelGates.Weights(w.ceSqueeze(), w.ceTemporal(), expandView.contiguous(),
                w.meSqueeze(), w.meBias(), w.meDepthwise(), w.meExpand());
        assertTrue(!pooled.isContiguous() && !taps.isContiguous() && !expandView.isContiguous(), "the inputs must be views");
        try (var noGrad = GradMode.disable()) {
            assertArrayEquals(ActionChannelGates.inference(pooled.contiguous(), taps.contiguous(), 8, 5, 6, copies).toDoubleArray(),
                    ActionChannelGates.inference(pooled, taps, 8, 5, 6, views).toDoubleArray());
        }
    }

    @Test
    void refusedWithGradientsOnAndWrongShapesNameTheWeight() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor pooled = Tensor.uniform(rng, -1, 1, 8, 32, 1, 1), taps = Tensor.uniform(rng, -1, 1, 8, 3, 3, 32);
        ActionChannelGates.Weights good = weights(rng, 32, 2, true);
        assertThrows(IllegalStateException.class, () -> ActionChannelGates.inference(pooled, taps, 8, 4, 4, good));
        try (var noGrad = GradMode.disable()) {
            ActionChannelGates.Weights bad = new ActionChannelGates.Weights(good.ceSqueeze(), good.ceTemporal(), good.ceExpand(),
                    good.meSqueeze(), good.meBias(), Tensor.zeros(DType.F32, good.meBias().device(), 2, 1, 3, 1), good.meExpand());
            ShapeException e = assertThrows(ShapeException.class, () -> ActionChannelGates.inference(pooled, taps, 8, 4, 4, bad));
            assertTrue(e.getMessage().contains("meDepthwise"), e.getMessage());
            e = assertThrows(ShapeException.class, () -> ActionChannelGates.inference(pooled, taps, 3, 4, 4, good));
            assertTrue(e.getMessage().contains("clips of 3"), e.getMessage());
            e = assertThrows(ShapeException.class, () -> ActionChannelGates.inference(pooled, taps.narrow(3, 0, 16), 8, 4, 4, good));
            assertTrue(e.getMessage().contains("taps"), e.getMessage());
        }
    }

    private static ActionChannelGates.Weights weights(SplittableRandom rng, int c, int r, boolean bias) {
        double squeeze = 6 / Math.sqrt(c), expand = 3 / Math.sqrt(r);
        return new ActionChannelGates.Weights(
                Tensor.uniform(rng, -squeeze, squeeze, r, c, 1, 1), Tensor.uniform(rng, -1, 1, r, r, 3),
                Tensor.uniform(rng, -expand, expand, c, r, 1, 1), Tensor.uniform(rng, -squeeze, squeeze, r, c, 1, 1),
                bias ? Tensor.uniform(rng, -1, 1, r) : null, Tensor.uniform(rng, -1, 1, r, 1, 3, 3),
                Tensor.uniform(rng, -4 * expand, 4 * expand, c, r, 1, 1));
    }

    private static ActionChannelGates.Weights toDouble(ActionChannelGates.Weights w) {
        return new ActionChannelGates.Weights(w.ceSqueeze().to(DType.F64), w.ceTemporal().to(DType.F64), w.ceExpand().to(DType.F64),
                w.meSqueeze().to(DType.F64), w.meBias() == null ? null : w.meBias().to(DType.F64), w.meDepthwise().to(DType.F64),
                w.meExpand().to(DType.F64));
    }
}
