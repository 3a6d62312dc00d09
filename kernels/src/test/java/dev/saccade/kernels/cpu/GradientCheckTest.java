package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.GradCheck.check;
import static dev.saccade.tensor.testing.GradCheck.randomF64;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.FrameDifferenceAction;
import dev.saccade.tensor.ops.FrameDifferenceM2a;
import dev.saccade.tensor.ops.OnlineTemporalShift;
import dev.saccade.tensor.ops.TemporalShift;
import dev.saccade.tensor.ops.UnaryOp;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Finite-difference gradient checks (double precision, scalar reference) of the tensor-level ops. */
class GradientCheckTest {
    private final SplittableRandom rng = new SplittableRandom(7);

    /** Inputs away from each function's kinks and outside its domain limits. */
    private Tensor inputFor(UnaryOp op) {
        Tensor x = randomF64(rng, 3, 5);
        return switch (op) {
            case LOG, SQRT, RSQRT, POW_SCALAR, RECIPROCAL -> x.abs().add(0.5).detach();
            case ABS, RELU -> x.add(x.gt(Tensor.of(new double[] {0}, 1)).mul(0.2).sub(0.1)).detach(); // |x| ≥ 0.1
            case RELU6 -> x.mul(4).add(2).detach();
            default -> x;
        };
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unary(UnaryOp op) {
        Tensor x = inputFor(op);
        if (op == UnaryOp.RELU6) {
            // keep away from the kinks at 0 and 6
            double[] d = x.toDoubleArray();
            for (int i = 0; i < d.length; i++) if (Math.abs(d[i]) < 0.1 || Math.abs(d[i] - 6) < 0.1) d[i] += 0.3;
            x = Tensor.of(d, 3, 5);
        }
        check(op.name(), in -> new dev.saccade.tensor.ops.ElementwiseUnary(op, 1.7).apply(in[0]), x);
    }

    @Test void binaryWithBroadcast() {
        Tensor a = randomF64(rng, 2, 3, 4), b = randomF64(rng, 3, 1);
        check("add", in -> in[0].add(in[1]), a, b);
        check("sub", in -> in[0].sub(in[1]), randomF64(rng, 2, 3, 4), randomF64(rng, 1, 4));
        check("mul", in -> in[0].mul(in[1]), randomF64(rng, 2, 3, 4), randomF64(rng, 2, 1, 4));
        Tensor denom = randomF64(rng, 4).abs().add(0.5).detach();
        check("div", in -> in[0].div(in[1]), randomF64(rng, 3, 4), denom);
        check("maximum", in -> in[0].maximum(in[1]), randomF64(rng, 3, 4), randomF64(rng, 3, 4));
        check("minimum", in -> in[0].minimum(in[1]), randomF64(rng, 3, 4), randomF64(rng, 4));
    }

    @Test void reductions() {
        check("sum(all)", in -> in[0].sum(), randomF64(rng, 2, 3, 4));
        check("sum(0,2)", in -> in[0].sum(true, 0, 2), randomF64(rng, 2, 3, 4));
        check("mean(1)", in -> in[0].mean(1), randomF64(rng, 2, 3, 4));
        check("amax(1)", in -> in[0].amax(false, 1), randomF64(rng, 2, 5, 3));
        check("amin(0,2)", in -> in[0].amin(true, 0, 2), randomF64(rng, 2, 5, 3));
        check("var(1, unbiased)", in -> in[0].var(true, false, 1), randomF64(rng, 3, 6));
        check("var(0,2, biased)", in -> in[0].var(false, true, 0, 2), randomF64(rng, 3, 2, 4));
        check("softmax(-1)", in -> in[0].softmax(-1), randomF64(rng, 3, 7));
        check("softmax(1)", in -> in[0].softmax(1), randomF64(rng, 2, 4, 3));
        check("log_softmax(-1)", in -> in[0].logSoftmax(-1), randomF64(rng, 3, 7));
        check("log_softmax(0)", in -> in[0].logSoftmax(0), randomF64(rng, 4, 2));
    }

    @Test void matmul() {
        check("matmul 2d", in -> in[0].matmul(in[1]), randomF64(rng, 3, 4), randomF64(rng, 4, 5));
        check("matmul batched", in -> in[0].matmul(in[1]), randomF64(rng, 2, 3, 4), randomF64(rng, 2, 4, 2));
        check("matmul broadcast", in -> in[0].matmul(in[1]), randomF64(rng, 2, 3, 4), randomF64(rng, 4, 2));
        check("matmul transposed", in -> in[0].transpose(0, 1).matmul(in[1].transpose(0, 1)), randomF64(rng, 4, 3), randomF64(rng, 2, 4));
    }

    @Test void shapeOps() {
        check("reshape", in -> in[0].reshape(4, -1), randomF64(rng, 2, 3, 2));
        check("permute", in -> in[0].permute(2, 0, 1), randomF64(rng, 2, 3, 4));
        check("transpose+contiguous", in -> in[0].transpose(0, 2).contiguous(), randomF64(rng, 2, 3, 4));
        check("narrow", in -> in[0].narrow(1, 1, 2), randomF64(rng, 2, 4, 3));
        check("expand", in -> in[0].expand(2, 3, 4), randomF64(rng, 3, 1));
        check("pad", in -> in[0].pad(new int[] {1, 0, 0, 2}, 0.5), randomF64(rng, 2, 3));
        check("cat", in -> Tensor.cat(List.of(in[0], in[1]), 1), randomF64(rng, 2, 3), randomF64(rng, 2, 2));
        check("stack", in -> Tensor.stack(List.of(in[0], in[1]), 0), randomF64(rng, 2, 3), randomF64(rng, 2, 3));
        check("unsqueeze/squeeze", in -> in[0].unsqueeze(1).mul(2).squeeze(1), randomF64(rng, 2, 3));
        check("index_select", in -> in[0].indexSelect(0, Tensor.of(new long[] {2, 0, 2}, 3)), randomF64(rng, 3, 4));
        check("gather", in -> in[0].gather(1, Tensor.of(new long[] {0, 2, 1, 1}, 2, 2)), randomF64(rng, 2, 3));
        check("to(F32)→to(F64)", in -> in[0].mul(1.0), randomF64(rng, 2, 2));
    }

    @Test void temporalOps() {
        // (N·T, C, H, W) with N = 2, T = 3, C = 8 (fold 1 with foldDiv 8), odd H, W.
        check("temporal_shift", in -> new TemporalShift(3, 8).apply(in[0]), randomF64(rng, 6, 8, 3, 1));
        check("temporal_shift fold 2", in -> new TemporalShift(3, 4).apply(in[0]), randomF64(rng, 6, 8, 1, 2));
        check("temporal_shift_online", in -> new OnlineTemporalShift(3, 8).apply(in[0]), randomF64(rng, 6, 8, 3, 1));
        check("temporal_shift_online fold 3 of 7", in -> new OnlineTemporalShift(4, 2).apply(in[0]), randomF64(rng, 4, 7, 1, 2));
        check("temporal_shift_online of a transposed view", in -> new OnlineTemporalShift(2, 4).apply(in[0].transpose(2, 3)),
                randomF64(rng, 4, 8, 2, 3));
        check("frame_difference_m2a", in -> new FrameDifferenceM2a(3).apply(in[0]), randomF64(rng, 6, 2, 2, 3));
        check("frame_difference_action", in -> new FrameDifferenceAction(3).apply(in[0], in[1]),
                randomF64(rng, 6, 2, 2, 3), randomF64(rng, 6, 2, 2, 3));
    }
}
