package dev.saccade.cli;

import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.Arrays;
import java.util.List;

/**
 * Times a model's inference the way {@code saccade bench} reports it: the model in evaluation mode, every forward
 * under no-grad on at most {@code threads} cores ({@link CpuThreads#limit}), a {@link Warmup} of untimed forwards,
 * then {@code runs} timed ones.
 *
 * <p>Peak heap ({@link HeapPeak}) is the heap occupied from just before the model was built to the last forward,
 * weights included. It counts garbage the collector had not yet reclaimed, so it grows with {@code -Xmx}; run with
 * a small {@code -Xmx} to check what a model needs.
 */
public final class InferenceTiming {
    private InferenceTiming() {}

    /**
     * The untimed forwards before the timed ones: at least {@code forwards} of them (rounds, when several models run
     * side by side), and on until {@code seconds} have passed since the first. The JIT compiles the kernels while
     * they run: tsm-mobilenetv2 at batch 1 on 2 threads gave medians of 44–47 ms after 5 warm-up forwards and 39–42
     * ms after 20 to 100 (2026-12-05), so a count alone that is right for one model and machine is wrong for others.
     */
    public record Warmup(int forwards, double seconds) {
        public Warmup {
            if (forwards < 0) throw new IllegalArgumentException("warm-up forwards must be ≥ 0, got " + forwards);
            if (!(seconds >= 0)) throw new IllegalArgumentException("warm-up seconds must be ≥ 0, got " + seconds);
        }

        /** Exactly n warm-up forwards, whatever the time. */
        public static Warmup forwards(int n) { return new Warmup(n, 0); }
    }

    /**
     * Latencies of the timed forwards in milliseconds, in the order they ran, the peak heap in bytes, and how many
     * warm-up forwards (rounds) ran before them.
     */
    public record Result(double[] latenciesMs, long peakHeapBytes, int warmups) {
        public Result { latenciesMs = latenciesMs.clone(); }

        public double medianMs() {
            double[] s = latenciesMs.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        public double bestMs() { return Arrays.stream(latenciesMs).min().orElseThrow(); }

        /** Clips per second at the median latency. */
        public double clipsPerSecond(int clips) { return clips / (medianMs() / 1000); }

        /** Effective GFLOP/s at the median latency: 2 · MACs / time. */
        public double gflops(long macs) { return 2.0 * macs / (medianMs() / 1000) / 1e9; }
    }

    /**
     * Runs the warm-up's untimed and {@code runs} timed forwards of {@code net} (put in eval mode) on {@code clip};
     * the peak heap is {@code peak}'s, read after the last forward.
     */
    public static Result time(Tsn net, Tensor clip, int threads, Warmup warmup, int runs, HeapPeak peak) {
        return timeRounds(List.of(net), clip, threads, warmup, runs, peak).getFirst();
    }

    /**
     * Times several models side by side: {@code warmup} untimed rounds, then {@code runs} timed rounds, each round one
     * forward of every model, the order rotating from round to round — so that the models share the JIT's warm-up and
     * the machine's load drifts over all of them alike, and their ratios are the figures to read. The peak heap is
     * that of all the models together.
     *
     * @return one result per net, in the order given
     */
    public static List<Result> timeRounds(List<Tsn> nets, Tensor clip, int threads, Warmup warmup, int runs,
                                          HeapPeak peak) {
        List<Runnable> forwards = new java.util.ArrayList<>();
        for (Tsn net : nets) {
            net.eval();
            forwards.add(() -> net.forward(clip).toFloatArray());          // (N, K), on the host
        }
        Rounds timed;
        try (CpuThreads.Limit limit = CpuThreads.limit(threads); GradMode.Scope noGrad = GradMode.disable()) {
            timed = rounds(forwards, warmup, runs);
        }
        List<Result> out = new java.util.ArrayList<>();
        for (double[] r : timed.ms()) out.add(new Result(r, peak.bytes(), timed.warmups()));
        return out;
    }

    /**
     * The median and quartiles of {@code a}'s latency over {@code base}'s, round by round: for results timed side by
     * side ({@link #timeRounds}), round r's ratio compares two forwards that ran back to back, so a drift of the
     * machine's speed over the run moves both and leaves the ratio (the ratio of the two medians does not cancel it).
     * Quartiles by linear interpolation between the sorted ratios.
     */
    public static Ratio pairedRatio(Result a, Result base) {
        double[] x = a.latenciesMs(), y = base.latenciesMs();
        if (x.length != y.length) throw new IllegalArgumentException("paired ratio: " + x.length + " against " + y.length + " rounds");
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) r[i] = x[i] / y[i];
        Arrays.sort(r);
        return new Ratio(quantile(r, 0.5), quantile(r, 0.25), quantile(r, 0.75));
    }

    /** A ratio's median and quartiles over the rounds. */
    public record Ratio(double median, double q1, double q3) {}

    private static double quantile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at), hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Each forward's timed-round latencies in milliseconds, and how many warm-up rounds ran first. */
    record Rounds(double[][] ms, int warmups) {}

    /**
     * The schedule of {@link #timeRounds}: warm-up rounds w = 0, 1, … while the {@link Warmup} asks for more, then
     * timed rounds r = 0 … runs − 1; every round runs every forward once, starting with forward {@code w mod n} (or
     * {@code r mod n}) and going on in order.
     */
    static Rounds rounds(List<Runnable> forwards, Warmup warmup, int runs) {
        if (runs < 1) throw new IllegalArgumentException("runs must be ≥ 1, got " + runs);
        int n = forwards.size(), warmups = 0;
        long start = System.nanoTime(), seconds = (long) (warmup.seconds() * 1e9);
        while (warmups < warmup.forwards() || System.nanoTime() - start < seconds) {
            for (int j = 0; j < n; j++) forwards.get((warmups + j) % n).run();
            warmups++;
        }
        double[][] ms = new double[n][runs];
        for (int round = 0; round < runs; round++) {
            for (int j = 0; j < n; j++) {
                int m = (round + j) % n;                                       // rotate who goes first
                long t0 = System.nanoTime();
                forwards.get(m).run();
                ms[m][round] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return new Rounds(ms, warmups);
    }
}
