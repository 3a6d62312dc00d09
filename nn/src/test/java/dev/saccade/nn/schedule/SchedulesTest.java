package dev.saccade.nn.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Schedules against hand-written values. */
class SchedulesTest {
    private static final double EPS = 1e-12;

    @Test void tsmStepDecaysAtTheMilestoneEpoch() {
        LrSchedule s = StepSchedule.tsm(0.01, 20, 40);
        assertEquals(0.01, s.lrAt(0, 0, 10), EPS);
        assertEquals(0.01, s.lrAt(19, 9, 10), EPS);
        assertEquals(0.001, s.lrAt(20, 0, 10), EPS);
        assertEquals(0.001, s.lrAt(39, 5, 10), EPS);
        assertEquals(0.0001, s.lrAt(40, 0, 10), EPS);
        assertEquals(0.0001, s.lrAt(49, 0, 10), EPS);
    }

    @Test void actionNetDecaysOneEpochLater() {
        LrSchedule s = StepSchedule.actionNet(0.01, 30, 40, 45);
        assertEquals(0.01, s.lrAt(30, 0, 5), EPS);
        assertEquals(0.001, s.lrAt(31, 0, 5), EPS);
        assertEquals(0.001, s.lrAt(40, 0, 5), EPS);
        assertEquals(0.0001, s.lrAt(41, 0, 5), EPS);
        assertEquals(0.00001, s.lrAt(46, 0, 5), 1e-15);
    }

    @Test void cosinePerEpochAndPerStep() {
        LrSchedule e = new CosineSchedule(0.02, 0, 50, false);
        assertEquals(0.02, e.lrAt(0, 3, 4), EPS);
        assertEquals(0.01, e.lrAt(25, 3, 4), EPS);                                     // ignores the step
        assertEquals(0.01 * (1 + Math.cos(Math.PI * 10 / 50)), e.lrAt(10, 0, 4), EPS);
        assertEquals(0, e.lrAt(50, 0, 4), EPS);
        assertEquals(0, e.lrAt(60, 0, 4), EPS);
        LrSchedule s = new CosineSchedule(0.1, 0.001, 2, true);
        assertEquals(0.001 + 0.099 * (1 + Math.cos(Math.PI * 0.25)) / 2, s.lrAt(0, 2, 4), EPS);   // progress (0 + 2/4)/2
        assertEquals(0.001 + 0.099 / 2, s.lrAt(1, 0, 4), EPS);
    }

    @Test void linearWarmupRampsThenHandsOver() {
        LrSchedule s = new LinearWarmup(LrSchedule.constant(0.4), 2);                  // 2 epochs × 4 steps = 8 steps
        assertEquals(0.05, s.lrAt(0, 0, 4), EPS);
        assertEquals(0.2, s.lrAt(0, 3, 4), EPS);
        assertEquals(0.35, s.lrAt(1, 2, 4), EPS);
        assertEquals(0.4, s.lrAt(1, 3, 4), EPS);
        assertEquals(0.4, s.lrAt(2, 0, 4), EPS);
        LrSchedule w = new LinearWarmup(StepSchedule.tsm(0.1, 1), 1);
        assertEquals(0.05, w.lrAt(0, 0, 2), EPS);
        assertEquals(0.01, w.lrAt(1, 0, 2), EPS);
        assertEquals(0.4, new LinearWarmup(LrSchedule.constant(0.4), 0).lrAt(0, 0, 4), EPS);
    }

    @Test void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> StepSchedule.tsm(0.1, 40, 20));
        assertThrows(IllegalArgumentException.class, () -> StepSchedule.tsm(0.1, 10).lrAt(0, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(0.1, 0.2, 10, false));
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(LrSchedule.constant(1), -1));
    }
}
