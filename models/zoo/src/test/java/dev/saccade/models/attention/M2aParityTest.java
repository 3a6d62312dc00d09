package dev.saccade.models.attention;

import static dev.saccade.models.attention.Goldens.assertClose;
import static dev.saccade.models.attention.Goldens.get;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.models.backbone.BlockContext;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** M2A against gebob19/M2A ({@code M2A} + {@code TemporalShift(nn.Sequential())} + conv1, as built with --use_tsm). */
class M2aParityTest {
    private static final int T = 4;

    private static Sequential build(boolean withShift) {
        SplittableRandom rng = new SplittableRandom(1);
        Conv conv1 = Conv.conv2d(16, 8, 1, 1, 0, 1, false, rng);
        BlockContext block = new BlockContext("layer1.0", 0, 0, false, 16, 32, T, rng);
        return (Sequential) new M2aHooks(withShift).wrapFirstConv(block, conv1);
    }

    @Test void composition_and_keys_match_the_official_use_tsm_branch() {
        Sequential seq = build(true);
        assertEquals(3, seq.size());
        assertInstanceOf(M2A.class, seq.get(0));
        assertInstanceOf(TemporalShiftLayer.class, seq.get(1));
        assertInstanceOf(Conv.class, seq.get(2));
        assertEquals(java.util.List.of("0.conv_down.weight", "0.conv_down.bias", "0.conv_up.weight", "0.conv_up.bias", "2.weight"),
                java.util.List.copyOf(seq.stateDict().keySet()));
        assertEquals(java.util.List.of("0.conv_down.weight", "0.conv_down.bias", "0.conv_up.weight", "0.conv_up.bias", "1.weight"),
                java.util.List.copyOf(build(false).stateDict().keySet()));
    }

    @Test void forward_and_backward_match_official_m2a() {
        Sequential seq = build(true);
        Goldens.loadWeights(seq, "m2a_tsm");
        Map<String, Tensor> io = Goldens.load("m2a_tsm.io.pth");
        Tensor x = get(io, "input").setRequiresGrad(true);
        Module m2a = seq.get(0);
        Tensor mid = m2a.forward(x);
        assertClose("m2a output (before shift, conv1)", get(io, "m2a_output"), mid);
        Tensor out = seq.get(2).forward(seq.get(1).forward(mid));
        assertClose("m2a_tsm output", get(io, "output"), out);
        out.backward(get(io, "upstream"));
        assertClose("m2a_tsm grad input", get(io, "grad.input"), x.grad());
        Goldens.assertParamGrads("m2a_tsm", seq, io);
    }

    @Test void attention_term_matches_the_official_activations() {
        Sequential seq = build(true);
        Goldens.loadWeights(seq, "m2a_tsm");
        Map<String, Tensor> io = Goldens.load("m2a_tsm.io.pth");
        Weights w = Weights.of(seq.get(0));
        Tensor y = dev.saccade.tensor.ops.Functional.conv2d(get(io, "input"), w.get("conv_down.weight"), w.get("conv_down.bias"), 1, 0, 1, 1);
        assertClose("m2a attention (A·m)", get(io, "attention"), M2A.motionAttention(y, T));
        try (var noGrad = dev.saccade.tensor.autograd.GradMode.disable()) {   // the fused inference kernel: A·m + y
            Tensor fused = dev.saccade.tensor.ops.MotionAttention.inference(y, T, 1e-5);
            assertClose("m2a attention, fused inference kernel (A·m + y) − y", get(io, "attention"), fused.sub(y));
        }
    }
}
