package dev.saccade.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.loader.ClipLoader;
import dev.saccade.data.synthetic.Split;
import dev.saccade.data.synthetic.SyntheticMotion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClipLoaderTest {

    private static final ClipDataset TRAIN = new SyntheticMotion(
            SyntheticMotion.Options.defaults().withSplitSizes(70, 10, 10).withSeed(1)).split(Split.TRAIN);

    /** A dataset whose clips depend on the rng, with random per-sample delays to shuffle worker timing. */
    private static final ClipDataset RANDOMISED = new ClipDataset() {
        @Override
        public int size() {
            return 37;
        }

        @Override
        public Clip get(int index, Random rng) {
            if (index % 11 == 5) {
                return null; // skipped
            }
            try {
                Thread.sleep((index * 7) % 3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            float[] d = new float[2 * 3 * 2 * 2];
            for (int i = 0; i < d.length; i++) {
                d[i] = rng.nextFloat();
            }
            return new Clip(d, 2, 2, 2, index % 3, "v" + index);
        }

        @Override
        public int numClasses() {
            return 3;
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }
    };

    private static List<ClipBatch> run(ClipDataset ds, int workers, int epoch, boolean dropLast) {
        try (ClipLoader l = ClipLoader.builder(ds).batchSize(8).workers(workers).prefetch(3).seed(42).dropLast(dropLast).build()) {
            List<ClipBatch> out = new ArrayList<>();
            for (ClipBatch b : l.epoch(epoch)) {
                out.add(b);
            }
            return out;
        }
    }

    @Test
    void batchesAreTheSameWhateverTheWorkers() {
        List<ClipBatch> one = run(RANDOMISED, 1, 0, false);
        List<ClipBatch> two = run(RANDOMISED, 2, 0, false);
        List<ClipBatch> twoAgain = run(RANDOMISED, 2, 0, false);
        assertEquals(5, one.size());
        assertEquals(one.size(), two.size());
        for (int b = 0; b < one.size(); b++) {
            assertEquals(b, two.get(b).index());
            assertArrayEquals(one.get(b).ids(), two.get(b).ids(), "batch " + b);
            assertArrayEquals(one.get(b).data(), two.get(b).data(), "batch " + b);
            assertArrayEquals(twoAgain.get(b).data(), two.get(b).data(), "batch " + b);
        }
        int total = two.stream().mapToInt(ClipBatch::size).sum();
        assertEquals(37 - 3, total, "indices 5, 16, 27 are skipped");
    }

    @Test
    void epochsShuffleDifferentlyAndCoverEverySample() {
        List<ClipBatch> e0 = run(TRAIN, 2, 0, false);
        List<ClipBatch> e1 = run(TRAIN, 2, 1, false);
        assertFalse(Arrays.equals(e0.get(0).ids(), e1.get(0).ids()));
        Set<String> ids = new HashSet<>();
        for (ClipBatch b : e0) {
            ids.addAll(Arrays.asList(b.ids()));
            assertEquals(b.size() * 8 * 3 * 32 * 32, b.data().length);
        }
        assertEquals(70, ids.size());
        assertEquals(6, e0.get(8).size(), "last partial batch kept");
        List<ClipBatch> dropped = run(TRAIN, 2, 0, true);
        assertEquals(8, dropped.size());
        assertArrayEquals(e0.get(3).ids(), dropped.get(3).ids());
    }

    @Test
    void errorsReachTheConsumerAndCloseStopsWorkers() {
        ClipDataset failing = new ClipDataset() {
            public int size() {
                return 20;
            }

            public Clip get(int index, Random rng) {
                if (index == 13) {
                    throw new IllegalStateException("broken sample 13");
                }
                return new Clip(new float[3], 1, 1, 1, 0, "ok");
            }

            public int numClasses() {
                return 1;
            }

            public List<String> classNames() {
                return List.of("x");
            }
        };
        try (ClipLoader l = ClipLoader.builder(failing).batchSize(4).shuffle(false).workers(2).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                for (ClipBatch b : l.epoch(0)) {
                    assertTrue(b.size() > 0);
                }
            });
            assertTrue(e.getMessage().contains("13"));
        }
        ClipLoader l = ClipLoader.builder(TRAIN).batchSize(2).workers(2).prefetch(1).build();
        var it = l.epoch(0).iterator();
        it.next();
        l.close();
        assertThrows(IllegalStateException.class, () -> l.epoch(1).iterator());
    }

    @Test
    void throughput() {
        ClipDataset big = new SyntheticMotion(SyntheticMotion.Options.defaults().withSplitSizes(2000, 0, 0)).split(Split.TRAIN);
        try (ClipLoader l = ClipLoader.builder(big).batchSize(32).workers(2).build()) {
            int clips = 0;
            for (ClipBatch b : l.epoch(0)) {
                clips += b.size(); // warm-up epoch
            }
            long t0 = System.nanoTime();
            for (ClipBatch b : l.epoch(1)) {
                clips += b.size();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("ClipLoader, synthetic 8x3x32x32, 2 workers, batch 32: %.0f clips/s%n", 2000 / s);
            assertEquals(4000, clips);
        }
    }
}
