package dev.saccade.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.saccade.nn.Goldens;
import dev.saccade.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * SGD (momentum, Nesterov) and AdamW against torch.optim over 3 steps with two parameter groups
 * (lr×1 decay×1 and lr×2 decay×0), fed the gradients PyTorch was fed. Also: resuming from {@code state()} after two
 * steps gives exactly the uninterrupted third step.
 */
class OptimizerParityTest {
    private static Tensor[] params(Goldens g) {
        return new Tensor[] {g.tensor("p0").setRequiresGrad(true), g.tensor("p1").setRequiresGrad(true)};
    }

    private static List<ParamGroup> groups(Goldens g, Tensor[] p) {
        double[] m = g.raw("mults").toDoubles();                     // (2, 2): lr_mult, decay_mult per group
        return List.of(new ParamGroup("a", List.of(p[0]), m[0], m[1]), new ParamGroup("b", List.of(p[1]), m[2], m[3]));
    }

    private static void feed(Goldens g, Tensor[] p, int step) {
        p[0].setGrad(g.tensor("g" + step + "_0"));
        p[1].setGrad(g.tensor("g" + step + "_1"));
    }

    /** Runs 3 steps and compares the parameters after each; the parameter tensors must stay the same objects. */
    private static void run(String name, Function<List<ParamGroup>, Optimizer> make) {
        Goldens g = Goldens.load(name);
        Tensor[] p = params(g);
        Tensor before0 = p[0];
        Optimizer opt = make.apply(groups(g, p));
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            feed(g, p, step);
            opt.step();
            g.assertMatches("p0_after" + step, p[0]);
            g.assertMatches("p1_after" + step, p[1]);
        }
        assertSame(before0, opt.groups().get(0).params().get(0));
    }

    /** Two steps, state() → a new optimizer on fresh copies of the parameters → loadState → third step. */
    private static void resume(String name, Function<List<ParamGroup>, Optimizer> make) {
        Goldens g = Goldens.load(name);
        Tensor[] p = params(g);
        Optimizer opt = make.apply(groups(g, p));
        for (int step = 0; step < 2; step++) { opt.zeroGrad(); feed(g, p, step); opt.step(); }
        Map<String, Tensor> state = opt.state();

        Tensor[] q = {copy(p[0]), copy(p[1])};
        Optimizer resumed = make.apply(groups(g, q));
        resumed.loadState(state);
        feed(g, q, 2);
        resumed.step();
        g.assertMatches("p0_after2", q[0]);
        g.assertMatches("p1_after2", q[1]);
        assertEquals(state.keySet(), resumed.state().keySet());
    }

    private static Tensor copy(Tensor t) {
        return Tensor.of(t.toFloatArray(), t.shape().toArray()).setRequiresGrad(true);
    }

    private static Function<List<ParamGroup>, Optimizer> sgd(String name, boolean nesterov) {
        Goldens g = Goldens.load(name);
        return groups -> new Sgd(groups, g.scalar("lr"), g.scalar("momentum"), g.scalar("weight_decay"), nesterov);
    }

    private static Function<List<ParamGroup>, Optimizer> adamw() {
        Goldens g = Goldens.load("adamw");
        return groups -> new AdamW(groups, g.scalar("lr"), g.scalar("beta1"), g.scalar("beta2"), g.scalar("eps"), g.scalar("weight_decay"));
    }

    @Test void sgdMomentumWeightDecayTwoGroups() { run("sgd_momentum", sgd("sgd_momentum", false)); }
    @Test void sgdNesterov() { run("sgd_nesterov", sgd("sgd_nesterov", true)); }
    @Test void adamW() { run("adamw", adamw()); }

    @Test void sgdResumesExactly() { resume("sgd_momentum", sgd("sgd_momentum", false)); }
    @Test void sgdNesterovResumesExactly() { resume("sgd_nesterov", sgd("sgd_nesterov", true)); }
    @Test void adamWResumesExactly() { resume("adamw", adamw()); }
}
