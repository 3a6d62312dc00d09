package dev.saccade.nn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.saccade.nn.io.RawArray;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AvgMaxPool;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.SigmoidGate;
import dev.saccade.tensor.ops.TemporalConv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused temporal-attention ops ({@link TemporalConv}, {@link BroadcastGate}, {@link AvgMaxPool},
 * {@link SigmoidGate}) against PyTorch. {@link OpParityTest} runs their golden cases through the fused kernels
 * (SIMD and scalar twin); this class runs the same cases through each op's composed reference ({@code composed} /
 * {@code composedBackward}, what the modules compute with the fused ops switched off and what the {@code Backend}
 * defaults run), and checks that the goldens cover the frame counts the modules meet (T = 1, 3, 8) for every op.
 */
class FusedOpParityTest {
    static final Set<String> FUSED_OPS = Set.of("temporal_conv", "broadcast_gate", "avg_max_pool", "sigmoid_gate");

    static Stream<GoldenCase> fusedCases() { return GoldenCase.all().stream().filter(c -> FUSED_OPS.contains(c.op())); }

    /** Each fused op has golden cases at T = 1, 3 and 8, forward and every input's gradient. */
    @Test void goldensCoverEveryFusedOpAtOneThreeAndEightFrames() {
        Map<String, Set<Integer>> frames = new TreeMap<>();
        for (GoldenCase c : fusedCases().toList()) {
            assertEquals(c.inputs(), c.grads(), "case '" + c.name() + "': every input of a fused op must have a golden gradient");
            if (!c.name().startsWith("strided_")) frames.computeIfAbsent(c.op(), k -> new TreeSet<>()).add(framesOf(c));
        }
        assertEquals(FUSED_OPS, frames.keySet(), "fused ops with golden cases");
        frames.forEach((op, ts) -> assertTrue(ts.containsAll(Set.of(1, 3, 8)), op + ": goldens at T = " + ts + ", want 1, 3 and 8"));
    }

    /** T of a case: the temporal_conv parameter, else the _t&lt;T&gt; of the case name. */
    private static int framesOf(GoldenCase c) {
        if (c.hasParam("frames")) return c.intParam("frames");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("_t(\\d+)(_|$)").matcher(c.name());
        if (!m.find()) throw new IllegalStateException("case '" + c.name() + "' names no _t<T>");
        return Integer.parseInt(m.group(1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fusedCases")
    void composedReferenceMatchesPyTorch(GoldenCase c) {
        Tensor x = input(c, "x"), g = input(c, "grad_out");
        Tensor out;
        Tensor[] grads;                                      // in the order of c.inputs()
        switch (c.op()) {
            case "temporal_conv" -> {
                Tensor w = input(c, "w");
                int t = c.intParam("frames");
                out = TemporalConv.composed(x.backend(), x, w, t);
                grads = TemporalConv.composedBackward(x.backend(), g, x, w, t, true, true);
            }
            case "broadcast_gate" -> {
                Tensor gc = input(c, "c"), gs = input(c, "s");
                BroadcastGate.Combine combine = BroadcastGate.Combine.valueOf(c.stringParam("combine").toUpperCase(java.util.Locale.ROOT));
                double offset = c.doubleParam("offset");
                out = BroadcastGate.composed(x, gc, gs, combine, offset);
                Tensor[] all = BroadcastGate.composedBackward(g, x, gc, gs, combine, offset, true, true, true);
                grads = pick(c, Map.of("x", all[0], "c", nullable(all[1]), "s", nullable(all[2])));
            }
            case "avg_max_pool" -> {
                Tensor gc = input(c, "c");
                AvgMaxPool.Axis axis = AvgMaxPool.Axis.valueOf(c.stringParam("axis").toUpperCase(java.util.Locale.ROOT));
                out = AvgMaxPool.composed(x, gc, axis);
                Tensor[] all = AvgMaxPool.composedBackward(g, x, gc, out, axis, true, true);
                grads = pick(c, Map.of("x", all[0], "c", nullable(all[1])));
            }
            case "sigmoid_gate" -> {
                Tensor z = input(c, "z");
                double offset = c.doubleParam("offset");
                out = SigmoidGate.composed(x, z, offset);
                grads = SigmoidGate.composedBackward(g, x, z, offset, true, true);
            }
            default -> throw new IllegalArgumentException("case '" + c.name() + "': not a fused op: " + c.op());
        }
        System.out.println(c.name() + " (composed " + c.op() + " " + c.params() + ")");
        List<String> problems = new ArrayList<>();
        String p = Comparison.check("out", c.array("out"), out, c.atol(), c.rtol());
        if (p != null) problems.add(p);
        for (int i = 0; i < c.inputs().size(); i++) {
            String name = c.inputs().get(i);
            p = grads[i] == null ? "grad_" + name + ": not computed"
                    : Comparison.check("grad_" + name, c.array("grad_" + name), grads[i], c.atol(), c.rtol());
            if (p != null) problems.add(p);
        }
        if (!problems.isEmpty()) fail("case '" + c.name() + "' (composed) differs from PyTorch:\n  " + String.join("\n  ", problems));
    }

    /** The case's array {@code name} as an F32 tensor, or null when the case has no such input. */
    private static Tensor input(GoldenCase c, String name) {
        if (!name.equals("grad_out") && !c.inputs().contains(name)) return null;
        RawArray a = c.array(name);
        return Tensor.of(a.toFloats(), a.shape());
    }

    private static Object nullable(Tensor t) { return t == null ? "absent" : t; }

    private static Tensor[] pick(GoldenCase c, Map<String, Object> byName) {
        return c.inputs().stream().map(n -> byName.get(n) instanceof Tensor t ? t : null).toArray(Tensor[]::new);
    }
}
