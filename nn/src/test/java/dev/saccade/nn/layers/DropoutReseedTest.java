package dev.saccade.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.saccade.nn.StepSeeded;
import dev.saccade.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Dropout} as a {@link StepSeeded} module: the mask after {@code reseed(s)} depends on s only. */
class DropoutReseedTest {
    private static final Tensor X = Tensor.ones(4, 37);                        // (N, C)

    @Test void sameSeedGivesSameMaskWhateverCameBefore() {
        Dropout a = new Dropout(0.5, new SplittableRandom(1));
        Dropout b = new Dropout(0.5, new SplittableRandom(2));
        assertInstanceOf(StepSeeded.class, a);
        b.forward(X);                                                           // b's stream has moved on
        a.reseed(42);
        b.reseed(42);
        float[] ya = a.forward(X).toFloatArray(), yb = b.forward(X).toFloatArray();
        assertArrayEquals(ya, yb);
        a.reseed(42);
        assertArrayEquals(ya, a.forward(X).toFloatArray(), "re-seeding again replays the mask");
    }

    @Test void differentSeedsGiveDifferentMasks() {
        Dropout d = new Dropout(0.5, new SplittableRandom(0));
        d.reseed(1);
        float[] first = d.forward(X).toFloatArray();
        d.reseed(2);
        assertFalse(Arrays.equals(first, d.forward(X).toFloatArray()), "148 entries at p = 0.5 should not share a mask");
    }
}
