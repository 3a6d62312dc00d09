package dev.saccade.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.nn.Goldens;
import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvParams;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layers against PyTorch: weights written by {@code scripts/make_nn_goldens.py} are loaded through
 * {@link Module#loadStateDict}; outputs and input/weight gradients for a fixed upstream gradient must match.
 */
class LayerParityTest {
    private static final SplittableRandom RNG = new SplittableRandom(7);

    /** Loads the golden's parameters into {@code m}, runs forward/backward, compares y, gx and every parameter grad. */
    private static void check(Goldens g, Module m) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String name : m.namedParameters().keySet()) weights.put(name, g.tensor(name));
        m.loadStateDict(weights, false);
        Tensor x = g.tensor("x").setRequiresGrad(true);
        Tensor y = m.forward(x);
        g.assertMatches("y", y);
        y.backward(g.tensor("gy"));
        g.assertMatches("gx", x.grad());
        for (var p : m.namedParameters().entrySet()) g.assertMatches("g" + p.getKey(), p.getValue().grad());
    }

    @Test void linear() {
        check(Goldens.load("linear"), new Linear(6, 5, true, RNG));
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv1d_groups", "conv2d", "conv2d_depthwise", "conv3d"})
    void conv(String name) {
        Goldens g = Goldens.load(name);
        int[] w = g.raw("weight").shape();                       // (C_out, C_in/groups, *k)
        int rank = w.length - 2, groups = g.integer("groups");
        int[] kernel = java.util.Arrays.copyOfRange(w, 2, w.length);
        ConvParams p = ConvParams.uniform(rank, g.integer("stride"), g.integer("padding"), 1, groups);
        Conv conv = new Conv(w[1] * groups, w[0], kernel, p, g.has("bias"), RNG);
        assertEquals(g.has("bias"), conv.bias() != null);
        check(g, conv);
    }

    @Test void layerNormAffine() {
        check(Goldens.load("layernorm_affine"), new LayerNorm(new int[] {4, 5}, true, 1e-5));
    }

    @Test void layerNormWithoutAffine() {
        LayerNorm ln = new LayerNorm(new int[] {5}, false, 1e-5);
        assertEquals(0, ln.namedParameters().size());
        check(Goldens.load("layernorm_plain"), ln);
    }

    @Test void batchNorm2dTrainingStepsThenEval() {
        Goldens g = Goldens.load("batchnorm2d");
        BatchNorm bn = new BatchNorm(3);
        bn.loadStateDict(Map.of("weight", g.tensor("weight"), "bias", g.tensor("bias")), false);
        bn.train(true);
        g.assertMatches("y1", bn.forward(g.tensor("x1")));
        Tensor x2 = g.tensor("x2").setRequiresGrad(true);
        Tensor y2 = bn.forward(x2);
        g.assertMatches("y2", y2);
        y2.backward(g.tensor("gy2"));
        g.assertMatches("gx2", x2.grad());
        g.assertMatches("gweight2", bn.weight().grad());
        g.assertMatches("gbias2", bn.bias().grad());
        g.assertMatches("running_mean_after", bn.runningMean());
        g.assertMatches("running_var_after", bn.runningVar());
        assertEquals(g.raw("num_batches_tracked_after").toLongs()[0], (long) bn.stateDict().get("num_batches_tracked").item());

        bn.eval();
        bn.zeroGrad();
        Tensor x3 = g.tensor("x_eval").setRequiresGrad(true);
        Tensor y3 = bn.forward(x3);
        g.assertMatches("y_eval", y3);
        y3.backward(g.tensor("gy_eval"));
        g.assertMatches("gx_eval", x3.grad());
        g.assertMatches("gweight_eval", bn.weight().grad());
        g.assertMatches("gbias_eval", bn.bias().grad());
        g.assertMatches("running_mean_after", bn.runningMean());   // evaluation leaves the statistics alone
    }
}
