package dev.saccade.kernels.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fixed worker pool every CPU kernel runs on, sized to the cores ({@code -Dsaccade.threads=N} overrides).
 *
 * <pre>{@code
 * CpuThreads.parallelFor(0, rows, 16, (lo, hi) -> { for (int r = lo; r < hi; r++) work(r); });
 * }</pre>
 */
public final class CpuThreads {
    /** A half-open range of work items {@code [lo, hi)}. */
    @FunctionalInterface
    public interface RangeTask { void run(int lo, int hi); }

    private static final int THREADS = Integer.getInteger("saccade.threads",
            Runtime.getRuntime().availableProcessors());
    /**
     * How long a worker that ran out of work, and a caller waiting for its workers, poll before they block
     * ({@code -Dsaccade.spinMicros}, default 1000; 0 blocks at once). A forward is a chain of short parallel
     * loops: a blocked thread must be woken for each one, which on a virtual machine whose idle vCPU has halted
     * costs tens to hundreds of microseconds; polling for a millisecond keeps the pool awake through a forward and
     * lets it sleep between forwards (ONNX Runtime's and OpenMP's pools spin before blocking for the same reason).
     */
    private static final long SPIN_NANOS = Long.getLong("saccade.spinMicros", 1000) * 1000;

    private static final ExecutorService POOL = new ThreadPoolExecutor(Math.max(1, THREADS - 1), Math.max(1, THREADS - 1),
            0, TimeUnit.MILLISECONDS, new SpinningQueue(), r -> {
                Thread t = new Thread(r, "saccade-cpu");
                t.setDaemon(true);
                return t;
            });

    /** The pool's queue: {@link #take} polls for {@link #SPIN_NANOS} before it blocks. */
    private static final class SpinningQueue extends LinkedBlockingQueue<Runnable> {
        @Override public Runnable take() throws InterruptedException {
            long until = System.nanoTime() + SPIN_NANOS;
            while (System.nanoTime() < until) {
                Runnable r = poll();
                if (r != null) return r;
                Thread.onSpinWait();
            }
            return super.take();
        }
    }
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
    /** The most chunks a parallelFor started on this thread splits into (see {@link #limit}). */
    private static final ThreadLocal<Integer> LIMIT = ThreadLocal.withInitial(() -> Integer.MAX_VALUE);

    /** Restores the previous limit when closed. */
    public interface Limit extends AutoCloseable { @Override void close(); }

    /**
     * Caps the threads of the kernels the calling thread runs until the returned scope is closed: at most
     * {@code min(threads, }{@link #threads()}{@code )} chunks per parallel loop. A library user runs one model on k
     * cores this way while other threads keep the pool.
     *
     * <pre>{@code
     * try (var l = CpuThreads.limit(1)) { model.forward(x); }   // single-threaded kernels
     * }</pre>
     */
    public static Limit limit(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        int previous = LIMIT.get();
        LIMIT.set(threads);
        return () -> LIMIT.set(previous);
    }

    private CpuThreads() {}

    /** Number of threads kernels split their work into. */
    public static int threads() { return THREADS; }

    /**
     * Runs {@code task} over {@code [start, end)} split into at most {@link #threads()} contiguous chunks of at least
     * {@code grain} items; the calling thread takes one chunk. Nested calls run inline on the caller.
     */
    public static void parallelFor(int start, int end, int grain, RangeTask task) {
        int n = end - start;
        if (n <= 0) return;
        int chunks = Math.min(Math.min(THREADS, LIMIT.get()), Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || IN_WORKER.get()) { task.run(start, end); return; }
        CountDownLatch done = new CountDownLatch(chunks - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int c = 1; c < chunks; c++) {
            int lo = start + (int) ((long) n * c / chunks), hi = start + (int) ((long) n * (c + 1) / chunks);
            POOL.execute(() -> {
                IN_WORKER.set(true);
                try { task.run(lo, hi); } catch (Throwable e) { failure.compareAndSet(null, e); }
                finally { IN_WORKER.set(false); done.countDown(); }
            });
        }
        IN_WORKER.set(true);
        try { task.run(start, start + (int) ((long) n / chunks)); }
        finally { IN_WORKER.set(false); }
        for (long until = System.nanoTime() + SPIN_NANOS; done.getCount() > 0 && System.nanoTime() < until; ) Thread.onSpinWait();
        try { done.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); throw new IllegalStateException(e); }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        if (t != null) throw new IllegalStateException(t);
    }
}
