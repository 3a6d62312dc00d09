package dev.saccade.models.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.attention.Cbam;
import dev.saccade.models.attention.CbamHooks;
import dev.saccade.models.attention.W3Attention;
import dev.saccade.models.attention.W3Hooks;
import dev.saccade.models.temporal.TsmHooks;
import dev.saccade.nn.Init;
import dev.saccade.nn.Module;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.InferenceGate;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A residual block that takes its input over ({@link ResidualBlock#forwardConsuming}) writes its output into the
 * input's storage — the shortcut is read by the last convolution's store just before it is overwritten — with the
 * floats of the block run on an input it must leave alone; a ResNet whose stages consume their inputs this way
 * gives the op-by-op path's features and leaves the caller's clip untouched, with attention modules on its branches
 * writing their output gates into the branch's own output.
 */
class ResidualBlockConsumingTest {

    @ParameterizedTest(name = "tsm={0}")
    @ValueSource(booleans = {false, true})
    void identityBlockWritesIntoItsInputWithTheSameFloats(boolean tsm) {
        SplittableRandom rng = new SplittableRandom(5);
        BlockHooks hooks = tsm ? new TsmHooks(4) : BlockHooks.NONE;
        Bottleneck block = new Bottleneck(32, 8, 1, null, hooks, new BlockContext("b", 0, 1, false, 32, 32, 4, rng));
        randomiseBatchNorms(block, rng);
        block.eval();
        Tensor x = Tensor.uniform(rng, -1, 1, 8, 32, 9, 10);                  // 2 clips of 4 frames
        try (var noGrad = GradMode.disable()) {
            float[] before = x.toFloatArray();
            float[] want = block.forward(x).toFloatArray();
            assertArrayEquals(before, x.toFloatArray(), "forward must leave its input alone");
            Tensor taken = Tensor.of(before.clone(), x.shape().toArray());
            Tensor out = block.forwardConsuming(taken);
            assertTrue(InferenceConv.sharesStorage(out, taken), "the identity block's output is written into its input");
            assertArrayEquals(want, out.toFloatArray());
            // the input's buffer lives on as the output: it must not have been handed back to the activation pool,
            // which gives the buffer handed back last to the next output of that length
            Tensor next = InferenceGate.apply(x, null, null, BroadcastGate.Combine.PRODUCT, 0, null, ConvActivation.NONE);
            assertTrue(!InferenceConv.sharesStorage(next, out), "the output's buffer was recycled while in use");
            assertArrayEquals(want, out.toFloatArray());
        }
    }

    /**
     * Plain and TSM blocks write conv3 (BasicBlock: conv2, a 3×3 that at 8 channels runs on the GEMM) into the
     * shortcut; CBAM's and W3's output gates write into the branch's own
     * output (the block hands it over, {@link dev.saccade.nn.inference.ResidualEpilogue#forwardResidualReluConsuming}).
     * A buffer handed back to the pool while it still held a live output would be written by the next block.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain", "tsm", "cbam", "w3", "basic", "basic-tsm"})
    void resNetFeaturesMatchTheOpByOpPathAndLeaveTheClipAlone(String hooks) {
        SplittableRandom rng = new SplittableRandom(6);
        BlockHooks h = switch (hooks) {
            case "tsm", "basic-tsm" -> new TsmHooks(4);
            case "cbam" -> new CbamHooks();
            case "w3" -> new W3Hooks(true, true, false);
            default -> BlockHooks.NONE;
        };
        boolean basic = hooks.startsWith("basic");                            // BasicBlock, 8 wide: conv2's 3×3 on the GEMM
        ResNet net = new ResNet(!basic, new int[] {2, 3, 2, 2}, basic ? 8 : 16, h, 4, 0, rng);
        randomiseBatchNorms(net, rng);
        net.eval();
        Tensor clip = Tensor.uniform(rng, -1, 1, 4, 3, 40, 40);
        try (var noGrad = GradMode.disable()) {
            float[] before = clip.toFloatArray();
            float[] fused = net.features(clip).toFloatArray();
            float[] again = net.features(clip).toFloatArray();                // the pool's buffers reused
            float[] reference;
            try (var s = InferenceMode.unfused()) { reference = net.features(clip).toFloatArray(); }
            assertArrayEquals(before, clip.toFloatArray(), "the caller's clip is never consumed");
            assertArrayEquals(fused, again);
            double diff = 0, scale = 0;
            for (int i = 0; i < fused.length; i++) {
                diff = Math.max(diff, Math.abs(fused[i] - reference[i]));
                scale = Math.max(scale, Math.abs(reference[i]));
            }
            assertTrue(scale > 0 && diff <= 1e-5 * scale, "max |Δ| " + diff + " at scale " + scale);
        }
    }

    /**
     * CBAM's and W3's consuming epilogue writes {@code relu(attention(x) + residual)} into x's own storage, with the
     * floats of the non-consuming form (which leaves x alone).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cbam", "w3"})
    void attentionEpilogueWritesIntoTheBranchWithTheSameFloats(String module) {
        SplittableRandom rng = new SplittableRandom(8);
        dev.saccade.nn.inference.ResidualEpilogue m = module.equals("cbam") ? new Cbam(32, rng)
                : new W3Attention(32, 4, true, true, rng);
        ((Module) m).eval();
        Tensor x = Tensor.uniform(rng, -1, 1, 8, 32, 6, 7), residual = Tensor.uniform(rng, -1, 1, 8, 32, 6, 7);
        try (var noGrad = GradMode.disable()) {
            float[] before = x.toFloatArray();
            Tensor pooled = dev.saccade.tensor.ops.Functional.spatialAvgMaxPool(x, null);   // (2, N·T, C)
            float[] want = m.forwardResidualRelu(x, pooled, residual).toFloatArray();
            assertArrayEquals(before, x.toFloatArray(), "the non-consuming form leaves x alone");
            Tensor out = m.forwardResidualReluConsuming(x, pooled, residual);
            assertTrue(InferenceConv.sharesStorage(out, x), module + ": written into x");
            assertArrayEquals(want, out.toFloatArray());
        }
    }

    /** Running statistics and affine parameters away from 0/1, so that folding them in is exercised. */
    private static void randomiseBatchNorms(Module m, SplittableRandom rng) {
        if (m instanceof BatchNorm bn) {
            int c = bn.weight().dim(0);
            Init.assign(bn.weight(), Tensor.uniform(rng, 0.5, 1.5, c));
            Init.assign(bn.bias(), Tensor.uniform(rng, -0.5, 0.5, c));
            Init.assign(bn.runningMean(), Tensor.uniform(rng, -0.5, 0.5, c));
            Init.assign(bn.runningVar(), Tensor.uniform(rng, 0.5, 2, c));
        }
        for (Module child : m.children().values()) randomiseBatchNorms(child, rng);
    }
}
