package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.InferenceProfile;
import dev.saccade.tensor.ops.PreparedConv;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link InferenceProfile} on the CPU backend: every {@link InferenceConv} entry point adds one entry with its shapes,
 * multiply-adds and a time; profiles nest; nothing is recorded with none open or on another thread; the outputs are
 * those of the unprofiled calls.
 */
class InferenceProfileTest {
    private static final SplittableRandom RNG = new SplittableRandom(11);

    private static PreparedConv conv(Tensor x, int cOut, int cIn, int k, int stride, int groups) {
        return x.backend().prepareConv(Tensor.uniform(RNG, -1, 1, cOut, cIn / groups, k, k), Tensor.uniform(RNG, -1, 1, cOut),
                ConvParams.uniform(2, stride, k / 2, 1, groups));
    }

    @Test
    void everyEntryPointAddsOneEntry() {
        Tensor x = Tensor.uniform(RNG, -1, 1, 4, 8, 6, 6), residual = Tensor.uniform(RNG, -1, 1, 4, 12, 6, 6);
        Tensor gate = Tensor.uniform(RNG, -1, 1, 4, 8, 6, 6), channel = Tensor.uniform(RNG, -1, 1, 4, 8, 1, 1);
        Tensor pixel = Tensor.uniform(RNG, -1, 1, 4, 1, 6, 6);
        PreparedConv pointwise = conv(x, 12, 8, 1, 1, 1), strided = conv(x, 16, 8, 3, 2, 1), up = conv(x, 8, 8, 1, 1, 1);
        PreparedConv depthwise = conv(x, 8, 8, 3, 1, 8);
        try (var noGrad = GradMode.disable()) {
            float[] plain = InferenceConv.apply(x, pointwise, null, ConvActivation.RELU, 0, 0).toFloatArray();
            List<InferenceProfile.Entry> entries;
            float[] profiled;
            try (InferenceProfile p = InferenceProfile.record()) {
                profiled = InferenceConv.apply(x, pointwise, null, ConvActivation.RELU, 0, 0).toFloatArray();
                InferenceConv.apply(x, strided, null, ConvActivation.NONE, 0, 0);
                InferenceConv.applyIntoResidual(x, pointwise, residual.contiguous().mul(1f), ConvActivation.RELU, 0, 0);
                InferenceConv.applyGated(gate, up, x);
                InferenceConv.applyExcited(x, pointwise, channel, pixel, 3, null, ConvActivation.NONE);
                InferenceConv.applyPooled(x, pointwise);
                InferenceConv.applyChain(x, List.of(new InferenceConv.Link(up, ConvActivation.RELU6, 0, 0),
                        new InferenceConv.Link(depthwise, ConvActivation.RELU6, 0, 0),
                        new InferenceConv.Link(pointwise, ConvActivation.NONE, 0, 0)), null);
                InferenceConv.applyUpGated(x, gate, up, pointwise, null, ConvActivation.NONE, 0, 0);
                List<InferenceConv.Link> one = List.of(new InferenceConv.Link(pointwise, ConvActivation.RELU, 0, 0));
                InferenceConv.applyChain(x, new InferenceConv.InputGate.Excited(channel, pixel, 3), one, null, false);
                InferenceConv.applyChain(x, new InferenceConv.InputGate.UpGated(gate, up), one, residual, false);
                entries = p.entries();
            }
            assertArrayEquals(plain, profiled, "the profiled call's output");
            assertEquals(List.of("inference_conv", "inference_conv", "inference_conv", "inference_conv_gated",
                    "inference_conv_excited", "inference_conv_pooled", "inference_conv_chain(3)", "inference_conv_up_gated",
                    "inference_conv_chain_excited(1)", "inference_conv_chain_up_gated(1)"),
                    entries.stream().map(InferenceProfile.Entry::op).toList());
            long pw = 4L * 12 * 36 * 8, st = 4L * 16 * 9 * 8 * 9, g = 4L * 8 * 36 * 8, dw = 4L * 8 * 36 * 9;
            // conv_up's multiply-adds (8 → 8 channels on the 4 × 36 positions) count where it runs inside conv1
            assertEquals(List.of(pw, st, pw, g, pw, pw, g + dw + pw, pw + g, pw, pw + g), entries.stream().map(InferenceProfile.Entry::macs).toList());
            InferenceProfile.Entry s = entries.get(1);
            assertEquals(Shape.of(4, 8, 6, 6), s.input());
            assertEquals(Shape.of(16, 8, 3, 3), s.weight());
            assertEquals(Shape.of(4, 16, 3, 3), s.output());
            assertEquals(Shape.of(4, 12, 6, 6), entries.get(6).output(), "a chain's output is its last link's");
            for (InferenceProfile.Entry e : entries) assertTrue(e.nanos() > 0, e.toString());
        }
    }

    /** The attention modules' evaluation ops add entries without weights: MACs 0, their input's and output's shapes. */
    @Test
    void opsWithoutWeightsAddEntriesToo() {
        Tensor x = Tensor.uniform(RNG, -1, 1, 4, 8, 6, 6), mc = Tensor.uniform(RNG, 0, 1, 4, 8, 1, 1);
        Tensor ms = Tensor.uniform(RNG, 0, 1, 4, 1, 6, 6), shift = Tensor.uniform(RNG, -1, 1, 8, 1, 3);
        try (var noGrad = GradMode.disable(); InferenceProfile p = InferenceProfile.record()) {
            dev.saccade.tensor.ops.InferenceGate.apply(x, mc, ms, dev.saccade.tensor.ops.BroadcastGate.Combine.PRODUCT, 0, null,
                    ConvActivation.NONE);
            dev.saccade.tensor.ops.TapSums.inference(x);
            dev.saccade.tensor.ops.PooledTemporalConv.inference(x, shift, 2);
            dev.saccade.tensor.ops.MotionAttention.inference(x, 2, 1e-5);
            List<InferenceProfile.Entry> e = p.entries();
            assertEquals(List.of("inference_gate", "tap_sums", "pooled_temporal_conv", "motion_attention"),
                    e.stream().map(InferenceProfile.Entry::op).toList());
            assertEquals(Shape.of(4, 3, 3, 8), e.get(1).output(), "the tap sums' shape");
            for (InferenceProfile.Entry entry : e) {
                assertEquals(null, entry.weight(), entry.toString());
                assertEquals(0, entry.macs(), entry.toString());
                assertEquals(Shape.of(4, 8, 6, 6), entry.input(), entry.toString());
            }
        }
    }

    /** An outer profile closed before the one it encloses records nothing once the inner one closes too. */
    @Test
    void aProfileClosedOutOfOrderStaysClosed() {
        Tensor x = Tensor.uniform(RNG, -1, 1, 2, 4, 5, 5);
        PreparedConv c = conv(x, 4, 4, 1, 1, 1);
        try (var noGrad = GradMode.disable()) {
            InferenceProfile outer = InferenceProfile.record(), inner = InferenceProfile.record();
            outer.close();
            InferenceConv.apply(x, c, null, ConvActivation.NONE, 0, 0);
            inner.close();
            InferenceConv.apply(x, c, null, ConvActivation.NONE, 0, 0);
            assertEquals(1, inner.entries().size(), "the call while the inner profile was open");
            assertEquals(0, outer.entries().size(), "the outer one was closed before either call");
        }
    }

    @Test
    void profilesNestAndStayOnTheirThread() throws Exception {
        Tensor x = Tensor.uniform(RNG, -1, 1, 2, 4, 5, 5);
        PreparedConv c = conv(x, 4, 4, 1, 1, 1);
        try (var noGrad = GradMode.disable()) {
            InferenceProfile outer = InferenceProfile.record();
            InferenceConv.apply(x, c, null, ConvActivation.NONE, 0, 0);
            try (InferenceProfile inner = InferenceProfile.record()) {
                InferenceConv.apply(x, c, null, ConvActivation.NONE, 0, 0);
                InferenceConv.apply(x, c, null, ConvActivation.NONE, 0, 0);
                Thread other = new Thread(() -> {
                    try (var ng = GradMode.disable()) { InferenceConv.apply(x, c, null, ConvActivation.NONE, 0, 0); }
                });
                other.start();
                other.join();
                assertEquals(2, inner.entries().size(), "the inner profile: its two calls, not the other thread's");
            }
            InferenceConv.apply(x, c, null, ConvActivation.NONE, 0, 0);
            outer.close();
            InferenceConv.apply(x, c, null, ConvActivation.NONE, 0, 0);
            assertEquals(2, outer.entries().size(), "the outer profile: the calls before and after the inner one, none after close");
        }
    }
}
