package dev.saccade.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.sampling.ClipSampling;
import dev.saccade.data.sampling.SegmentSampler;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Sampling indices against the formulas of TSM's ops/dataset.py, written out again here (docs/MODELS.md §2.1). */
class SegmentSamplerTest {

    // the reference formulas, transcribed independently (float maths as in Python)
    private static int[] valReference(int nf, int t, int base) {
        int[] out = new int[t];
        if (nf > t + 1 - 1) {
            float dummy = 0; // tick is a Python float (double)
            double tick = (nf - 1 + 1) / (double) t;
            for (int x = 0; x < t; x++) {
                out[x] = (int) Math.floor(tick / 2.0 + tick * x) + base + (int) dummy;
            }
        } else {
            for (int x = 0; x < t; x++) {
                out[x] = base;
            }
        }
        return out;
    }

    @ParameterizedTest(name = "val nf={0} T={1}")
    @CsvSource({"40,8", "37,8", "8,8", "5,8", "1,8", "100,16", "9,8", "3,3", "250,8"})
    void validationIsSegmentCentres(int nf, int t) {
        assertArrayEquals(valReference(nf, t, 1), new SegmentSampler(t, 1).val(nf));
        assertArrayEquals(valReference(nf, t, 0), new SegmentSampler(t, 0).val(nf));
    }

    @Test
    void validationWorkedExample() {
        // tick = 5: centres 2.5, 7.5, …; int() then + 1
        assertArrayEquals(new int[] {3, 8, 13, 18, 23, 28, 33, 38}, new SegmentSampler(8, 1).val(40));
        // nf = 37: tick 4.625 → int(2.3125 + 4.625 t)
        assertArrayEquals(new int[] {2, 6, 11, 16, 20, 25, 30, 34}, new SegmentSampler(8, 0).val(37));
        // nf ≤ T: all zeros (+ base)
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1}, new SegmentSampler(8, 1).val(5));
    }

    @ParameterizedTest(name = "train nf={0} T={1}")
    @CsvSource({"40,8", "37,8", "8,8", "15,8", "5,8", "1,8", "64,16"})
    void trainingStaysInsideItsSegment(int nf, int t) {
        SegmentSampler s = new SegmentSampler(t, 1);
        Random a = new Random(11);
        Random b = new Random(11);
        for (int trial = 0; trial < 50; trial++) {
            int[] got = s.train(nf, a);
            int avg = nf / t;
            for (int x = 0; x < t; x++) {
                if (avg > 0) {
                    // offset = x·avg + randint(avg), the same draw sequence as the reference
                    int expected = x * avg + b.nextInt(avg) + 1;
                    assertEquals(expected, got[x], "segment " + x);
                    assertTrue(got[x] >= x * avg + 1 && got[x] <= (x + 1) * avg, "inside segment " + x);
                } else {
                    assertEquals(1, got[x], "nf < T gives zeros (+1)");
                }
            }
        }
    }

    @Test
    void testTwiceGivesCentresThenStarts() {
        int[][] two = new SegmentSampler(4, 1).testTwice(10); // tick 2.5
        assertArrayEquals(new int[] {2, 4, 7, 9}, two[0]);  // int(1.25), int(3.75), int(6.25), int(8.75) + 1
        assertArrayEquals(new int[] {1, 3, 6, 8}, two[1]);  // int(0), int(2.5), int(5), int(7.5) + 1
        // short video: test centres do not fall back to zeros
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3, 3}, new SegmentSampler(8, 0).test(4)); // int(0.25 + 0.5 t)
    }

    @Test
    void denseSampling() {
        SegmentSampler s = new SegmentSampler(8, 1);
        // nf = 100: sample_pos = 37, stride 8; starts linspace(0, 36, 10) → 0, 4, 8, 12, 16, 20, 24, 28, 32, 36
        int[][] clips = s.denseTest(100, 10);
        int[] starts = {0, 4, 8, 12, 16, 20, 24, 28, 32, 36};
        for (int k = 0; k < 10; k++) {
            for (int t = 0; t < 8; t++) {
                assertEquals((t * 8 + starts[k]) % 100 + 1, clips[k][t], "clip " + k + " frame " + t);
            }
        }
        // nf = 50 < 64: sample_pos = 1, start 0, wrap modulo nf
        int[] wrap = s.denseTrain(50, new Random(0));
        for (int t = 0; t < 8; t++) {
            assertEquals((t * 8) % 50 + 1, wrap[t]);
        }
        // nf = 70: sample_pos = 7 → randint(0, 6) ∈ [0, 5]
        Random r = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            int start = s.denseTrain(70, r)[0] - 1;
            assertTrue(start >= 0 && start <= 5, "start " + start);
        }
        // linspace with a non-integral step: sample_pos − 1 = 20 → 0, 2.22, 4.44, … truncated
        int[][] c = new SegmentSampler(8, 0).denseTest(84, 10);
        int[] expected = {0, 2, 4, 6, 8, 11, 13, 15, 17, 20};
        for (int k = 0; k < 10; k++) {
            assertEquals(expected[k], c[k][0], "start of clip " + k);
        }
    }

    @Test
    void samplingModesAndBadArguments() {
        SegmentSampler s = new SegmentSampler(8, 0);
        assertEquals(10, ClipSampling.RANDOM_CLIPS.clips(s, 80, 10, new Random(1)).length);
        assertEquals(2, ClipSampling.TWICE.clips(s, 80, 1, new Random(1)).length);
        assertThrows(IllegalArgumentException.class, () -> s.val(0));
        assertThrows(IllegalArgumentException.class, () -> new SegmentSampler(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SegmentSampler(8, 2));
    }
}
