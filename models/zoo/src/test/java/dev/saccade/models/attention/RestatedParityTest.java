package dev.saccade.models.attention;

import static dev.saccade.models.attention.Goldens.assertClose;
import static dev.saccade.models.attention.Goldens.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * W3, AFR and CBAM against saccade's PyTorch re-statement of their equations, and the Non-local block against
 * TSM's {@code NONLocalBlock3D} (the copy in gebob19/M2A {@code ops/non_local.py}).
 */
class RestatedParityTest {
    private static final int T = 4;

    @ParameterizedTest
    @CsvSource({"w3_full, true, true", "w3_no_temporal, true, false", "w3_no_spatial, false, true"})
    void w3_matches_the_restatement(String caseName, boolean spatial, boolean temporal) {
        W3Attention w3 = new W3Attention(32, T, spatial, temporal, new SplittableRandom(3));
        Goldens.loadWeights(w3, caseName);
        Map<String, Tensor> io = Goldens.load(caseName + ".io.pth");
        Tensor x = get(io, "input").setRequiresGrad(true);
        Tensor out = w3.forward(x);
        assertClose(caseName + " output", get(io, "output"), out);
        if (spatial) assertClose(caseName + " mask M_s", get(io, "mask"), w3.lastSpatialMask());
        out.backward(get(io, "upstream"));
        assertClose(caseName + " grad input", get(io, "grad.input"), x.grad());
        Goldens.assertParamGrads(caseName, w3, io);
    }

    @Test void afr_matches_the_restatement_including_mask_gradients() {
        Map<String, Tensor> io = Goldens.load("afr.io.pth");
        List<Tensor> masks = new ArrayList<>();
        List<Supplier<Tensor>> producers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Tensor m = get(io, "mask" + i).setRequiresGrad(true);
            masks.add(m);
            producers.add(() -> m);
        }
        AttentionGuidedRefinement afr = new AttentionGuidedRefinement(16, producers, new SplittableRandom(4));
        Goldens.loadWeights(afr, "afr");
        Tensor x = get(io, "input").setRequiresGrad(true);
        Tensor out = afr.forward(x);
        assertClose("afr output", get(io, "output"), out);
        assertEquals(out, afr.lastRefined());
        out.backward(get(io, "upstream"));
        assertClose("afr grad input", get(io, "grad.input"), x.grad());
        for (int i = 0; i < 4; i++) assertClose("afr grad mask" + i, get(io, "grad.mask" + i), masks.get(i).grad());
        Goldens.assertParamGrads("afr", afr, io);
    }

    @Test void cbam_matches_the_restatement() {
        Cbam cbam = new Cbam(32, new SplittableRandom(5));
        Goldens.loadWeights(cbam, "cbam");
        check("cbam", cbam, cbam::forward);
    }

    @Test void nonlocal_eval_matches_official_nl3d() {
        NonLocal nl = new NonLocal(16, T, new SplittableRandom(6));
        Goldens.loadWeights(nl, "nonlocal_eval");
        nl.eval();
        check("nonlocal_eval", nl, nl::forward);
    }

    @Test void nonlocal_train_matches_official_nl3d() {
        NonLocal nl = new NonLocal(16, T, new SplittableRandom(6));
        Goldens.loadWeights(nl, "nonlocal_train");
        // Training-mode batch norm through Functional.batchNorm (what nn BatchNorm.forward computes; the layer's
        // I64 num_batches_tracked update is rejected by add_scalar).
        Weights w = Weights.of(nl);
        UnaryOperator<Tensor> bn = t -> Functional.batchNorm(t, w.get("W.1.running_mean"), w.get("W.1.running_var"),
                w.get("W.1.weight"), w.get("W.1.bias"), true, 0.1, 1e-5);
        check("nonlocal_train", nl, x -> NonLocal.attend(x, T, w, bn));
    }

    @Test void nonlocal_starts_as_identity() {
        NonLocal nl = new NonLocal(16, T, new SplittableRandom(7));
        nl.eval();
        Tensor x = Tensor.randn(new SplittableRandom(8), 2 * T, 16, 4, 4);
        assertClose("nonlocal at init", x, nl.forward(x));
    }

    private static void check(String caseName, Module m, UnaryOperator<Tensor> forward) {
        Map<String, Tensor> io = Goldens.load(caseName + ".io.pth");
        Tensor x = get(io, "input").setRequiresGrad(true);
        Tensor out = forward.apply(x);
        assertClose(caseName + " output", get(io, "output"), out);
        out.backward(get(io, "upstream"));
        assertClose(caseName + " grad input", get(io, "grad.input"), x.grad());
        Goldens.assertParamGrads(caseName, m, io);
    }
}
