package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.SpatialAttentionGate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CBAM's spatial attention with its output gate as one op, against the composed ops (channel pooling, the k×k
 * convolution, the sigmoid, the gate with the residual epilogue): the Vector API kernel and, with SIMD off, the
 * backend's composed default, on odd channel counts (a remainder after the four-channel sweeps), planes narrower
 * and wider than a vector with tails, planes smaller than the kernel, k ∈ {3, 7}, T ∈ {1, 3, 8, 16}, with and
 * without a residual, every activation, views and offsets; the in-place form gives the same bits.
 */
class SpatialAttentionGateTest {
    private final SplittableRandom rng = new SplittableRandom(47);

    @AfterEach void restore() { Simd.setEnabled(true); }

    /** (C, H, W): a remainder channel, rows with tails, a row of exactly a vector and more, planes below k. */
    private static final int[][] PLANES = {{5, 7, 3}, {3, 1, 1}, {4, 2, 3}, {6, 4, 17}, {9, 5, 16}, {2, 9, 33}};

    private void check(String what, Tensor x, Tensor c, Tensor kernel, Tensor r, ConvActivation act) {
        Tensor[] want = SpatialAttentionGate.composed(x, c, kernel, r, act);
        for (boolean simd : new boolean[] {true, false}) {
            Simd.setEnabled(simd);
            try (var noGrad = GradMode.disable()) {
                Tensor[] got = SpatialAttentionGate.inference(x, c, kernel, r, act);
                assertEquals(want[1].shape(), got[1].shape(), what + ": the map's shape");
                assertClose(what + " map (simd " + simd + ")", want[1].toDoubleArray(), got[1].toDoubleArray(), 1e-6, 1e-6);
                assertTrue(got[0].isContiguous(), what + ": contiguous output");
                assertNotSame(x.storage(), got[0].storage(), what + ": a new output");
                assertClose(what + " (simd " + simd + ")", want[0].toDoubleArray(), got[0].toDoubleArray(), 1e-5, 1e-5);
                InferenceConv.recycle(got[0]);                    // the next case may get this buffer back, dirty
            }
        }
        Simd.setEnabled(true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 16})
    void everyOptionMatchesTheComposedOps(int frames) {
        for (int[] p : PLANES) {
            int m = frames, ch = p[0], h = p[1], w = p[2];
            Tensor x = Tensor.uniform(rng, -4, 4, m, ch, h, w), r = Tensor.uniform(rng, -8, 8, m, ch, h, w);
            Tensor c = Tensor.uniform(rng, 0, 1, m, ch, 1, 1);
            for (int k : new int[] {3, 7}) {
                Tensor kernel = Tensor.uniform(rng, -0.5, 0.5, 1, 2, k, k);
                for (Tensor res : new Tensor[] {r, null}) {
                    for (ConvActivation act : ConvActivation.values()) {
                        check("T=" + frames + " k=" + k + " residual=" + (res != null) + " " + act + " " + x.shape(), x, c, kernel, res, act);
                    }
                }
            }
        }
    }

    /** The map is the definition's: a hand-computed 3×3 case (one frame, two channels, c = 1). */
    @Test void theMapIsTheSigmoidOfTheConvolvedMeanAndMax() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, -1, 0, 7, 2, 2, 2}, 1, 2, 2, 3);
        Tensor c = Tensor.of(new float[] {1, 1}, 1, 2, 1, 1);
        float[] k = new float[18];
        k[4] = 1;                                                                         // centre of the mean's 3×3
        k[9 + 5] = 0.5f;                                                                  // right neighbour in the max's
        Tensor kernel = Tensor.of(k, 1, 2, 3, 3);
        float[] mean = {0, 1, 5, 3, 3.5f, 4}, max = {1, 2, 7, 4, 5, 6};
        try (var noGrad = GradMode.disable()) {
            float[] ms = SpatialAttentionGate.inference(x, c, kernel, null, ConvActivation.NONE)[1].toFloatArray();
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    double z = mean[i * 3 + j] + (j + 1 < 3 ? 0.5 * max[i * 3 + j + 1] : 0);
                    assertEquals(1 / (1 + Math.exp(-z)), ms[i * 3 + j], 1e-6, "M_s at (" + i + ", " + j + ")");
                }
            }
        }
    }

    @Test void viewsAndOffsets() {
        Tensor x = Tensor.uniform(rng, -4, 4, 6, 11, 5, 19).transpose(2, 3).narrow(1, 1, 9);     // (6, 9, 19, 5) non-contiguous
        Tensor r = Tensor.uniform(rng, -4, 4, 6, 9, 5, 19).transpose(2, 3);
        Tensor c = Tensor.uniform(rng, 0, 1, 9, 6).transpose(0, 1).reshape(6, 9, 1, 1);
        Tensor kernel = Tensor.uniform(rng, -0.5, 0.5, 1, 2, 7, 7);
        Tensor offsetX = Tensor.uniform(rng, -4, 4, 7, 9, 19, 5).narrow(0, 1, 6);              // contiguous, storage offset
        Tensor offsetR = Tensor.uniform(rng, -4, 4, 8, 9, 19, 5).narrow(0, 2, 6);
        for (ConvActivation act : ConvActivation.values()) {
            check(act + " of views", x, c, kernel, r, act);
            check(act + " at offsets", offsetX, c, kernel, offsetR, act);
        }
    }

    /** Into x's own storage: bit for bit the floats of a new output; a view of x gets a new output. */
    @Test void inPlaceIntoAWholeInputGivesTheFloatsOfANewOutput() {
        for (boolean simd : new boolean[] {true, false}) {
            Simd.setEnabled(simd);
            for (int[] p : PLANES) {
                int m = 4, ch = p[0], h = p[1], w = p[2];
                Tensor x = Tensor.uniform(rng, -4, 4, m, ch, h, w), r = Tensor.uniform(rng, -8, 8, m, ch, h, w);
                Tensor c = Tensor.uniform(rng, 0, 1, m, ch, 1, 1), kernel = Tensor.uniform(rng, -0.5, 0.5, 1, 2, 7, 7);
                try (var noGrad = GradMode.disable()) {
                    Tensor[] want = SpatialAttentionGate.inference(x, c, kernel, r, ConvActivation.RELU);
                    Tensor taken = Tensor.of(x.toFloatArray(), x.shape().toArray());
                    Tensor[] got = SpatialAttentionGate.inferenceInPlace(taken, c, kernel, r, ConvActivation.RELU);
                    if (simd) assertTrue(InferenceConv.sharesStorage(got[0], taken), "written into x " + x.shape());
                    assertArrayEquals(want[0].toFloatArray(), got[0].toFloatArray(), "simd " + simd + " " + x.shape());
                    assertArrayEquals(want[1].toFloatArray(), got[1].toFloatArray(), "simd " + simd + " map " + x.shape());
                }
            }
        }
        Simd.setEnabled(true);
        try (var noGrad = GradMode.disable()) {
            Tensor wide = Tensor.uniform(rng, -4, 4, 4, 7, 5, 6), view = wide.narrow(1, 2, 5);
            Tensor c = Tensor.uniform(rng, 0, 1, 4, 5, 1, 1), kernel = Tensor.uniform(rng, -0.5, 0.5, 1, 2, 3, 3);
            float[] want = SpatialAttentionGate.inference(view, c, kernel, null, ConvActivation.NONE)[0].toFloatArray();
            Tensor y = SpatialAttentionGate.inferenceInPlace(view, c, kernel, null, ConvActivation.NONE)[0];
            assertTrue(!InferenceConv.sharesStorage(y, wide), "a view of x is not written");
            assertArrayEquals(want, y.toFloatArray());
        }
    }

    /** The pooling shared with the channel pooling op gives its bits (the map's input is the same). */
    @Test void thePoolingIsTheChannelPoolingOpsBits() {
        Tensor x = Tensor.uniform(rng, -4, 4, 3, 7, 6, 19), c = Tensor.uniform(rng, 0, 1, 3, 7, 1, 1);
        Tensor center = Tensor.of(new float[] {1, 0}, 1, 2, 1, 1);                         // 1×1: the mean alone, through σ
        try (var noGrad = GradMode.disable()) {
            float[] ms = SpatialAttentionGate.inference(x, c, center, null, ConvActivation.NONE)[1].toFloatArray();
            float[] mean = Functional.channelAvgMaxPool(x, c).narrow(1, 0, 1).sigmoid().toFloatArray();
            assertArrayEquals(mean, ms);
        }
    }

    @Test void evaluationOnlyAndBadShapesNameTheOp() {
        Tensor x = Tensor.zeros(2, 4, 3, 5), c = Tensor.zeros(2, 4, 1, 1);
        assertThrows(IllegalStateException.class,
                () -> SpatialAttentionGate.inference(x, c, Tensor.zeros(1, 2, 3, 3), null, ConvActivation.RELU), "gradients enabled");
        try (var noGrad = GradMode.disable()) {
            for (Tensor bad : new Tensor[] {Tensor.zeros(1, 2, 4, 4), Tensor.zeros(1, 1, 3, 3), Tensor.zeros(2, 2, 3, 3), Tensor.zeros(1, 2, 3, 5)}) {
                var e = assertThrows(ShapeException.class, () -> SpatialAttentionGate.inference(x, c, bad, null, ConvActivation.RELU));
                assertTrue(e.getMessage().contains("spatial_attention_gate") && e.getMessage().contains(bad.shape().toString()), e.getMessage());
            }
            var e = assertThrows(ShapeException.class,
                    () -> SpatialAttentionGate.inference(x, c, Tensor.zeros(1, 2, 3, 3), Tensor.zeros(2, 4, 5, 3), ConvActivation.RELU));
            assertTrue(e.getMessage().contains("residual"), e.getMessage());
            assertThrows(ShapeException.class,
                    () -> SpatialAttentionGate.inference(x, Tensor.zeros(2, 3, 1, 1), Tensor.zeros(1, 2, 3, 3), null, ConvActivation.RELU));
        }
    }
}
