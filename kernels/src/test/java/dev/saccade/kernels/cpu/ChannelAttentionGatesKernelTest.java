package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ChannelAttentionGates;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CpuChannelAttentionGates} against {@link ChannelAttentionGates#composed} in double: CBAM (MLP and sigmoid)
 * and W3 (and the two temporal convolutions), one and several clips, T of 1, 3, 8 and 16, C not a multiple of the
 * vector length and ResNet-50 stage sizes. Weights scaled so that the logits spread over a few units (an error in
 * either MLP branch or either temporal tap shows).
 */
class ChannelAttentionGatesKernelTest {

    @ParameterizedTest(name = "clips={0} T={1} C={2} hidden={3} temporal={4}")
    @CsvSource({"1, 8, 32, 2, true", "1, 8, 32, 2, false", "2, 3, 48, 3, true", "1, 1, 16, 1, true", "2, 16, 37, 5, true",
            "1, 8, 256, 16, false", "1, 8, 2048, 128, true", "2, 8, 1024, 64, false"})
    void kernelMatchesTheComposedOps(int clips, int frames, int c, int hidden, boolean temporal) {
        SplittableRandom rng = new SplittableRandom(clips * 131L + frames * 17L + c + hidden * 7L + (temporal ? 1 : 0));
        int nt = clips * frames;
        Tensor pooled = Tensor.uniform(rng, -1, 1, 2, nt, c);
        double s1 = 3 / Math.sqrt(c), s2 = 3 / Math.sqrt(hidden);
        ChannelAttentionGates.Weights w = new ChannelAttentionGates.Weights(Tensor.uniform(rng, -s1, s1, hidden, c),
                Tensor.uniform(rng, -0.5, 0.5, hidden), Tensor.uniform(rng, -s2, s2, c, hidden), Tensor.uniform(rng, -0.5, 0.5, c),
                temporal ? Tensor.uniform(rng, -2, 2, c, 1, 3) : null, temporal ? Tensor.uniform(rng, -2, 2, c, 1, 3) : null);
        Tensor got;
        try (var noGrad = GradMode.disable()) { got = ChannelAttentionGates.inference(pooled, frames, w); }
        assertArrayEquals(new int[] {nt, c}, got.shape().toArray());
        ChannelAttentionGates.Weights wd = new ChannelAttentionGates.Weights(w.w1().to(DType.F64), w.b1().to(DType.F64),
                w.w2().to(DType.F64), w.b2().to(DType.F64), temporal ? w.k0().to(DType.F64) : null, temporal ? w.k2().to(DType.F64) : null);
        Tensor want = ChannelAttentionGates.composed(pooled.to(DType.F64), frames, wd);
        assertClose("M_c", want.toDoubleArray(), got.toDoubleArray(), 2e-5, 2e-5);
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (double v : want.toDoubleArray()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        assertTrue(hi - lo > 0.3, "the gates barely vary (" + lo + " … " + hi + "): the comparison would not see an error");
    }

    /** Views (a pooled tensor narrowed from wider rows, transposed MLP weights, a narrowed temporal kernel) give the floats of contiguous copies. */
    @ParameterizedTest(name = "temporal={0}")
    @CsvSource({"true", "false"})
    void viewsGiveTheFloatsOfContiguousCopies(boolean temporal) {
        SplittableRandom rng = new SplittableRandom(11);
        int nt = 16, c = 40, hidden = 5;
        Tensor pooled = Tensor.uniform(rng, -1, 1, 2, nt, c + 7).narrow(2, 3, c);                        // rows c + 7 apart
        Tensor w1 = Tensor.uniform(rng, -0.5, 0.5, c, hidden).transpose(0, 1);                           // (hidden, C), a view
        Tensor w2 = Tensor.uniform(rng, -1, 1, hidden, c).transpose(0, 1);                               // (C, hidden), a view
        Tensor k0 = temporal ? Tensor.uniform(rng, -2, 2, c, 3).reshape(c, 1, 3) : null;
        Tensor k2 = temporal ? Tensor.uniform(rng, -2, 2, c, 1, 5).narrow(2, 1, 3) : null;             // (C, 1, 3), a view
        ChannelAttentionGates.Weights views = new ChannelAttentionGates.Weights(w1, Tensor.uniform(rng, -0.5, 0.5, hidden), w2,
                Tensor.uniform(rng, -0.5, 0.5, c), k0, k2);
        ChannelAttentionGates.Weights copies = new ChannelAttentionGates.Weights(w1.contiguous(), views.b1(), w2.contiguous(),
                views.b2(), temporal ? k0.contiguous() : null, temporal ? k2.contiguous() : null);
        assertTrue(!pooled.isContiguous() && !w1.isContiguous() && !w2.isContiguous() && (!temporal || !k2.isContiguous()),
                "the inputs must be views");
        try (var noGrad = GradMode.disable()) {
            assertArrayEquals(ChannelAttentionGates.inference(pooled.contiguous(), 8, copies).toDoubleArray(),
                    ChannelAttentionGates.inference(pooled, 8, views).toDoubleArray());
        }
    }

    @Test
    void refusedWithGradientsOnAndWrongShapesNameTheWeight() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor pooled = Tensor.uniform(rng, -1, 1, 2, 8, 32);
        ChannelAttentionGates.Weights good = new ChannelAttentionGates.Weights(Tensor.uniform(rng, -1, 1, 2, 32),
                Tensor.uniform(rng, -1, 1, 2), Tensor.uniform(rng, -1, 1, 32, 2), Tensor.uniform(rng, -1, 1, 32), null, null);
        assertThrows(IllegalStateException.class, () -> ChannelAttentionGates.inference(pooled, 8, good));
        try (var noGrad = GradMode.disable()) {
            ChannelAttentionGates.Weights bad = new ChannelAttentionGates.Weights(good.w1(), good.b1(), Tensor.uniform(rng, -1, 1, 32, 3),
                    good.b2(), null, null);
            ShapeException e = assertThrows(ShapeException.class, () -> ChannelAttentionGates.inference(pooled, 8, bad));
            assertTrue(e.getMessage().contains("w2"), e.getMessage());
            e = assertThrows(ShapeException.class, () -> ChannelAttentionGates.inference(pooled.narrow(0, 0, 1), 8, good));
            assertTrue(e.getMessage().contains("pooled"), e.getMessage());
            ChannelAttentionGates.Weights half = new ChannelAttentionGates.Weights(good.w1(), good.b1(), good.w2(), good.b2(),
                    Tensor.uniform(rng, -1, 1, 32, 1, 3), null);
            assertThrows(IllegalArgumentException.class, () -> ChannelAttentionGates.inference(pooled, 8, half));
        }
    }
}
