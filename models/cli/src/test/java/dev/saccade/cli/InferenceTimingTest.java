package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InferenceTiming#rounds}: every forward once per round, the first one rotating, warm-up rounds untimed. */
class InferenceTimingTest {

    @Test
    void roundsRotateWhoGoesFirstAndTimeOnlyTheTimedRounds() {
        List<Integer> calls = new ArrayList<>();
        List<Runnable> forwards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int id = i;
            forwards.add(() -> {
                calls.add(id);
                long until = System.nanoTime() + 200_000;                  // 0.2 ms of work, so a latency is > 0
                while (System.nanoTime() < until) Thread.onSpinWait();
            });
        }
        double[][] ms = InferenceTiming.rounds(forwards, 2, 4);
        // warm-up rounds −2, −1 start at forward 1, 2; timed rounds 0..3 start at 0, 1, 2, 0
        assertEquals(List.of(1, 2, 0, 2, 0, 1, 0, 1, 2, 1, 2, 0, 2, 0, 1, 0, 1, 2), calls);
        assertEquals(3, ms.length);
        for (double[] m : ms) {
            assertEquals(4, m.length);
            for (double v : m) assertTrue(v >= 0.2, "a timed forward took " + v + " ms");
        }
    }

    @Test
    void badCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> InferenceTiming.rounds(List.of(() -> { }), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> InferenceTiming.rounds(List.of(() -> { }), -1, 1));
    }
}
