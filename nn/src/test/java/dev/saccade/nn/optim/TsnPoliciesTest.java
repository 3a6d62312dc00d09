package dev.saccade.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Linear;
import dev.saccade.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The TSM/ACTION parameter groups on a small module tree that has every kind of parameter. */
class TsnPoliciesTest {
    private static final SplittableRandom RNG = new SplittableRandom(3);

    /** conv1 (bias) → bn1 → block{conv (no bias), shift (depthwise Conv1d, ACTION custom), bn (frozen)} → proj → new_fc. */
    static final class Block extends Module {
        final Conv conv = register("conv", Conv.conv2d(4, 4, 3, 1, 1, 1, false, RNG));
        final Conv shift = register("action_shift", Conv.conv1d(4, 4, 3, 1, 1, 4, false, RNG));
        final BatchNorm bn = register("bn", new BatchNorm(4));
        @Override public Tensor forward(Tensor x) { return x; }
    }

    static final class Net extends Module {
        final Conv conv1 = register("conv1", Conv.conv2d(3, 4, 3, 1, 1, 1, true, RNG));
        final BatchNorm bn1 = register("bn1", new BatchNorm(4));
        final Block block = register("block", new Block());
        final Linear proj = register("proj", new Linear(4, 4, true, RNG));
        final Linear fc = register("new_fc", new Linear(4, 2, true, RNG));
        @Override public Tensor forward(Tensor x) { return x; }
    }

    private static Map<String, ParamGroup> byName(List<ParamGroup> groups) {
        Map<String, ParamGroup> m = new LinkedHashMap<>();
        for (ParamGroup g : groups) m.put(g.name(), g);
        return m;
    }

    private static void assertGroup(ParamGroup g, double lr, double decay, Tensor... params) {
        assertEquals(lr, g.lrMult(), g.name() + " lr_mult");
        assertEquals(decay, g.decayMult(), g.name() + " decay_mult");
        assertEquals(params.length, g.params().size(), g.name() + " size");
        for (int i = 0; i < params.length; i++) assertSame(params[i], g.params().get(i), g.name() + "[" + i + "]");
    }

    @Test void tsmGroupsWithFcLr5AndFrozenBn() {
        Net net = new Net();
        for (Tensor p : net.block.bn.parameters()) p.setRequiresGrad(false);      // partial BN
        Map<String, ParamGroup> g = byName(TsnPolicies.tsm(net, "new_fc", true));
        assertEquals(List.of("first_conv_weight", "first_conv_bias", "normal_weight", "normal_bias", "bn", "lr5_weight", "lr10_bias"), List.copyOf(g.keySet()));
        assertGroup(g.get("first_conv_weight"), 1, 1, net.conv1.weight());
        assertGroup(g.get("first_conv_bias"), 2, 0, net.conv1.bias());
        assertGroup(g.get("normal_weight"), 1, 1, net.block.conv.weight(), net.block.shift.weight(), net.proj.weight());
        assertGroup(g.get("normal_bias"), 2, 0, net.proj.bias());
        assertGroup(g.get("bn"), 1, 0, net.bn1.weight(), net.bn1.bias());
        assertGroup(g.get("lr5_weight"), 5, 1, net.fc.weight());
        assertGroup(g.get("lr10_bias"), 10, 0, net.fc.bias());
        assertEveryTrainableOnce(net, TsnPolicies.tsm(net, "new_fc", true));
    }

    @Test void withoutFcLr5TheFcIsAnOrdinaryLinear() {
        Net net = new Net();
        Map<String, ParamGroup> g = byName(TsnPolicies.tsm(net, "new_fc", false));
        assertGroup(g.get("normal_weight"), 1, 1, net.block.conv.weight(), net.block.shift.weight(), net.proj.weight(), net.fc.weight());
        assertGroup(g.get("normal_bias"), 2, 0, net.proj.bias(), net.fc.bias());
        assertGroup(g.get("bn"), 1, 0, net.bn1.weight(), net.bn1.bias(), net.block.bn.weight(), net.block.bn.bias());
        assertTrue(g.get("lr5_weight").params().isEmpty());
    }

    @Test void actionNetPutsTheLearnableShiftInTheCustomGroup() {
        Net net = new Net();
        List<ParamGroup> groups = TsnPolicies.action(net, "new_fc", true, ".*\\.action_shift\\.weight");
        Map<String, ParamGroup> g = byName(groups);
        assertGroup(g.get("custom_ops"), 1, 1, net.block.shift.weight());
        assertGroup(g.get("normal_weight"), 1, 1, net.block.conv.weight(), net.proj.weight());
        assertEveryTrainableOnce(net, groups);
    }

    @Test void flowMultipliesTheFirstConv() {
        Map<String, ParamGroup> g = byName(TsnPolicies.build(new Net(), new TsnPolicies.Options("new_fc", true, null, 5)));
        assertEquals(5, g.get("first_conv_weight").lrMult());
        assertEquals(10, g.get("first_conv_bias").lrMult());
    }

    @Test void aParameterOfAnUnknownModuleTypeIsAnErrorNamingIt() {
        final class Scale extends Module {
            final Tensor gamma = parameter("gamma", Tensor.ones(4));
            @Override public Tensor forward(Tensor x) { return x; }
        }
        final class WithScale extends Module {
            final Conv conv = register("conv", Conv.conv2d(3, 4, 3, 1, 1, 1, false, RNG));
            final Scale att = register("att", new Scale());
            @Override public Tensor forward(Tensor x) { return x; }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> TsnPolicies.tsm(new WithScale(), "fc", true));
        assertTrue(e.getMessage().contains("att.gamma") && e.getMessage().contains("Scale"), e.getMessage());
        // ...unless the custom pattern claims it
        List<ParamGroup> groups = TsnPolicies.action(new WithScale(), "fc", true, "att\\.gamma");
        assertEquals(1, byName(groups).get("custom_ops").params().size());
    }

    private static void assertEveryTrainableOnce(Module net, List<ParamGroup> groups) {
        Map<Tensor, Integer> count = new IdentityHashMap<>();
        for (ParamGroup g : groups) for (Tensor p : g.params()) count.merge(p, 1, Integer::sum);
        for (var e : net.namedParameters().entrySet()) {
            int expected = e.getValue().requiresGrad() ? 1 : 0;
            assertEquals(expected, count.getOrDefault(e.getValue(), 0), e.getKey());
        }
        assertEquals(count.size(), net.namedParameters().values().stream().filter(Tensor::requiresGrad).count());
    }
}
