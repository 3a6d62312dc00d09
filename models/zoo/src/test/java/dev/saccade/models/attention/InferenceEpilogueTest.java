package dev.saccade.models.attention;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.Init;
import dev.saccade.nn.Module;
import dev.saccade.nn.inference.FoldedConv;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.nn.inference.ResidualEpilogue;
import dev.saccade.nn.layers.Activation;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attention modules' inference forms against their op-by-op evaluation, with the fused attention ops on and off,
 * at T ∈ {1, 3, 8} on odd spatial sizes: CBAM and W3 finishing the residual block ({@link ResidualEpilogue},
 * {@code relu(module(x) + identity)} in the output gate), and ACTION and M2A before a block's first conv with the
 * batch norm and ReLU after it folded into that conv ({@link FoldedConv} of a module that leads into a conv).
 */
class InferenceEpilogueTest {
    @AfterEach void restore() { FusedAttention.setEnabled(true); }

    private static void bothAttentionPaths(Runnable check) {
        for (boolean fused : new boolean[] {true, false}) {
            FusedAttention.setEnabled(fused);
            check.run();
        }
        FusedAttention.setEnabled(true);
    }

    private static void residualCase(String what, Function<SplittableRandom, Module> build, int frames, int c, int h, int w) {
        SplittableRandom rng = new SplittableRandom(7);
        Module m = build.apply(rng);
        m.eval();
        Tensor x = Tensor.uniform(rng, -1, 1, 2 * frames, c, h, w), identity = Tensor.uniform(rng, -1, 1, 2 * frames, c, h, w);
        Tensor reference;                                                      // the module's equations, op by op
        FusedAttention.setEnabled(false);
        try (var noGrad = GradMode.disable(); var s = InferenceMode.unfused()) { reference = m.forward(x).add(identity).relu(); }
        bothAttentionPaths(() -> {
            try (var noGrad = GradMode.disable()) {
                Tensor fused = ((ResidualEpilogue) m).forwardResidualRelu(x, identity);
                assertClose(what + " T=" + frames + " fused attention " + FusedAttention.enabled(),
                        reference.toDoubleArray(), fused.toDoubleArray(), 1e-6, 1e-5);
            }
        });
        // with gradients on, the same method runs the differentiable ops
        Tensor xg = x.detach().setRequiresGrad(true);
        Tensor y = ((ResidualEpilogue) m).forwardResidualRelu(xg, identity);
        y.sum().backward();
        assertNotNull(xg.grad(), what + ": the training form is differentiable");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void gatesFinishTheResidualBlock(int frames) {
        residualCase("CBAM", rng -> new Cbam(16, rng), frames, 16, 5, 3);
        residualCase("W3", rng -> new W3Attention(32, frames, true, true, rng), frames, 32, 7, 5);
        residualCase("W3 no spatial", rng -> new W3Attention(16, frames, false, true, rng), frames, 16, 3, 3);
        residualCase("W3 no temporal", rng -> new W3Attention(16, frames, true, false, rng), frames, 16, 3, 5);
    }

    /**
     * CBAM and W3 handed their input's spatial [mean; max] (as a conv epilogue pools it) give the output they give
     * pooling it themselves, and do use it: other descriptors change the output; a pooled tensor of the wrong shape
     * is refused.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void gatesTakeTheDescriptorsPooledByTheConvolution(int frames) {
        for (boolean w3 : new boolean[] {false, true}) {
            SplittableRandom rng = new SplittableRandom(19);
            Module m = w3 ? new W3Attention(32, frames, true, true, rng) : new Cbam(32, rng);
            m.eval();
            ResidualEpilogue r = (ResidualEpilogue) m;
            assertTrue(r.readsSpatialPool(), m.describe() + " takes the pooled descriptors with the fused ops");
            Tensor x = Tensor.uniform(rng, -1, 1, 2 * frames, 32, 7, 5), identity = Tensor.uniform(rng, -1, 1, 2 * frames, 32, 7, 5);
            try (var noGrad = GradMode.disable()) {
                Tensor pooled = dev.saccade.tensor.ops.Functional.spatialAvgMaxPool(x, null);   // (2, N·T, C)
                Tensor own = r.forwardResidualRelu(x, identity), given = r.forwardResidualRelu(x, pooled, identity);
                assertTrue(java.util.Arrays.equals(own.toFloatArray(), given.toFloatArray()), m.describe() + ": the same floats");
                Tensor other = r.forwardResidualRelu(x, pooled.mul(0.5), identity);
                assertTrue(!java.util.Arrays.equals(own.toFloatArray(), other.toFloatArray()), m.describe() + ": the pooled input is read");
                var e = assertThrows(IllegalArgumentException.class,
                        () -> r.forwardResidualRelu(x, pooled.narrow(1, 0, frames), identity));
                assertTrue(e.getMessage().contains("pooled"), e.getMessage());
            }
            FusedAttention.setEnabled(false);
            assertTrue(!r.readsSpatialPool(), m.describe() + ": the composed ops pool x as the equations read");
            FusedAttention.setEnabled(true);
        }
    }

    /** Batch-norm statistics and affine parameters far from the identity, so that the folding matters. */
    private static BatchNorm randomBatchNorm(int channels, SplittableRandom rng) {
        BatchNorm bn = new BatchNorm(channels);
        Init.assign(bn.runningMean(), Tensor.uniform(rng, -0.5, 0.5, channels));
        Init.assign(bn.runningVar(), Tensor.uniform(rng, 0.5, 2, channels));
        Init.assign(bn.weight(), Tensor.uniform(rng, 0.5, 1.5, channels));
        Init.assign(bn.bias(), Tensor.uniform(rng, -0.5, 0.5, channels));
        bn.eval();
        return bn;
    }

    private static void foldCase(String what, Module lead, int frames, int c, int cOut, int h, int w, SplittableRandom rng) {
        lead.eval();
        BatchNorm bn = randomBatchNorm(cOut, rng);
        FoldedConv folded = FoldedConv.of(lead, bn);
        assertNotNull(folded, what + ": the batch norm after it folds into its last conv");
        Tensor x = Tensor.uniform(rng, -1, 1, 2 * frames, c, h, w), residual = Tensor.uniform(rng, -1, 1, 2 * frames, cOut, h, w);
        bothAttentionPaths(() -> {
            try (var noGrad = GradMode.disable()) {
                Tensor reference, withResidual;
                try (var s = InferenceMode.unfused()) {
                    reference = bn.forward(lead.forward(x)).relu();
                    withResidual = bn.forward(lead.forward(x)).add(residual);
                }
                String at = what + " T=" + frames + " fused attention " + FusedAttention.enabled();
                assertClose(at, reference.toDoubleArray(), folded.forward(x, null, ConvActivation.RELU).toDoubleArray(), 1e-5, 1e-4);
                assertClose(at + " + residual", withResidual.toDoubleArray(),
                        folded.forward(x, residual, ConvActivation.NONE).toDoubleArray(), 1e-5, 1e-4);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void modulesBeforeTheFirstConvFoldItsBatchNorm(int frames) {
        SplittableRandom rng = new SplittableRandom(11);
        foldCase("ACTION(conv1)", new ActionModule(Conv.conv2d(16, 8, 1, 1, 0, 1, false, rng), frames, 8, rng), frames, 16, 8, 5, 3, rng);
        foldCase("ACTION(conv3×3)", new ActionModule(Conv.conv2d(16, 8, 3, 1, 1, 1, false, rng), frames, 8, rng), frames, 16, 8, 5, 3, rng);
        foldCase("M2A, shift, conv1", new Sequential(new M2A(16, frames, rng), new TemporalShiftLayer(frames, 8),
                Conv.conv2d(16, 8, 1, 1, 0, 1, false, rng)), frames, 16, 8, 3, 5, rng);
        foldCase("M2A, conv1", new Sequential(new M2A(16, frames, rng), Conv.conv2d(16, 8, 1, 1, 0, 1, false, rng)), frames, 16, 8, 3, 5, rng);
        foldCase("shift, conv3×3", new Sequential(new TemporalShiftLayer(frames, 4), Conv.conv2d(16, 8, 3, 1, 1, 1, false, rng)),
                frames, 16, 8, 5, 5, rng);
    }

    /**
     * In inference the conv after M2A (behind the shift or not) takes M2A's output as its parts — x, conv_up's input
     * and conv_up — and computes it as it reads it (InferenceConv.applyUpGated); in training, op by op, or with the
     * fused attention ops off, M2A makes its output itself.
     */
    @Test
    void theConvAfterM2aMakesM2asOutputAsItReadsIt() {
        SplittableRandom rng = new SplittableRandom(13);
        Sequential shifted = new Sequential(new M2A(16, 4, rng), new TemporalShiftLayer(4, 8), Conv.conv2d(16, 8, 1, 1, 0, 1, false, rng));
        Sequential plain = new Sequential(new M2A(16, 4, rng), Conv.conv2d(16, 8, 1, 1, 0, 1, false, rng));
        Sequential noM2a = new Sequential(new TemporalShiftLayer(4, 8), Conv.conv2d(16, 8, 1, 1, 0, 1, false, rng));
        Tensor x = Tensor.uniform(rng, -1, 1, 8, 16, 3, 5);
        for (Sequential seq : new Sequential[] {shifted, plain}) {
            seq.eval();
            try (var noGrad = GradMode.disable()) {
                var parts = seq.upGatedConvInput(x);
                assertNotNull(parts, seq.describe());
                assertTrue(parts.x() == x && parts.attended().shape().equals(dev.saccade.tensor.Shape.of(8, 2, 3, 5)),
                        seq.describe() + ": " + parts.attended().shape());
                try (var s = InferenceMode.unfused()) { assertNull(seq.upGatedConvInput(x), "op by op"); }
                FusedAttention.setEnabled(false);
                assertNull(seq.upGatedConvInput(x), "fused attention ops off");
                FusedAttention.setEnabled(true);
            }
            seq.train(true);
            try (var noGrad = GradMode.disable()) { assertNull(seq.upGatedConvInput(x), "training"); }
        }
        noM2a.eval();
        try (var noGrad = GradMode.disable()) { assertNull(noM2a.upGatedConvInput(x), "no M2A before the conv"); }
    }

    /** Under no-grad ACTION takes its shift and both means from one kernel (PooledTemporalConv): the same output. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void actionWithoutGradientsMatchesItsAutogradForward(int frames) {
        SplittableRandom rng = new SplittableRandom(17);
        ActionModule m = new ActionModule(Conv.conv2d(32, 8, 1, 1, 0, 1, false, rng), frames, 8, rng);
        m.eval();
        Tensor x = Tensor.uniform(rng, -1, 1, 2 * frames, 32, 7, 5);
        Tensor withGrad = m.forward(x);                                          // autograd ops: shift, pools
        Tensor noGrad;
        try (var off = GradMode.disable()) { noGrad = m.forward(x); }
        assertClose("ACTION T=" + frames, withGrad.toDoubleArray(), noGrad.toDoubleArray(), 1e-6, 1e-5);
    }

    /**
     * In inference ACTION's motion excitation takes its plane mean from the sums each 3×3 tap reads of xs
     * ({@code TapSums}) through the folded squeeze and the depthwise kernel: the same excited input as the maps,
     * with ME's batch norm far from the identity (its shift b' enters through the tap counts), ME made to dominate
     * (large expand weights) and planes of one row or one column.
     */
    @ParameterizedTest(name = "T={0} H={1} W={2}")
    @org.junit.jupiter.params.provider.CsvSource({"1, 5, 3", "3, 5, 3", "8, 7, 6", "8, 1, 6", "3, 4, 1", "16, 2, 2"})
    void actionMotionMeanFromTapSumsMatchesTheMaps(int frames, int h, int w) {
        SplittableRandom rng = new SplittableRandom(23 + frames * 7L + h);
        ActionModule m = new ActionModule(Conv.conv2d(32, 8, 1, 1, 0, 1, false, rng), frames, 8, rng);
        BatchNorm me = (BatchNorm) m.child("action_p3_bn1");
        Init.assign(me.runningMean(), Tensor.uniform(rng, -0.5, 0.5, 2));
        Init.assign(me.runningVar(), Tensor.uniform(rng, 0.5, 2, 2));
        Init.assign(me.weight(), Tensor.uniform(rng, 0.5, 1.5, 2));
        Init.assign(me.bias(), Tensor.uniform(rng, -2, 2, 2));
        Tensor expand = m.namedParameters().get("action_p3_expand.weight");
        Init.assign(expand, Tensor.uniform(rng, -4, 4, expand.shape().toArray()));
        Module.markParametersChanged();
        m.eval();
        Tensor x = Tensor.uniform(rng, -1, 1, 2 * frames, 32, h, w);
        try (var noGrad = GradMode.disable()) {
            Tensor maps;
            try (var s = InferenceMode.unfused()) { maps = m.convInput(x); }              // squeeze, BN, dw3×3 as maps
            Tensor fromTaps = m.convInput(x);
            assertClose("ACTION excited input T=" + frames + " " + h + "×" + w, maps.toDoubleArray(), fromTaps.toDoubleArray(), 1e-5, 1e-5);
        }
    }

    @Test void aSequentialNotEndingWithAConvIsRunAsItIs() {
        SplittableRandom rng = new SplittableRandom(13);
        assertNull(FoldedConv.of(new Sequential(Conv.conv2d(4, 4, 1, 1, 0, 1, false, rng), Activation.relu()), null));
        assertNull(FoldedConv.of(new Sequential(), null));
    }
}
