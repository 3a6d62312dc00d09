package dev.saccade.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.synthetic.MotionClass;
import dev.saccade.data.synthetic.Split;
import dev.saccade.data.synthetic.SyntheticMotion;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticMotionTest {

    private static final SyntheticMotion DATA = new SyntheticMotion(
            SyntheticMotion.Options.defaults().withSeed(3).withSplitSizes(140, 56, 28));

    @Test
    void sameSeedGivesIdenticalBytes() {
        SyntheticMotion again = new SyntheticMotion(SyntheticMotion.Options.defaults().withSeed(3).withSplitSizes(140, 56, 28));
        for (int i = 0; i < 28; i++) {
            Clip a = DATA.get(Split.TRAIN, i);
            Clip b = again.get(Split.TRAIN, i);
            assertArrayEquals(a.data(), b.data(), "clip " + i);
            assertEquals(a.label(), b.label());
        }
        SyntheticMotion other = new SyntheticMotion(SyntheticMotion.Options.defaults().withSeed(4));
        assertFalse(Arrays.equals(DATA.get(Split.TRAIN, 0).data(), other.get(Split.TRAIN, 0).data()));
        // the cache returns the same bytes as fresh generation
        SyntheticMotion cached = new SyntheticMotion(SyntheticMotion.Options.defaults().withSeed(3).withSplitSizes(140, 56, 28).withCache(true));
        assertArrayEquals(DATA.get(Split.VAL, 5).data(), cached.get(Split.VAL, 5).data());
        assertArrayEquals(DATA.get(Split.VAL, 5).data(), cached.get(Split.VAL, 5).data());
    }

    @Test
    void twinIsTheForwardClipReversed() {
        assertEquals(6, DATA.reversalPairs().size());
        for (int[] pair : DATA.reversalPairs()) {
            for (long seed = 0; seed < 5; seed++) {
                RgbFrame[] fwd = DATA.frames(pair[0], seed);
                RgbFrame[] rev = DATA.frames(pair[1], seed);
                int t = fwd.length;
                for (int k = 0; k < t; k++) {
                    assertArrayEquals(fwd[k].rgb(), rev[t - 1 - k].rgb(), "pair " + pair[0] + "/" + pair[1] + " frame " + k);
                }
                // the multiset of frames is the same; the order is not (the clip really moves)
                List<String> a = Arrays.stream(fwd).map(f -> Arrays.toString(f.rgb())).sorted().toList();
                List<String> b = Arrays.stream(rev).map(f -> Arrays.toString(f.rgb())).sorted().toList();
                assertEquals(a, b);
                assertFalse(Arrays.equals(fwd[0].rgb(), rev[0].rgb()), "class " + pair[0] + " seed " + seed + " is static");
            }
        }
        assertTrue(MotionClass.MOVING_LEFT.reversed());
        assertFalse(MotionClass.MOVING_RIGHT.reversed());
    }

    @Test
    void classesAreBalancedAndNamed() {
        assertEquals(14, DATA.numClasses());
        assertEquals("moving right", DATA.classNames().get(0));
        assertEquals("static cross", DATA.classNames().get(13));
        int[] count = new int[DATA.numClasses()];
        for (int i = 0; i < DATA.size(Split.TRAIN); i++) {
            count[DATA.get(Split.TRAIN, i).label()]++;
        }
        for (int c = 0; c < count.length; c++) {
            assertEquals(10, count[c], "class " + c);
        }
        assertEquals(12, new SyntheticMotion(SyntheticMotion.Options.defaults().withControlClasses(0)).numClasses());
    }

    @Test
    void splitsAreDisjoint() {
        Set<String> seen = new HashSet<>();
        for (Split s : Split.values()) {
            for (int i = 0; i < DATA.size(s); i++) {
                assertTrue(seen.add(Arrays.toString(DATA.rawFrames(s, i)[0].rgb())), s + " clip " + i + " repeats another");
            }
        }
        assertNotEquals(DATA.sampleSeed(Split.TRAIN, 1), DATA.sampleSeed(Split.VAL, 1));
    }

    @Test
    void shapeRangeAndOptions() {
        SyntheticMotion big = new SyntheticMotion(SyntheticMotion.Options.defaults().withFrames(16).withSize(48, 64)
                .withDifficulty(1.0).withNoise(0.1));
        Clip c = big.get(Split.TEST, 9);
        assertEquals(16, c.frames());
        assertEquals(48, c.height());
        assertEquals(64, c.width());
        float lo = (0 - 0.485f) / 0.229f;
        float hi = (1 - 0.406f) / 0.225f;
        for (float v : c.data()) {
            assertTrue(v >= lo - 1e-4 && v <= hi + 1e-4, "value " + v);
        }
        assertThrows(IllegalArgumentException.class, () -> SyntheticMotion.Options.defaults().withDifficulty(2));
        assertThrows(IllegalArgumentException.class, () -> SyntheticMotion.Options.defaults().withFrames(1));
        assertThrows(IndexOutOfBoundsException.class, () -> DATA.get(Split.TEST, 28));
    }

    @Test
    void generationSpeed() {
        SyntheticMotion d = new SyntheticMotion(SyntheticMotion.Options.defaults());
        for (int i = 0; i < 500; i++) {
            d.get(Split.TRAIN, i); // warm-up
        }
        int n = 2000;
        long t0 = System.nanoTime();
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += d.get(Split.TRAIN, i).label();
        }
        double us = (System.nanoTime() - t0) / 1e3 / n;
        System.out.printf("SyntheticMotion 8x3x32x32: %.1f us per clip, single thread (label sum %d)%n", us, sum);
        assertTrue(sum > 0);
    }
}
