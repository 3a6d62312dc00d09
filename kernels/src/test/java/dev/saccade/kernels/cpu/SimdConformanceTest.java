package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.ElementwiseUnary;
import dev.saccade.tensor.ops.FrameDifferenceAction;
import dev.saccade.tensor.ops.FrameDifferenceM2a;
import dev.saccade.tensor.ops.OnlineTemporalShift;
import dev.saccade.tensor.ops.TemporalShift;
import dev.saccade.tensor.ops.UnaryOp;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every Vector API kernel against its scalar twin (the same op with {@code Simd.setEnabled(false)}), on F32 with odd
 * sizes (tails shorter than a vector), non-contiguous views and broadcasting.
 */
class SimdConformanceTest {
    private final SplittableRandom rng = new SplittableRandom(11);

    @AfterEach void restore() { Simd.setEnabled(true); }

    /** Runs {@code op} with SIMD on and off and compares the results. */
    private static void conform(String what, Supplier<Tensor> op, double atol, double rtol) {
        Simd.setEnabled(true);
        float[] fast = op.get().toFloatArray();
        Simd.setEnabled(false);
        float[] reference = op.get().toFloatArray();
        Simd.setEnabled(true);
        assertClose(what, reference, fast, atol, rtol);
    }

    private Tensor positive(int... shape) { return Tensor.uniform(rng, 0.2, 3, shape); }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOnOddSizesAndViews(UnaryOp op) {
        Tensor x = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.POW_SCALAR
                ? positive(3, 37) : Tensor.uniform(rng, -8, 8, 3, 37);
        conform(op + " contiguous", () -> new ElementwiseUnary(op, 1.3).apply(x), 1e-6, 1e-5);
        conform(op + " transposed view", () -> new ElementwiseUnary(op, 1.3).apply(x.transpose(0, 1)), 1e-6, 1e-5);
        conform(op + " narrowed view", () -> new ElementwiseUnary(op, 1.3).apply(x.narrow(1, 3, 31)), 1e-6, 1e-5);
        Tensor y = new ElementwiseUnary(op, 1.3).apply(x);
        Tensor g = Tensor.uniform(rng, -1, 1, 3, 37);
        conform(op + " backward", () -> x.backend().unaryBackward(op, x, y, g, 1.3), 1e-6, 1e-5);
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryWithBroadcastAndViews(BinaryOp op) {
        Tensor a = Tensor.uniform(rng, -2, 2, 5, 3, 19), b = Tensor.uniform(rng, 0.5, 2, 3, 1);
        Tensor c = Tensor.uniform(rng, -2, 2, 19);
        conform(op + " (5,3,19)∘(3,1)", () -> a.binary(op, b), 1e-6, 1e-6);
        conform(op + " (5,3,19)∘(19,)", () -> a.binary(op, c), 1e-6, 1e-6);
        conform(op + " view∘view", () -> a.transpose(0, 2).binary(op, a.transpose(0, 2).mul(0.5)), 1e-6, 1e-6);
        conform(op + " scalar∘tensor", () -> Tensor.of(new float[] {0.7f}).binary(op, a), 1e-6, 1e-6);
    }

    @Test void reductionsAndSoftmax() {
        Tensor x = Tensor.uniform(rng, -3, 3, 4, 5, 33);
        conform("sum(2)", () -> x.sum(2), 1e-4, 1e-5);
        conform("sum(0,2)", () -> x.sum(0, 2), 1e-4, 1e-5);
        conform("sum(1) of view", () -> x.transpose(1, 2).sum(1), 1e-4, 1e-5);
        conform("amax(2)", () -> x.amax(false, 2), 0, 0);
        conform("amin(0,1)", () -> x.amin(false, 0, 1), 0, 0);
        // innermost axis kept: whole rows accumulate (ColumnReduce)
        conform("sum(1), rows of 33", () -> x.sum(1), 1e-4, 1e-5);
        conform("sum(0,1), rows of 33", () -> x.sum(0, 1), 1e-4, 1e-5);
        conform("amax(1), rows of 33", () -> x.amax(true, 1), 0, 0);
        conform("amin(0), rows of 33", () -> x.amin(false, 0), 0, 0);
        conform("sum(0) of narrowed view", () -> x.narrow(2, 3, 29).sum(0), 1e-4, 1e-5);
        Tensor maps = Tensor.uniform(rng, -3, 3, 3, 4, 5, 6);           // (N, C, H, W): H and W merge into rows of 30
        conform("amax(1) of maps", () -> maps.amax(true, 1), 0, 0);
        conform("sum(0,1) of maps", () -> maps.sum(0, 1), 1e-4, 1e-5);
        conform("sum(1) of maps narrowed in W", () -> maps.narrow(3, 1, 4).sum(1), 1e-4, 1e-5);
        Tensor wide = Tensor.uniform(rng, -3, 3, 3, 300, 1, 2100);    // rows split into chunks over threads
        conform("sum(1) of wide rows", () -> wide.sum(1), 1e-3, 1e-5);
        conform("amax(0,1) of wide rows", () -> wide.amax(false, 0, 1), 0, 0);
        conform("softmax", () -> x.softmax(-1), 1e-6, 1e-5);
        conform("log_softmax(1)", () -> x.logSoftmax(1), 1e-5, 1e-5);
    }

    @Test void matmulAgainstScalarGemm() {
        Tensor a = Tensor.uniform(rng, -1, 1, 3, 17, 29), b = Tensor.uniform(rng, -1, 1, 3, 29, 13);
        conform("matmul batched", () -> a.matmul(b), 1e-4, 1e-4);
        conform("matmul aᵀ·bᵀ", () -> a.transpose(1, 2).contiguous().transpose(1, 2).matmul(b.transpose(1, 2).contiguous().transpose(1, 2)), 1e-4, 1e-4);
        conform("matmul broadcast b", () -> a.matmul(b.narrow(0, 0, 1).squeeze(0)), 1e-4, 1e-4);
    }

    @Test void temporalOps() {
        Tensor x = Tensor.uniform(rng, -1, 1, 6, 16, 5, 7);
        conform("temporal_shift", () -> new TemporalShift(3, 8).apply(x), 0, 0);
        conform("temporal_shift_online", () -> new OnlineTemporalShift(3, 8).apply(x), 0, 0);
        conform("temporal_shift_online of a transposed view", () -> new OnlineTemporalShift(2, 8).apply(x.transpose(2, 3)), 0, 0);
        conform("frame_difference_m2a", () -> new FrameDifferenceM2a(3).apply(x), 0, 0);
        conform("frame_difference_action", () -> new FrameDifferenceAction(2).apply(x, x.mul(0.5)), 0, 0);
    }

    @Test void axpyAndCopy() {
        Tensor src = Tensor.uniform(rng, -1, 1, 7, 35);
        conform("axpy", () -> {
            Tensor dst = Tensor.uniform(new SplittableRandom(3), -1, 1, 7, 35);
            dst.backend().axpy(0.3, src, dst);
            return dst;
        }, 1e-6, 1e-6);
        conform("copy of transposed view", () -> src.transpose(0, 1).contiguous(), 0, 0);
    }
}
