package dev.saccade.models.attention;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.testing.GradCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Central-difference gradient checks in double precision of every attention module's functional form, with respect
 * to the input and to every floating parameter and buffer (tiny shapes; random F64 values in place of the module's
 * own, running variances kept positive).
 */
class AttentionGradCheckTest {
    private final SplittableRandom rng = new SplittableRandom(11);

    /** Checks f(x, weights) over x and every floating tensor of {@code m}'s state, by name. */
    private void check(String name, Module m, int[] xShape, BiFunction<Tensor, Weights, Tensor> f) {
        List<String> names = new ArrayList<>();
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(GradCheck.randomF64(rng, xShape));
        for (var e : Weights.of(m).byName().entrySet()) {
            if (!e.getValue().dtype().isFloating()) continue;
            Tensor v = GradCheck.randomF64(rng, e.getValue().shape().toArray());
            if (e.getKey().endsWith("running_var")) v = v.abs().add(0.5);
            names.add(e.getKey());
            inputs.add(v);
        }
        GradCheck.check(name, in -> {
            Map<String, Tensor> w = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) w.put(names.get(i), in[i + 1]);
            return f.apply(in[0], new Weights(w));
        }, inputs.toArray(Tensor[]::new));
    }

    private static Tensor trainBatchNorm(Tensor t, Weights w, String prefix) {
        return Functional.batchNorm(t, w.get(prefix + ".running_mean"), w.get(prefix + ".running_var"), w.get(prefix + ".weight"), w.get(prefix + ".bias"), true, 0.1, 1e-5);
    }

    private static Tensor evalBatchNorm(Tensor t, Weights w, String prefix) {
        return Functional.batchNorm(t, w.get(prefix + ".running_mean"), w.get(prefix + ".running_var"), w.get(prefix + ".weight"), w.get(prefix + ".bias"), false, 0.1, 1e-5);
    }

    @Test void m2a() {
        check("M2A", new M2A(16, 3, rng), new int[] {6, 16, 3, 3}, (x, w) -> M2A.excite(x, 3, w));
    }

    @Test void action_with_batch_statistics() {
        ActionModule a = new ActionModule(Conv.conv2d(16, 4, 1, 1, 0, 1, false, rng), 3, 8, rng);
        check("ACTION (train BN)", a, new int[] {3, 16, 3, 3},
                (x, w) -> Functional.conv2d(ActionModule.excite(x, 3, w, t -> trainBatchNorm(t, w, "action_p3_bn1")), w.get("net.weight"), null, 1, 0, 1, 1));
    }

    @Test void action_with_running_statistics() {
        ActionModule a = new ActionModule(Conv.conv2d(16, 4, 1, 1, 0, 1, false, rng), 3, 8, rng);
        check("ACTION (eval BN)", a, new int[] {3, 16, 2, 3},
                (x, w) -> ActionModule.excite(x, 3, w, t -> evalBatchNorm(t, w, "action_p3_bn1")));
    }

    @Test void w3_full_and_ablations() {
        check("W3", new W3Attention(16, 3, true, true, rng), new int[] {3, 16, 3, 3}, (x, w) -> W3Attention.attend(x, 3, w, true, true).features());
        check("W3 mask M_s", new W3Attention(16, 3, true, true, rng), new int[] {3, 16, 3, 3}, (x, w) -> W3Attention.attend(x, 3, w, true, true).spatialMask());
        check("W3 no temporal", new W3Attention(16, 3, true, false, rng), new int[] {3, 16, 3, 2}, (x, w) -> W3Attention.attend(x, 3, w, true, false).features());
        check("W3 no spatial", new W3Attention(16, 3, false, true, rng), new int[] {3, 16, 2, 2}, (x, w) -> W3Attention.attend(x, 3, w, false, true).features());
    }

    @Test void attention_guided_refinement_over_masks_and_features() {
        AttentionGuidedRefinement afr = new AttentionGuidedRefinement(3, List.of(() -> null, () -> null), rng);
        List<String> names = List.of("conv.weight", "conv.bias");
        Tensor[] inputs = {GradCheck.randomF64(rng, 2, 3, 2, 2), GradCheck.randomF64(rng, 2, 1, 5, 4), GradCheck.randomF64(rng, 2, 1, 3, 3),
                GradCheck.randomF64(rng, afr.namedParameters().get("conv.weight").shape().toArray()), GradCheck.randomF64(rng, 3)};
        GradCheck.check("AFR", in -> AttentionGuidedRefinement.refine(in[0], List.of(in[1], in[2]),
                new Weights(Map.of(names.get(0), in[3], names.get(1), in[4]))), inputs);
    }

    @Test void cbam() {
        check("CBAM", new Cbam(16, rng), new int[] {2, 16, 3, 3}, Cbam::attend);
    }

    @Test void nonlocal_with_running_and_batch_statistics() {
        check("NonLocal (eval BN)", new NonLocal(4, 2, rng), new int[] {2, 4, 4, 4}, (x, w) -> NonLocal.attend(x, 2, w, t -> evalBatchNorm(t, w, "W.1")));
        check("NonLocal (train BN)", new NonLocal(4, 2, rng), new int[] {4, 4, 2, 4}, (x, w) -> NonLocal.attend(x, 2, w, t -> trainBatchNorm(t, w, "W.1")));
    }
}
