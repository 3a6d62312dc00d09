package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link InferenceTiming#rounds}: every forward once per round, the first one rotating, warm-up rounds untimed, as
 * many as the {@link InferenceTiming.Warmup} asks for by count and by time.
 */
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
        InferenceTiming.Rounds rounds = InferenceTiming.rounds(forwards, InferenceTiming.Warmup.forwards(2), 4);
        double[][] ms = rounds.ms();
        // warm-up rounds 0, 1 start at forward 0, 1; timed rounds 0..3 start at 0, 1, 2, 0
        assertEquals(List.of(0, 1, 2, 1, 2, 0, 0, 1, 2, 1, 2, 0, 2, 0, 1, 0, 1, 2), calls);
        assertEquals(2, rounds.warmups());
        assertEquals(3, ms.length);
        for (double[] m : ms) {
            assertEquals(4, m.length);
            for (double v : m) assertTrue(v >= 0.2, "a timed forward took " + v + " ms");
        }
    }

    @Test
    void warmUpGoesOnUntilItsTimeHasPassed() {
        int[] calls = {0};
        Runnable forward = () -> {
            calls[0]++;
            long until = System.nanoTime() + 1_000_000;                         // 1 ms a forward
            while (System.nanoTime() < until) Thread.onSpinWait();
        };
        long t0 = System.nanoTime();
        InferenceTiming.Rounds rounds = InferenceTiming.rounds(List.of(forward), new InferenceTiming.Warmup(2, 0.05), 3);
        double warmupMs = (System.nanoTime() - t0) / 1e6 - java.util.Arrays.stream(rounds.ms()[0]).sum();
        assertTrue(warmupMs >= 50, "warmed up for " + warmupMs + " ms");
        assertTrue(rounds.warmups() >= 10, rounds.warmups() + " warm-up forwards in 50 ms of 1 ms forwards");
        assertEquals(rounds.warmups() + 3, calls[0]);
    }

    /**
     * The paired ratio is taken round by round: a drift that slows both forwards of a round cancels in it (here every
     * round's ratio is 1.5 although the medians' ratio is not), quartiles interpolated between the sorted ratios.
     */
    @Test
    void pairedRatioComparesTheForwardsOfEachRound() {
        InferenceTiming.Result base = new InferenceTiming.Result(new double[] {10, 20, 40, 80, 160}, 0, 0);
        InferenceTiming.Result a = new InferenceTiming.Result(new double[] {15, 30, 60, 120, 240}, 0, 0);
        InferenceTiming.Ratio r = InferenceTiming.pairedRatio(a, base);
        assertEquals(1.5, r.median(), 1e-12);
        assertEquals(1.5, r.q1(), 1e-12);
        assertEquals(1.5, r.q3(), 1e-12);
        InferenceTiming.Result b = new InferenceTiming.Result(new double[] {10, 30, 40, 40, 320}, 0, 0);
        r = InferenceTiming.pairedRatio(b, base);                            // ratios 1, 1.5, 1, 0.5, 2 → 0.5 1 1 1.5 2
        assertEquals(1.0, r.median(), 1e-12);
        assertEquals(1.0, r.q1(), 1e-12);
        assertEquals(1.5, r.q3(), 1e-12);
        InferenceTiming.Result c = new InferenceTiming.Result(new double[] {10, 30, 40, 40}, 0, 0);
        r = InferenceTiming.pairedRatio(c, new InferenceTiming.Result(new double[] {10, 20, 40, 80}, 0, 0));
        assertEquals(1.0, r.median(), 1e-12);                               // ratios 0.5 1 1 1.5
        assertEquals(0.875, r.q1(), 1e-12);
        assertEquals(1.125, r.q3(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> InferenceTiming.pairedRatio(c, base));
    }

    @Test
    void badCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> InferenceTiming.rounds(List.of(() -> { }), InferenceTiming.Warmup.forwards(0), 0));
        assertThrows(IllegalArgumentException.class, () -> InferenceTiming.Warmup.forwards(-1));
        assertThrows(IllegalArgumentException.class, () -> new InferenceTiming.Warmup(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new InferenceTiming.Warmup(0, Double.NaN));
    }
}
