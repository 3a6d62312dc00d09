package dev.saccade.data.loader;

import dev.saccade.data.Clip;
import dev.saccade.data.ClipBatch;
import dev.saccade.data.ClipDataset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Multi-threaded prefetching batch loader (the role of PyTorch's {@code DataLoader(num_workers=N)}).
 *
 * <p>Determinism: epoch {@code e}'s order is a Fisher–Yates shuffle seeded by {@code (seed, e)} (or the identity
 * without shuffling); batch {@code b} holds positions {@code [b·B, (b+1)·B)} of that order, and sample {@code i}'s
 * random decisions come from a {@link Random} seeded by {@code (seed, e, i)}. So batch {@code b} has the same clips,
 * bit for bit, whatever the number of workers or their timing. Workers claim batch numbers in increasing order and
 * at most {@code prefetch} finished or in-progress batches wait for the consumer; batches are handed out in order.
 * A clip the dataset skips ({@code null}) is left out of its batch.
 *
 * <pre>{@code
 * try (ClipLoader loader = ClipLoader.builder(train).batchSize(16).workers(2).shuffle(true).seed(1).build()) {
 *     for (ClipBatch b : loader.epoch(0)) {
 *         // b.data() is (N, T, 3, H, W)
 *     }
 * }
 * }</pre>
 */
public final class ClipLoader implements AutoCloseable {

    private final ClipDataset dataset;
    private final int batchSize;
    private final int workers;
    private final int prefetch;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private ClipLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.workers = b.workers;
        this.prefetch = b.prefetch;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
    }

    public static Builder builder(ClipDataset dataset) {
        return new Builder(dataset);
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The sample order of an epoch. */
    public int[] order(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random r = new Random(mix(seed, epoch, -1));
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
        return order;
    }

    /** Builds batch {@code b} of an epoch on the calling thread (what the workers do). */
    public ClipBatch batch(int epoch, int b, int[] order) {
        int from = b * batchSize;
        int to = Math.min(order.length, from + batchSize);
        List<Clip> clips = new ArrayList<>(to - from);
        for (int p = from; p < to; p++) {
            int i = order[p];
            Clip c = dataset.get(i, new Random(mix(seed, epoch, i)));
            if (c != null) {
                clips.add(c);
            }
        }
        return ClipBatch.stack(clips, b);
    }

    /** The batches of epoch {@code e}, built by the worker threads while the caller consumes them. */
    public Iterable<ClipBatch> epoch(int e) {
        return () -> new EpochIterator(e);
    }

    /** Stops every worker thread; iterators still open then end with an exception. */
    @Override
    public void close() {
        closed = true;
        synchronized (threads) {
            for (Thread t : threads) {
                t.interrupt();
            }
            threads.clear();
        }
    }

    private static long mix(long seed, long epoch, long index) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L + index;
        h = (h ^ (h >>> 32)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }

    private final class EpochIterator implements Iterator<ClipBatch> {
        private final int epoch;
        private final int[] order;
        private final int total = batchesPerEpoch();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final Map<Integer, Object> ready = new HashMap<>(); // batch number → ClipBatch or Throwable
        private final List<Thread> mine = new ArrayList<>();
        private int nextToClaim;
        private int nextToHand;

        EpochIterator(int epoch) {
            if (closed) {
                throw new IllegalStateException("loader is closed");
            }
            this.epoch = epoch;
            this.order = order(epoch);
            for (int w = 0; w < Math.max(1, workers); w++) {
                Thread t = new Thread(this::work, "clip-loader-" + epoch + "-" + w);
                t.setDaemon(true);
                mine.add(t);
            }
            synchronized (threads) {
                threads.addAll(mine);
            }
            mine.forEach(Thread::start);
        }

        private void work() {
            while (true) {
                int b;
                lock.lock();
                try {
                    // wait while the prefetch window (claimed but not yet handed out) is full
                    while (!closed && nextToClaim < total && nextToClaim - nextToHand >= prefetch) {
                        changed.await();
                    }
                    if (closed || nextToClaim >= total) {
                        return;
                    }
                    b = nextToClaim++;
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
                Object result;
                try {
                    result = batch(epoch, b, order);
                } catch (RuntimeException | Error e) {
                    result = e;
                }
                lock.lock();
                try {
                    ready.put(b, result);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public boolean hasNext() {
            boolean more = nextToHand < total;
            if (!more) {
                finish();
            }
            return more;
        }

        @Override
        public ClipBatch next() {
            if (nextToHand >= total) {
                throw new NoSuchElementException("epoch " + epoch + " has " + total + " batches");
            }
            Object r;
            lock.lock();
            try {
                while (!ready.containsKey(nextToHand)) {
                    if (closed) {
                        throw new IllegalStateException("loader closed during epoch " + epoch);
                    }
                    changed.await();
                }
                r = ready.remove(nextToHand);
                nextToHand++;
                changed.signalAll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for batch " + nextToHand, e);
            } finally {
                lock.unlock();
            }
            if (r instanceof RuntimeException e) {
                finish();
                throw e;
            }
            if (r instanceof Error e) {
                finish();
                throw e;
            }
            return (ClipBatch) r;
        }

        private void finish() {
            synchronized (threads) {
                threads.removeAll(mine);
            }
        }
    }

    /** Options; defaults: batch 8, 2 workers, prefetch 4 batches, shuffle, keep the last partial batch, seed 0. */
    public static final class Builder {
        private final ClipDataset dataset;
        private int batchSize = 8;
        private int workers = 2;
        private int prefetch = 4;
        private boolean shuffle = true;
        private boolean dropLast;
        private long seed;

        private Builder(ClipDataset dataset) {
            this.dataset = dataset;
        }

        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** Batches that may be built ahead of the consumer. */
        public Builder prefetch(int n) {
            this.prefetch = n;
            return this;
        }

        public Builder shuffle(boolean s) {
            this.shuffle = s;
            return this;
        }

        public Builder dropLast(boolean d) {
            this.dropLast = d;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public ClipLoader build() {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
            }
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be ≥ 1, got " + workers);
            }
            if (prefetch < 1) {
                throw new IllegalArgumentException("prefetch must be ≥ 1, got " + prefetch);
            }
            return new ClipLoader(this);
        }
    }
}
