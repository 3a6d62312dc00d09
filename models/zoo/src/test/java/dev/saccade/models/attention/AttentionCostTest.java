package dev.saccade.models.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.nn.layers.Conv;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The cost formulas against the parameters the modules actually hold, at C = 256 (and 64 where cheap). */
class AttentionCostTest {
    private final SplittableRandom rng = new SplittableRandom(5);

    @Test void m2a_adds_a_quarter_c_squared_plus_nine_eighths_c() {
        M2A m = new M2A(256, 8, rng);
        assertEquals(256L * 256 / 4 + 9L * 256 / 8, m.parameterCount());   // 16672
        assertEquals(AttentionCost.m2aParams(256), m.parameterCount());
    }

    @Test void action_adds_about_0_2617_c_squared() {
        Conv conv1 = Conv.conv2d(256, 64, 1, 1, 0, 1, false, rng);
        ActionModule a = new ActionModule(conv1, 8, 8, rng);
        long extra = a.parameterCount() - conv1.parameterCount();
        assertEquals(Math.round(0.26171875 * 256 * 256 + 3.6875 * 256 + 27), extra);  // 18123
        assertEquals(AttentionCost.actionParams(256), extra);
    }

    @Test void w3_cbam_nonlocal_and_afr_hold_what_the_formulas_say() {
        for (int c : new int[] {64, 256}) {
            assertEquals(AttentionCost.w3Params(c, true, true), new W3Attention(c, 8, true, true, rng).parameterCount(), "W3 C=" + c);
            assertEquals(AttentionCost.w3Params(c, true, false), new W3Attention(c, 8, true, false, rng).parameterCount(), "W3 no temporal C=" + c);
            assertEquals(AttentionCost.w3Params(c, false, true), new W3Attention(c, 8, false, true, rng).parameterCount(), "W3 no spatial C=" + c);
            assertEquals(AttentionCost.cbamParams(c), new Cbam(c, rng).parameterCount(), "CBAM C=" + c);
            assertEquals(AttentionCost.nonLocalParams(c), new NonLocal(c, 8, rng).parameterCount(), "NL C=" + c);
        }
        assertEquals(256L * 256 / 8 + 113L * 256 / 16 + 152, AttentionCost.w3Params(256, true, true));  // 10152
        assertEquals(2L * 256 * 256 + 256 * 9 / 2, AttentionCost.nonLocalParams(256));
        assertEquals(AttentionCost.refinementParams(4, 256),
                new AttentionGuidedRefinement(256, List.of(() -> null, () -> null, () -> null, () -> null), rng).parameterCount());
    }

    @Test void mac_formulas_at_resnet50_layer1() {
        // layer1 conv1 input: C = 256 at 56×56, T = 8
        assertEquals(2L * 256 * 32 * 3136 + 2L * 8 * 32 * 3136, AttentionCost.m2aMacsPerFrame(256, 56, 56, 8));
        assertEquals(3L * 256 * 3136 + 27L * 3136 + (2L * 256 * 16 + 3 * 256) + (256L * 16 + 144) * 3136 + 16L * 256,
                AttentionCost.actionMacsPerFrame(256, 56, 56));
    }
}
