package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.BroadcastGate.Combine;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.InferenceGate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inference gate with the residual block's epilogue, {@code act(gate(x) + residual)}, against the composed ops
 * (the gate, an add, the activation), with the Vector API kernel and its scalar twin, on every combination of its
 * options (each gate present or not, SUM or PRODUCT, residual or not, each activation), odd shapes, T ∈ {1, 3, 8},
 * rows shorter than a vector, one-pixel planes and non-contiguous views.
 */
class InferenceGateTest {
    private final SplittableRandom rng = new SplittableRandom(31);
    private final Backend cpu = new CpuBackend();

    @AfterEach void restore() { Simd.setEnabled(true); }

    /** (C, H, W) planes: rows of a vector and more, odd rows with tails, one-pixel planes. */
    private static final int[][] PLANES = {{5, 7, 3}, {3, 1, 1}, {4, 2, 3}, {2, 4, 9}, {3, 5, 5}};

    private void check(String what, Tensor x, Tensor c, Tensor s, Combine combine, double offset, Tensor r, ConvActivation act) {
        Tensor expected = InferenceGate.composed(x, c, s, combine, offset, r, act);
        for (boolean simd : new boolean[] {true, false}) {
            Simd.setEnabled(simd);
            try (var noGrad = GradMode.disable()) {
                Tensor y = InferenceGate.apply(x, c, s, combine, offset, r, act);
                assertTrue(y.isContiguous(), what + ": contiguous output");
                assertNotSame(x.storage(), y.storage(), what + ": a new output");
                assertClose(what + " (simd " + simd + ")", expected.toDoubleArray(), y.toDoubleArray(), 1e-6, 1e-6);
                InferenceConv.recycle(y);                         // the next case may get this buffer back, dirty
            }
        }
        Simd.setEnabled(true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void everyOptionMatchesTheComposedOps(int frames) {
        for (int[] p : PLANES) {
            int m = 2 * frames, ch = p[0], h = p[1], w = p[2];
            Tensor x = Tensor.uniform(rng, -4, 4, m, ch, h, w), r = Tensor.uniform(rng, -8, 8, m, ch, h, w);
            Tensor cg = Tensor.uniform(rng, 0, 2, m, ch, 1, 1), sg = Tensor.uniform(rng, 0, 2, m, 1, h, w);
            for (Combine combine : Combine.values()) {
                for (int present = 0; present < 8; present++) {
                    Tensor c = (present & 1) != 0 ? cg : null, s = (present & 2) != 0 ? sg : null, res = (present & 4) != 0 ? r : null;
                    for (ConvActivation act : ConvActivation.values()) {
                        String what = "T=" + frames + " " + combine + " c=" + (c != null) + " s=" + (s != null) + " residual="
                                + (res != null) + " " + act + " " + x.shape();
                        check(what, x, c, s, combine, 3, res, act);
                    }
                }
            }
        }
    }

    @Test void viewsAndOffsets() {
        Tensor x = Tensor.uniform(rng, -4, 4, 6, 11, 5, 9).transpose(2, 3).narrow(1, 1, 9);      // (6, 9, 9, 5) non-contiguous
        Tensor r = Tensor.uniform(rng, -4, 4, 6, 9, 5, 9).transpose(2, 3);                       // (6, 9, 9, 5) non-contiguous
        Tensor c = Tensor.uniform(rng, 0, 1, 9, 6).transpose(0, 1).reshape(6, 9, 1, 1);
        Tensor s = Tensor.uniform(rng, 0, 1, 6, 5, 9).transpose(1, 2).unsqueeze(1);              // (6, 1, 9, 5) non-contiguous
        Tensor offsetX = Tensor.uniform(rng, -4, 4, 7, 9, 9, 5).narrow(0, 1, 6);                 // contiguous, storage offset
        Tensor offsetR = Tensor.uniform(rng, -4, 4, 8, 9, 9, 5).narrow(0, 2, 6);
        for (Combine combine : Combine.values()) {
            for (ConvActivation act : ConvActivation.values()) {
                check(combine + " " + act + " of views", x, c, s, combine, 3, r, act);
                check(combine + " " + act + " at offsets", offsetX, c, s, combine, 3, offsetR, act);
            }
        }
    }

    /**
     * Into x's own storage ({@link InferenceGate#applyInPlace}): bit for bit the floats of {@link InferenceGate#apply},
     * with the Vector API kernel and its scalar twin, every option; x a view, or a gate on x's storage, get a new
     * output instead.
     */
    @Test void inPlaceIntoAWholeInputGivesTheFloatsOfANewOutput() {
        for (boolean simd : new boolean[] {true, false}) {
            Simd.setEnabled(simd);
            for (int[] p : PLANES) {
                int m = 6, ch = p[0], h = p[1], w = p[2];
                Tensor x = Tensor.uniform(rng, -4, 4, m, ch, h, w), r = Tensor.uniform(rng, -8, 8, m, ch, h, w);
                Tensor cg = Tensor.uniform(rng, 0, 2, m, ch, 1, 1), sg = Tensor.uniform(rng, 0, 2, m, 1, h, w);
                for (Combine combine : Combine.values())
                    for (int present = 0; present < 8; present++)
                        for (ConvActivation act : ConvActivation.values()) {
                            Tensor c = (present & 1) != 0 ? cg : null, s = (present & 2) != 0 ? sg : null, res = (present & 4) != 0 ? r : null;
                            String what = "simd " + simd + " " + combine + " c=" + (c != null) + " s=" + (s != null)
                                    + " residual=" + (res != null) + " " + act + " " + x.shape();
                            try (var noGrad = GradMode.disable()) {
                                float[] want = InferenceGate.apply(x, c, s, combine, 3, res, act).toFloatArray();
                                Tensor taken = Tensor.of(x.toFloatArray(), x.shape().toArray());
                                Tensor y = InferenceGate.applyInPlace(taken, c, s, combine, 3, res, act);
                                assertTrue(InferenceConv.sharesStorage(y, taken), what + ": written into x");
                                assertArrayEquals(want, y.toFloatArray(), what);
                            }
                        }
            }
        }
        Simd.setEnabled(true);
        try (var noGrad = GradMode.disable()) {
            Tensor wide = Tensor.uniform(rng, -4, 4, 4, 7, 5, 6), view = wide.narrow(1, 2, 5);
            Tensor r = Tensor.uniform(rng, -4, 4, 4, 5, 5, 6), c = Tensor.uniform(rng, 0, 2, 4, 5, 1, 1);
            float[] want = InferenceGate.apply(view, c, null, Combine.PRODUCT, 0, r, ConvActivation.RELU).toFloatArray();
            Tensor y = InferenceGate.applyInPlace(view, c, null, Combine.PRODUCT, 0, r, ConvActivation.RELU);
            assertTrue(!InferenceConv.sharesStorage(y, wide), "a view of x is not written");
            assertArrayEquals(want, y.toFloatArray());
            Tensor pixels = Tensor.uniform(rng, 0, 2, 4, 1, 5, 6);                         // s is x itself: C = 1
            float[] wantSelf = InferenceGate.apply(pixels, null, pixels, Combine.SUM, 1, null, ConvActivation.NONE).toFloatArray();
            Tensor self = InferenceGate.applyInPlace(pixels, null, pixels, Combine.SUM, 1, null, ConvActivation.NONE);
            assertTrue(!InferenceConv.sharesStorage(self, pixels), "a gate on x's storage: a new output");
            assertArrayEquals(wantSelf, self.toFloatArray());
        }
    }

    @Test void theRectifiedSumIsExact() {
        // relu(x + r) with no gate is the block's plain epilogue: every element as float addition gives it
        Tensor x = Tensor.uniform(rng, -1, 1, 3, 4, 5, 7), r = Tensor.uniform(rng, -1, 1, 3, 4, 5, 7);
        try (var noGrad = GradMode.disable()) {
            double[] y = InferenceGate.apply(x, null, null, Combine.PRODUCT, 0, r, ConvActivation.RELU).toDoubleArray();
            double[] xv = x.toDoubleArray(), rv = r.toDoubleArray();
            for (int i = 0; i < y.length; i++) assertTrue(y[i] == Math.max(0f, (float) xv[i] + (float) rv[i]), "element " + i);
        }
    }

    @Test void evaluationOnlyAndBadShapesNameTheOp() {
        Tensor x = Tensor.zeros(6, 4, 3, 2);
        assertThrows(IllegalStateException.class,
                () -> InferenceGate.apply(x, null, null, Combine.PRODUCT, 0, x, ConvActivation.RELU), "gradients enabled");
        try (var noGrad = GradMode.disable()) {
            var e = assertThrows(ShapeException.class,
                    () -> InferenceGate.apply(x, null, null, Combine.PRODUCT, 0, Tensor.zeros(6, 4, 2, 3), ConvActivation.RELU));
            assertTrue(e.getMessage().contains("inference_gate"), e.getMessage());
            assertThrows(ShapeException.class,
                    () -> InferenceGate.apply(x, Tensor.zeros(6, 3, 1, 1), null, Combine.PRODUCT, 0, null, ConvActivation.NONE));
        }
    }
}
