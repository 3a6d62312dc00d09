package dev.saccade.models.attention;

import static dev.saccade.models.attention.Goldens.assertClose;
import static dev.saccade.models.attention.Goldens.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ACTION against V-Sense/ACTION-Net {@code models/action.py} {@code Action}. */
class ActionParityTest {
    private static final int T = 4;

    private static ActionModule build() {
        SplittableRandom rng = new SplittableRandom(2);
        Conv conv1 = Conv.conv2d(32, 8, 1, 1, 0, 1, false, rng);
        return (ActionModule) new ActionHooks(8).wrapFirstConv(new BlockContext("layer1.0", 0, 0, false, 32, 32, T, rng), conv1);
    }

    @Test void keys_are_the_official_ones() {
        assertEquals(List.of("net.weight", "action_shift.weight", "action_p1_conv1.weight", "action_p2_squeeze.weight",
                        "action_p2_conv1.weight", "action_p2_expand.weight", "action_p3_squeeze.weight",
                        "action_p3_bn1.weight", "action_p3_bn1.bias", "action_p3_bn1.running_mean", "action_p3_bn1.running_var",
                        "action_p3_bn1.num_batches_tracked", "action_p3_conv1.weight", "action_p3_expand.weight"),
                List.copyOf(build().stateDict().keySet()));
    }

    @Test void shift_is_initialised_like_the_official_one() {
        Map<String, Tensor> io = Goldens.load("action_eval.io.pth");
        Tensor official = get(io, "init.action_shift.weight");
        Tensor mine = build().namedParameters().get("action_shift.weight");
        assertEquals(official.shape(), mine.shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(official.toFloatArray(), mine.toFloatArray());
    }

    @Test void eval_mode_matches_official_action() {
        ActionModule act = build();
        Goldens.loadWeights(act, "action_eval");
        act.eval();
        check("action_eval", act, act::forward);
    }

    @Test void train_mode_matches_official_action_and_updates_running_stats_alike() {
        ActionModule act = build();
        Goldens.loadWeights(act, "action_train");
        act.train(true);
        // Training-mode batch norm through Functional.batchNorm, which is what nn BatchNorm.forward computes; the
        // layer itself cannot yet count batches (its I64 num_batches_tracked update is rejected by add_scalar).
        Weights w = Weights.of(act);
        java.util.function.UnaryOperator<Tensor> bn = t -> dev.saccade.tensor.ops.Functional.batchNorm(t,
                w.get("action_p3_bn1.running_mean"), w.get("action_p3_bn1.running_var"),
                w.get("action_p3_bn1.weight"), w.get("action_p3_bn1.bias"), true, 0.1, 1e-5);
        Map<String, Tensor> io = check("action_train", act, x -> act.net().forward(ActionModule.excite(x, T, w, bn)));
        Map<String, Tensor> buffers = act.namedBuffers();
        assertClose("action_train running_mean after", get(io, "after.action_p3_bn1.running_mean"), buffers.get("action_p3_bn1.running_mean"));
        assertClose("action_train running_var after", get(io, "after.action_p3_bn1.running_var"), buffers.get("action_p3_bn1.running_var"));
    }

    private static Map<String, Tensor> check(String caseName, ActionModule act, java.util.function.UnaryOperator<Tensor> forward) {
        Map<String, Tensor> io = Goldens.load(caseName + ".io.pth");
        Tensor x = get(io, "input").setRequiresGrad(true);
        Tensor out = forward.apply(x);
        assertClose(caseName + " output", get(io, "output"), out);
        out.backward(get(io, "upstream"));
        assertClose(caseName + " grad input", get(io, "grad.input"), x.grad());
        Goldens.assertParamGrads(caseName, act, io);
        return io;
    }
}
