package dev.saccade.nn.parity;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.PoolParams;
import java.util.List;
import java.util.Map;

/**
 * Builds the saccade call of a {@link GoldenCase} from its op name and PyTorch-style parameters. Each branch names
 * the PyTorch call of {@code scripts/make_op_goldens.py} it mirrors.
 *
 * <pre>{@code
 * Map<String, Tensor> extras = new HashMap<>();
 * Tensor out = SaccadeCalls.forward(c, Map.of("x", x), extras);
 * }</pre>
 */
final class SaccadeCalls {
    private SaccadeCalls() {}

    /**
     * Runs the forward of case {@code c} on {@code in} (input name → tensor). Side outputs named in the case's
     * {@code extra_outputs} are put into {@code extras} once the forward has run.
     */
    static Tensor forward(GoldenCase c, Map<String, Tensor> in, Map<String, Tensor> extras) {
        return switch (c.op()) {
            case "unary" -> unary(c, in.get("x"));
            case "binary" -> binary(c, in.get("a"), in.get("b"));
            case "sum" -> in.get("x").sum(c.boolParam("keepdim"), c.intsParam("axes"));
            case "mean" -> in.get("x").mean(c.boolParam("keepdim"), c.intsParam("axes"));
            case "amax" -> in.get("x").amax(c.boolParam("keepdim"), c.intsParam("axes"));
            case "amin" -> in.get("x").amin(c.boolParam("keepdim"), c.intsParam("axes"));
            case "var" -> in.get("x").var(c.boolParam("unbiased"), c.boolParam("keepdim"), c.intsParam("axes"));
            case "softmax" -> in.get("x").softmax(c.intParam("axis"));
            case "log_softmax" -> in.get("x").logSoftmax(c.intParam("axis"));
            case "cross_entropy" -> Functional.crossEntropy(in.get("logits"), in.get("targets"));
            case "matmul" -> in.get("a").matmul(in.get("b"));
            case "linear" -> Functional.linear(in.get("x"), in.get("w"), in.get("b"));
            case "conv" -> Functional.conv(in.get("x"), in.get("w"), in.get("b"),
                    new ConvParams(c.intsParam("stride"), c.intsParam("padding"), c.intsParam("dilation"), c.intParam("groups")));
            case "max_pool" -> Functional.maxPool(in.get("x"), poolParams(c));
            case "avg_pool" -> Functional.avgPool(in.get("x"), poolParams(c));
            case "adaptive_avg_pool" -> Functional.adaptiveAvgPool(in.get("x"), c.intsParam("out_size"));
            case "batch_norm" -> batchNorm(c, in, extras);
            case "layer_norm" -> Functional.layerNorm(in.get("x"), c.intParam("normalized_axes"), in.get("weight"), in.get("bias"), c.doubleParam("eps"));
            case "permute" -> in.get("x").permute(c.intsParam("order")).contiguous();
            case "narrow" -> in.get("x").narrow(c.intParam("axis"), c.intParam("start"), c.intParam("length"));
            case "cat" -> Tensor.cat(inOrder(c, in), c.intParam("axis"));
            case "stack" -> Tensor.stack(inOrder(c, in), c.intParam("axis"));
            case "pad" -> in.get("x").pad(fromTorchPad(c.intsParam("torch_pad"), in.get("x").rank()), c.doubleParam("value"));
            case "index_select" -> in.get("x").indexSelect(c.intParam("axis"), in.get("index"));
            case "gather" -> in.get("x").gather(c.intParam("axis"), in.get("index"));
            case "expand" -> in.get("x").expand(c.intsParam("shape"));
            case "temporal_shift" -> Functional.temporalShift(in.get("x"), c.intParam("frames"), c.intParam("fold_div"));
            case "temporal_shift_online" -> Functional.temporalShiftOnline(in.get("x"), c.intParam("frames"), c.intParam("fold_div"));
            case "frame_difference_m2a" -> Functional.frameDifferenceM2a(in.get("x"), c.intParam("frames"));
            case "frame_difference_action" -> Functional.frameDifferenceAction(in.get("a"), in.get("b"), c.intParam("frames"));
            case "action_motion" -> {
                // ACTION-Net ME: depthwise 3×3 conv (padding 1, no bias), then conv(x)[t+1] − x[t], zero last frame.
                Tensor x = in.get("x");                                        // (N·T, C, H, W)
                Tensor conv = Functional.conv2d(x, in.get("w"), null, 1, 1, 1, x.dim(1));
                yield Functional.frameDifferenceAction(conv, x, c.intParam("frames"));
            }
            case "temporal_conv" -> Functional.temporalConv(in.get("x"), in.get("w"), c.intParam("frames"));
            case "broadcast_gate" -> broadcastGate(c, in);
            case "avg_max_pool" -> avgMaxPool(c, in);
            case "sigmoid_gate" -> Functional.sigmoidGate(in.get("x"), in.get("z"), c.doubleParam("offset"));
            default -> throw new IllegalArgumentException("case '" + c.name() + "': unknown op '" + c.op() + "' in cases.json");
        };
    }

    /**
     * ACTION-Net's {@code x·c + x·s + α·x} ({@code combine = sum}) or CBAM's {@code x·c·s} ({@code product}); a gate
     * missing from the case's inputs is absent.
     */
    private static Tensor broadcastGate(GoldenCase c, Map<String, Tensor> in) {
        String combine = c.stringParam("combine");
        return switch (combine) {
            case "sum" -> Functional.gateSum(in.get("x"), in.get("c"), in.get("s"), c.doubleParam("offset"));
            case "product" -> Functional.gateProduct(in.get("x"), in.get("c"), in.get("s"));
            default -> throw new IllegalArgumentException("case '" + c.name() + "': unknown combine '" + combine + "'");
        };
    }

    /** stack([mean, amax] of x·c over H, W) (2, M, C), or cat([mean, amax] over C) (M, 2, H, W); c may be absent. */
    private static Tensor avgMaxPool(GoldenCase c, Map<String, Tensor> in) {
        String axis = c.stringParam("axis");
        return switch (axis) {
            case "spatial" -> Functional.spatialAvgMaxPool(in.get("x"), in.get("c"));
            case "channel" -> Functional.channelAvgMaxPool(in.get("x"), in.get("c"));
            default -> throw new IllegalArgumentException("case '" + c.name() + "': unknown axis '" + axis + "'");
        };
    }

    /** torch.neg/exp/…, and the scalar forms {@code x + α}, {@code x · α}, {@code α − x}, {@code x ** α}. */
    private static Tensor unary(GoldenCase c, Tensor x) {
        String fn = c.stringParam("fn");
        return switch (fn) {
            case "neg" -> x.neg();
            case "exp" -> x.exp();
            case "log" -> x.log();
            case "sqrt" -> x.sqrt();
            case "rsqrt" -> x.rsqrt();
            case "abs" -> x.abs();
            case "relu" -> x.relu();
            case "relu6" -> x.relu6();
            case "sigmoid" -> x.sigmoid();
            case "tanh" -> x.tanh();
            case "square" -> x.square();
            case "reciprocal" -> x.reciprocal();
            case "add_scalar" -> x.add(c.doubleParam("alpha"));
            case "mul_scalar" -> x.mul(c.doubleParam("alpha"));
            case "rsub_scalar" -> x.rsub(c.doubleParam("alpha"));
            case "pow_scalar" -> x.pow(c.doubleParam("alpha"));
            default -> throw new IllegalArgumentException("case '" + c.name() + "': unknown unary fn '" + fn + "'");
        };
    }

    /** torch.add/sub/mul/div/maximum/minimum with broadcasting. */
    private static Tensor binary(GoldenCase c, Tensor a, Tensor b) {
        String fn = c.stringParam("fn");
        return switch (fn) {
            case "add" -> a.add(b);
            case "sub" -> a.sub(b);
            case "mul" -> a.mul(b);
            case "div" -> a.div(b);
            case "maximum" -> a.maximum(b);
            case "minimum" -> a.minimum(b);
            default -> throw new IllegalArgumentException("case '" + c.name() + "': unknown binary fn '" + fn + "'");
        };
    }

    private static PoolParams poolParams(GoldenCase c) {
        return new PoolParams(c.intsParam("kernel"), c.intsParam("stride"), c.intsParam("padding"));
    }

    /**
     * F.batch_norm: training mode updates the running statistics in place (momentum 0.1, unbiased variance), as
     * PyTorch does; the updated values are the case's extra outputs.
     */
    private static Tensor batchNorm(GoldenCase c, Map<String, Tensor> in, Map<String, Tensor> extras) {
        Tensor runningMean = in.get("running_mean"), runningVar = in.get("running_var");
        Tensor y = Functional.batchNorm(in.get("x"), runningMean, runningVar, in.get("weight"), in.get("bias"),
                c.boolParam("training"), c.doubleParam("momentum"), c.doubleParam("eps"));
        if (c.extraOutputs().contains("running_mean_out")) extras.put("running_mean_out", runningMean);
        if (c.extraOutputs().contains("running_var_out")) extras.put("running_var_out", runningVar);
        return y;
    }

    private static List<Tensor> inOrder(GoldenCase c, Map<String, Tensor> in) {
        return c.inputs().stream().map(in::get).toList();
    }

    /**
     * F.pad lists (before, after) pairs from the last axis backwards and may cover only the trailing axes; saccade's
     * {@code pad} takes one pair per axis from the first.
     */
    static int[] fromTorchPad(int[] torchPad, int rank) {
        if (torchPad.length % 2 != 0 || torchPad.length > 2 * rank) {
            throw new IllegalArgumentException("torch pad of " + torchPad.length + " entries does not fit rank " + rank);
        }
        int[] pads = new int[2 * rank];
        for (int j = 0; j < torchPad.length / 2; j++) {
            int axis = rank - 1 - j;
            pads[2 * axis] = torchPad[2 * j];
            pads[2 * axis + 1] = torchPad[2 * j + 1];
        }
        return pads;
    }
}
