package dev.saccade.nn.inference;

import dev.saccade.nn.Init;
import dev.saccade.nn.layers.Activation;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.InferenceConv;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch norm folded into a convolution against the two layers run one after the other in evaluation mode. */
class FoldedConvTest {
    private static BatchNorm randomBatchNorm(int channels, SplittableRandom rng) {
        BatchNorm bn = new BatchNorm(channels, 1e-3, 0.1);
        Init.assign(bn.weight(), Tensor.uniform(rng, 0.5, 1.5, channels));
        Init.assign(bn.bias(), Tensor.uniform(rng, -0.5, 0.5, channels));
        Init.assign(bn.runningMean(), Tensor.uniform(rng, -0.5, 0.5, channels));
        Init.assign(bn.runningVar(), Tensor.uniform(rng, 0.5, 2, channels));
        return bn;
    }

    @Test
    void foldedConvolutionMatchesConvThenBatchNorm() {
        SplittableRandom rng = new SplittableRandom(11);
        Conv conv = Conv.conv2d(5, 7, 3, 2, 1, 1, true, rng);                  // with its own bias
        BatchNorm bn = randomBatchNorm(7, rng);
        conv.eval();
        bn.eval();
        Tensor x = Tensor.uniform(rng, -1, 1, 3, 5, 9, 11), residual = Tensor.uniform(rng, -1, 1, 3, 7, 5, 6);
        FoldedConv f = FoldedConv.of(conv, bn);
        try (var noGrad = GradMode.disable()) {
            Tensor reference = bn.forward(conv.forward(x));
            assertClose(reference, f.forward(x, null, ConvActivation.NONE));
            assertClose(reference.add(residual).relu(), f.forward(x, residual, ConvActivation.RELU));
            assertClose(reference.unary(dev.saccade.tensor.ops.UnaryOp.RELU6), f.forward(x, null, ConvActivation.RELU6));
        }
    }

    /** M2A's {@code gate·(1 + σ(conv(x)))} with the gate in the conv's store, against the conv then the sigmoid gate. */
    @Test
    void gatedConvolutionMatchesConvThenSigmoidGate() {
        SplittableRandom rng = new SplittableRandom(14);
        for (Conv conv : new Conv[] {Conv.conv2d(5, 7, 1, 1, 0, 1, true, rng), Conv.conv2d(5, 7, 3, 2, 1, 1, true, rng),
                Conv.conv2d(6, 6, 3, 1, 1, 6, true, rng)}) {                       // pointwise, strided 3×3, depthwise
            conv.eval();
            Tensor x = Tensor.uniform(rng, -1, 1, 3, conv.inChannels(), 9, 11);
            FoldedConv f = FoldedConv.of(conv, null);
            try (var noGrad = GradMode.disable()) {
                Tensor z = conv.forward(x), gate = Tensor.uniform(rng, -2, 2, z.shape().toArray());
                Tensor reference = dev.saccade.tensor.ops.Functional.sigmoidGate(gate, z, 1);
                assertClose(reference, f.forwardGated(x, gate));
                Tensor wrong = Tensor.uniform(rng, -1, 1, 3, z.dim(1), z.dim(2) + 1, z.dim(3));
                var e = assertThrows(ShapeException.class, () -> f.forwardGated(x, wrong));
                assertTrue(e.getMessage().contains("gate " + wrong.shape()), e.getMessage());
            }
            assertThrows(IllegalStateException.class, () -> f.forwardGated(x, x));   // gradients enabled
        }
    }

    /**
     * CBAM's and W3's avg/max descriptors pooled in the conv's store, against the conv then
     * {@code Functional.spatialAvgMaxPool}: y float for float, the maxes bit for bit, the means to ~1e-6. Pointwise
     * (odd plane, several images per GEMM, one image), strided 3×3, and the composed fallbacks: Winograd's 3×3, depthwise.
     */
    @Test
    void pooledConvolutionMatchesConvThenSpatialAvgMaxPool() {
        SplittableRandom rng = new SplittableRandom(15);
        Conv[] convs = {Conv.conv2d(24, 40, 1, 1, 0, 1, false, rng), Conv.conv2d(5, 7, 3, 2, 1, 1, true, rng),
                Conv.conv2d(16, 16, 3, 1, 1, 1, false, rng), Conv.conv2d(6, 6, 3, 1, 1, 6, true, rng)};
        for (Conv conv : convs) {
            conv.eval();
            BatchNorm bn = randomBatchNorm(conv.outChannels(), rng);
            bn.eval();
            FoldedConv f = FoldedConv.of(conv, bn);
            for (Tensor x : new Tensor[] {Tensor.uniform(rng, -1, 1, 6, conv.inChannels(), 7, 9),
                    Tensor.uniform(rng, -1, 1, 1, conv.inChannels(), 5, 3)}) {
                try (var noGrad = GradMode.disable()) {
                    Tensor y = f.forward(x, null, ConvActivation.NONE);
                    Tensor pooled = dev.saccade.tensor.ops.Functional.spatialAvgMaxPool(y, null);   // (2, N, C_out)
                    Tensor[] got = f.forwardPooled(x);
                    String at = conv + " " + x.shape();
                    assertTrue(java.util.Arrays.equals(y.toFloatArray(), got[0].toFloatArray()), at + ": y is the plain conv's");
                    assertTrue(pooled.shape().equals(got[1].shape()), at + ": pooled " + got[1].shape());
                    int half = pooled.numel() / 2;
                    double[] want = pooled.toDoubleArray(), have = got[1].toDoubleArray();
                    dev.saccade.tensor.testing.Tolerance.assertClose(at + " means", java.util.Arrays.copyOf(want, half),
                            java.util.Arrays.copyOf(have, half), 1e-6, 1e-6);
                    assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(want, half, want.length),
                            java.util.Arrays.copyOfRange(have, half, have.length)), at + ": the maxes are the pooling op's");
                }
            }
            Tensor x = Tensor.uniform(rng, -1, 1, 2, conv.inChannels(), 5, 5);
            assertThrows(IllegalStateException.class, () -> f.forwardPooled(x));              // gradients enabled
        }
    }

    @Test
    void foldedWeightsFollowParameterChanges() {
        SplittableRandom rng = new SplittableRandom(12);
        Conv conv = Conv.conv2d(4, 6, 1, 1, 0, 1, false, rng);
        BatchNorm bn = randomBatchNorm(6, rng);
        bn.eval();
        Tensor x = Tensor.uniform(rng, -1, 1, 2, 4, 5, 5);
        FoldedConv f = FoldedConv.of(conv, bn);
        try (var noGrad = GradMode.disable()) {
            f.forward(x, null, ConvActivation.NONE);                             // folds and caches
            Init.assign(bn.runningVar(), Tensor.uniform(rng, 3, 4, 6));          // moves the parameter version
            Init.assign(conv.weight(), Tensor.uniform(rng, -1, 1, 6, 4, 1, 1));
            assertClose(bn.forward(conv.forward(x)), f.forward(x, null, ConvActivation.NONE));
        }
    }

    @Test
    void sequentialFusesConvBatchNormActivationRuns() {
        SplittableRandom rng = new SplittableRandom(13);
        Sequential seq = new Sequential(Conv.conv2d(3, 8, 3, 1, 1, 1, false, rng), randomBatchNorm(8, rng),
                Activation.relu6(), Conv.conv2d(8, 8, 3, 2, 1, 8, false, rng), randomBatchNorm(8, rng),
                Activation.relu(), Conv.conv2d(8, 5, 1, 1, 0, 1, false, rng), randomBatchNorm(5, rng));
        seq.eval();
        Tensor x = Tensor.uniform(rng, -1, 1, 2, 3, 10, 9), residual = Tensor.uniform(rng, -1, 1, 2, 5, 5, 5);
        try (var noGrad = GradMode.disable()) {
            Tensor reference, fused = seq.forwardAdding(x, residual);
            try (var s = InferenceMode.unfused()) { reference = seq.forwardAdding(x, residual); }
            assertClose(reference, fused);
            assertTrue(seq.ownsInferenceOutput(), "the last step is a fused convolution");
        }
    }

    @Test
    void theInferenceConvolutionRefusesGradientsAndBadShapes() {
        SplittableRandom rng = new SplittableRandom(14);
        Conv conv = Conv.conv2d(4, 6, 3, 1, 1, 1, false, rng);
        FoldedConv f = FoldedConv.of(conv, null);
        Tensor x = Tensor.uniform(rng, -1, 1, 2, 4, 5, 5);
        assertThrows(IllegalStateException.class, () -> f.forward(x, null, ConvActivation.NONE));
        try (var noGrad = GradMode.disable()) {
            var e = assertThrows(ShapeException.class, () -> f.forward(Tensor.zeros(2, 3, 5, 5), null, ConvActivation.NONE));
            assertTrue(e.getMessage().contains("(2, 3, 5, 5)") || e.getMessage().contains("3 channels"), e.getMessage());
            var r = assertThrows(ShapeException.class, () -> f.forward(x, Tensor.zeros(2, 5, 5, 5), ConvActivation.RELU));
            assertTrue(r.getMessage().contains("residual"), r.getMessage());
            var c = x.backend().prepareConv(conv.weight().detach(), null, conv.params());
            var s = assertThrows(ShapeException.class, () -> InferenceConv.apply(Tensor.zeros(3, 4, 5, 5), c, null,
                    ConvActivation.NONE, 2, 8));
            assertTrue(s.getMessage().contains("T=2"), s.getMessage());
        }
    }

    /**
     * The output written into a dead residual: the floats of {@link FoldedConv#forward} bit for bit; in the residual's
     * own storage for a 1×1 and a strided 3×3 (the packed GEMM, K in one block), in a new buffer where the backend
     * does not (Winograd's 3×3, the stems' direct kernel, a residual that is a view), and refused when the residual
     * is the input itself.
     */
    @Test
    void outputIntoADeadResidualMatchesForwardAndSharesItsStorageWhereItCan() {
        SplittableRandom rng = new SplittableRandom(15);
        Conv pointwise = Conv.conv2d(16, 24, 1, 1, 0, 1, false, rng), strided = Conv.conv2d(32, 24, 3, 2, 1, 1, false, rng);
        Conv winograd = Conv.conv2d(16, 24, 3, 1, 1, 1, false, rng);
        Conv direct = Conv.conv2d(16, 24, 3, 2, 1, 1, false, rng);            // C_in·9 ≤ 256: the stems' direct kernel
        for (Conv conv : new Conv[] {pointwise, strided, winograd, direct}) {
            conv.eval();
            BatchNorm bn = randomBatchNorm(24, rng);
            bn.eval();
            FoldedConv f = FoldedConv.of(conv, bn);
            Tensor x = Tensor.uniform(rng, -1, 1, 3, conv.inChannels(), 10, 12);
            try (var noGrad = GradMode.disable()) {
                Tensor shape = f.forward(x, null, ConvActivation.NONE);
                Tensor residual = Tensor.uniform(rng, -1, 1, shape.shape().toArray());
                float[] want = f.forward(x, residual, ConvActivation.RELU).toFloatArray();
                Tensor out = f.forwardIntoResidual(x, residual, ConvActivation.RELU);
                assertTrue(java.util.Arrays.equals(want, out.toFloatArray()), conv.describe() + ": floats differ");
                boolean gemm = conv == pointwise || conv == strided;
                assertTrue(InferenceConv.sharesStorage(out, residual) == gemm, conv.describe() + ": storage");
                Tensor wide = Tensor.uniform(rng, -1, 1, 3, 30, shape.dim(2), shape.dim(3));   // the residual a view
                Tensor view = wide.narrow(1, 3, 24);
                float[] wantView = f.forward(x, view, ConvActivation.RELU).toFloatArray();
                Tensor outView = f.forwardIntoResidual(x, view, ConvActivation.RELU);
                assertTrue(java.util.Arrays.equals(wantView, outView.toFloatArray()), conv.describe() + ": view floats");
                assertTrue(!InferenceConv.sharesStorage(outView, wide), conv.describe() + ": a view's storage is not written");
            }
        }
        Conv same = Conv.conv2d(16, 16, 1, 1, 0, 1, false, rng);
        same.eval();
        Tensor x = Tensor.uniform(rng, -1, 1, 2, 16, 4, 4);
        try (var noGrad = GradMode.disable()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> FoldedConv.of(same, null).forwardIntoResidual(x, x, ConvActivation.RELU));
            assertTrue(e.getMessage().contains("shares storage with the input"), e.getMessage());
        }
    }

    private static void assertClose(Tensor want, Tensor got) {
        float[] a = want.toFloatArray(), b = got.toFloatArray();
        assertTrue(a.length == b.length, "lengths " + a.length + " and " + b.length);
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        assertTrue(scale > 0 && diff <= 1e-5 * scale, "max |diff| " + diff + " at scale " + scale);
    }
}
