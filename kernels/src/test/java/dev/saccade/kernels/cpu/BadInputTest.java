package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.OnlineTemporalShift;
import dev.saccade.tensor.ops.TemporalShift;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wrong shapes, dtypes and misuse of autograd give errors that name the op and the shapes. */
class BadInputTest {
    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention '" + p + "'");
    }

    @Test void broadcastMismatchNamesBothShapes() {
        var e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertMessage(e, "(2, 3)", "(4,)");
    }

    @Test void matmulInnerMismatch() {
        var e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        assertMessage(e, "matmul", "(2, 3)", "(4, 5)");
    }

    @Test void dtypeMismatch() {
        var e = assertThrows(ShapeException.class, () -> Tensor.zeros(2).add(Tensor.of(new double[] {1, 2}, 2)));
        assertMessage(e, "add", "F32", "F64");
    }

    @Test void reshapeWrongCount() {
        var e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
        assertMessage(e, "(2, 3)", "(4, 2)");
    }

    @Test void temporalShiftNeedsMultipleOfFrames() {
        var e = assertThrows(ShapeException.class, () -> new TemporalShift(3, 8).apply(Tensor.zeros(4, 8, 2, 2)));
        assertMessage(e, "temporal_shift", "(4, 8, 2, 2)", "T=3");
    }

    @Test void onlineTemporalShiftNeedsMultipleOfFramesAndRank4() {
        var e = assertThrows(ShapeException.class, () -> new OnlineTemporalShift(3, 8).apply(Tensor.zeros(4, 8, 2, 2)));
        assertMessage(e, "temporal_shift_online", "(4, 8, 2, 2)", "T=3");
        var r = assertThrows(ShapeException.class, () -> new OnlineTemporalShift(2, 8).apply(Tensor.zeros(4, 8, 2)));
        assertMessage(r, "temporal_shift_online", "(4, 8, 2)");
    }

    @Test void catMismatch() {
        var e = assertThrows(ShapeException.class, () -> Tensor.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 3)), 1));
        assertMessage(e, "cat", "(3, 3)", "(2, 3)");
    }

    @Test void backwardWithoutGraph() {
        var e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(1).backward());
        assertMessage(e, "does not require grad");
    }

    @Test void backwardTwiceFreesGraph() {
        Tensor w = Tensor.ones(3).setRequiresGrad(true);
        Tensor loss = w.mul(w).sum();
        loss.backward();
        var e = assertThrows(IllegalStateException.class, loss::backward);
        assertMessage(e, "freed");
    }

    @Test void gradientAccumulatesAcrossBackwards() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3).setRequiresGrad(true);
        w.mul(w).sum().backward();
        w.mul(3).sum().backward();
        float[] g = w.grad().toFloatArray();
        for (int i = 0; i < 3; i++) org.junit.jupiter.api.Assertions.assertEquals(2 * (i + 1) + 3, g[i], 1e-6);
    }

    @Test void noGradScopeRecordsNothing() {
        Tensor w = Tensor.ones(3).setRequiresGrad(true);
        try (var scope = dev.saccade.tensor.autograd.GradMode.disable()) {
            org.junit.jupiter.api.Assertions.assertNull(w.mul(2).gradFn());
        }
        org.junit.jupiter.api.Assertions.assertNotNull(w.mul(2).gradFn());
    }

    @Test void indexOutOfRange() {
        var e = assertThrows(ShapeException.class, () -> Tensor.zeros(3, 2).indexSelect(0, Tensor.of(new long[] {3}, 1)));
        assertMessage(e, "index_select", "3", "(3, 2)");
    }
}
