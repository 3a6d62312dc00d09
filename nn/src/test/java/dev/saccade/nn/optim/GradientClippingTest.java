package dev.saccade.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.nn.Goldens;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code clip_grad_norm_} parity: returned total norm and clipped gradients, with and without clipping. */
class GradientClippingTest {
    private static void check(String tag) {
        Goldens g = Goldens.load("clip_grad_norm");
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Tensor grad = g.tensor("g" + i);
            Tensor p = Tensor.zeros(grad.shape().toArray()).setRequiresGrad(true);
            p.setGrad(Tensor.of(grad.toFloatArray(), grad.shape().toArray()));
            params.add(p);
        }
        params.add(Tensor.zeros(2).setRequiresGrad(true));       // no gradient: ignored
        double total = GradientClipping.clipGlobalNorm(params, g.scalar("max_norm_" + tag));
        assertEquals(g.scalar("total_norm_" + tag), total, 1e-5 * total);
        for (int i = 0; i < 3; i++) g.assertMatches("clipped_" + tag + "_" + i, params.get(i).grad());
    }

    @Test void clipsAboveMaxNorm() { check("clip"); }
    @Test void leavesGradientsBelowMaxNorm() { check("noclip"); }

    @Test void noGradientsGiveZero() {
        assertEquals(0, GradientClipping.clipGlobalNorm(List.of(Tensor.zeros(2).setRequiresGrad(true)), 1));
    }
}
