package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AvgMaxPool;
import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ElementwiseUnary;
import dev.saccade.tensor.ops.FrameDifferenceAction;
import dev.saccade.tensor.ops.FrameDifferenceM2a;
import dev.saccade.tensor.ops.OnlineTemporalShift;
import dev.saccade.tensor.ops.SigmoidGate;
import dev.saccade.tensor.ops.TemporalConv;
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

    @Test void fusedTemporalAttentionOps() {
        Tensor x = Tensor.uniform(rng, -1, 1, 6, 5, 7, 3), k = Tensor.uniform(rng, -1, 1, 5, 1, 3);   // rows of 21: a tail
        Tensor maps = Tensor.uniform(rng, -1, 1, 16, 37, 1, 1), mk = Tensor.uniform(rng, -1, 1, 37, 1, 3); // W3's 1×1 planes
        Tensor view = Tensor.uniform(rng, -1, 1, 6, 3, 5, 7).transpose(1, 3);                          // (6, 7, 5, 3)
        Tensor vk = Tensor.uniform(rng, -1, 1, 7, 1, 3);
        conform("temporal_conv", () -> new TemporalConv(3).apply(x, k), 1e-6, 1e-5);
        conform("temporal_conv 1×1 planes", () -> new TemporalConv(8).apply(maps, mk), 1e-6, 1e-5);
        conform("temporal_conv of a view", () -> new TemporalConv(2).apply(view, vk), 1e-6, 1e-5);
        conform("temporal_conv gx", () -> x.backend().temporalConvBackward(x.mul(0.5), x, k, 3, true, false)[0], 1e-6, 1e-5);
        conform("temporal_conv gw", () -> x.backend().temporalConvBackward(x.mul(0.5), x, k, 3, false, true)[1], 1e-5, 1e-5);
        Tensor c = Tensor.uniform(rng, 0, 1, 6, 5, 1, 1), s = Tensor.uniform(rng, 0, 1, 6, 1, 7, 3);
        Tensor z = Tensor.uniform(rng, -6, 6, 6, 5, 7, 3);
        conform("sigmoid_gate", () -> new SigmoidGate(1).apply(x, z), 1e-6, 1e-5);
        Tensor zView = Tensor.uniform(rng, -6, 6, 6, 3, 5, 7).transpose(1, 3);                      // (6, 7, 5, 3) strided
        conform("sigmoid_gate of views", () -> new SigmoidGate(1).apply(view, zView), 1e-6, 1e-5);
        conform("sigmoid_gate gx", () -> x.backend().sigmoidGateBackward(z.mul(0.1), x, z, 1, true, true)[0], 1e-6, 1e-5);
        conform("sigmoid_gate gz", () -> x.backend().sigmoidGateBackward(z.mul(0.1), x, z, 1, true, true)[1], 1e-6, 1e-5);
        for (AvgMaxPool.Axis axis : AvgMaxPool.Axis.values()) {
            conform("avg_max_pool " + axis, () -> new AvgMaxPool(axis).apply(x), 1e-6, 1e-5);
            conform("avg_max_pool " + axis + " scaled", () -> new AvgMaxPool(axis).apply(x, c), 1e-6, 1e-5);
            conform("avg_max_pool " + axis + " of a view", () -> new AvgMaxPool(axis).apply(view), 1e-6, 1e-5);
            Tensor pooled = new AvgMaxPool(axis).apply(x, c), gp = pooled.mul(0.5).add(0.25);
            conform("avg_max_pool " + axis + " gx", () -> x.backend().avgMaxPoolBackward(gp, x, c, pooled, axis, true, true)[0], 1e-6, 1e-5);
            conform("avg_max_pool " + axis + " gc", () -> x.backend().avgMaxPoolBackward(gp, x, c, pooled, axis, true, true)[1], 1e-5, 1e-5);
        }
        for (BroadcastGate.Combine combine : BroadcastGate.Combine.values()) {
            conform("broadcast_gate " + combine, () -> new BroadcastGate(combine, 3).apply(x, c, s), 1e-6, 1e-6);
            conform("broadcast_gate " + combine + " of a view", () -> new BroadcastGate(combine, 3).apply(view, null,
                    Tensor.uniform(new SplittableRandom(3), 0, 1, 6, 1, 5, 3)), 1e-6, 1e-6);
            for (int i = 0; i < 3; i++) {
                int which = i;
                conform("broadcast_gate " + combine + " gradient " + which,
                        () -> x.backend().broadcastGateBackward(x.mul(0.5), x, c, s, combine, 3, true, true, true)[which], 1e-5, 1e-5);
            }
        }
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
