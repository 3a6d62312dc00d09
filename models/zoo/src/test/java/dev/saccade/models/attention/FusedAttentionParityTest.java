package dev.saccade.models.attention;

import static dev.saccade.tensor.testing.Tolerance.assertClose;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each attention module run on the fused ops against the same module on the composed ops ({@link FusedAttention}
 * off): outputs, input gradients and every parameter gradient, at T ∈ {1, 3, 8, 16} on odd spatial sizes, in
 * training mode (ACTION's batch norm then uses batch statistics).
 */
class FusedAttentionParityTest {
    @AfterEach void restore() { FusedAttention.setEnabled(true); }

    private record Run(Tensor out, Tensor gradX, Map<String, Tensor> gradParams) {}

    private static Run run(Module m, Tensor x, boolean fused) {
        FusedAttention.setEnabled(fused);
        m.zeroGrad();
        Tensor in = x.detach().setRequiresGrad(true);
        Tensor out = m.forward(in);
        out.backward(Tensor.uniform(new SplittableRandom(9), -1, 1, out.shape().toArray()));      // the same upstream on both paths
        Map<String, Tensor> grads = new java.util.LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> { if (p.grad() != null) grads.put(k, p.grad()); });
        return new Run(out.detach(), in.grad(), grads);
    }

    private static void compare(String what, Function<SplittableRandom, Module> build, int frames, int c, int h, int w) {
        SplittableRandom rng = new SplittableRandom(5);
        Module m = build.apply(rng);
        m.train(true);
        Tensor x = Tensor.uniform(rng, -1, 1, 2 * frames, c, h, w);
        Run composed = run(m, x, false), fused = run(m, x, true);
        String at = what + " T=" + frames + " " + x.shape();
        assertClose(at + " output", composed.out.toDoubleArray(), fused.out.toDoubleArray(), 1e-5, 1e-4);
        assertClose(at + " grad input", composed.gradX.toDoubleArray(), fused.gradX.toDoubleArray(), 1e-5, 1e-4);
        composed.gradParams.forEach((k, g) -> assertClose(at + " grad " + k, g.toDoubleArray(), fused.gradParams.get(k).toDoubleArray(), 1e-4, 1e-4));
        if (composed.gradParams.size() != fused.gradParams.size()) throw new AssertionError(at + ": parameter gradients differ in number");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 16})
    void modulesAgreeOnBothPaths(int frames) {
        compare("ACTION", rng -> new ActionModule(Conv.conv2d(16, 8, 1, 1, 0, 1, false, rng), frames, 8, rng), frames, 16, 5, 3);
        compare("W3", rng -> new W3Attention(32, frames, true, true, rng), frames, 32, 7, 5);
        compare("W3 no spatial", rng -> new W3Attention(16, frames, false, true, rng), frames, 16, 3, 3);
        compare("W3 no temporal", rng -> new W3Attention(16, frames, true, false, rng), frames, 16, 3, 5);
        compare("CBAM", rng -> new Cbam(16, rng), frames, 16, 5, 5);
        compare("M2A", rng -> new M2A(16, frames, rng), frames, 16, 3, 5);
    }
}
