package dev.saccade.cli;

import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.Arrays;
import java.util.List;

/**
 * Times a model's inference the way {@code saccade bench} reports it: the model in evaluation mode, every forward
 * under no-grad on at most {@code threads} cores ({@link CpuThreads#limit}), {@code warmup} untimed forwards, then
 * {@code runs} timed ones.
 *
 * <p>Peak heap ({@link HeapPeak}) is the heap occupied from just before the model was built to the last forward,
 * weights included. It counts garbage the collector had not yet reclaimed, so it grows with {@code -Xmx}; run with
 * a small {@code -Xmx} to check what a model needs.
 */
public final class InferenceTiming {
    private InferenceTiming() {}

    /** Latencies of the timed forwards in milliseconds, in the order they ran, and the peak heap in bytes. */
    public record Result(double[] latenciesMs, long peakHeapBytes) {
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
     * Runs {@code warmup} untimed and {@code runs} timed forwards of {@code net} (put in eval mode) on {@code clip};
     * the peak heap is {@code peak}'s, read after the last forward.
     */
    public static Result time(Tsn net, Tensor clip, int threads, int warmup, int runs, HeapPeak peak) {
        if (runs < 1) throw new IllegalArgumentException("runs must be ≥ 1, got " + runs);
        if (warmup < 0) throw new IllegalArgumentException("warm-up must be ≥ 0, got " + warmup);
        net.eval();
        double[] ms = new double[runs];
        try (CpuThreads.Limit limit = CpuThreads.limit(threads); GradMode.Scope noGrad = GradMode.disable()) {
            for (int i = -warmup; i < runs; i++) {
                long t0 = System.nanoTime();
                Tensor logits = net.forward(clip);                     // (N, K)
                logits.toFloatArray();                                 // the result is on the host
                if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return new Result(ms, peak.bytes());
    }

    /**
     * Times several models side by side: {@code warmup} untimed rounds, then {@code runs} timed rounds, each round one
     * forward of every model, the order rotating from round to round — so that the models share the JIT's warm-up and
     * the machine's load drifts over all of them alike, and their ratios are the figures to read. The peak heap is
     * that of all the models together.
     *
     * @return one result per net, in the order given
     */
    public static List<Result> timeRounds(List<Tsn> nets, Tensor clip, int threads, int warmup, int runs, HeapPeak peak) {
        List<Runnable> forwards = new java.util.ArrayList<>();
        for (Tsn net : nets) {
            net.eval();
            forwards.add(() -> net.forward(clip).toFloatArray());          // (N, K), on the host
        }
        double[][] ms;
        try (CpuThreads.Limit limit = CpuThreads.limit(threads); GradMode.Scope noGrad = GradMode.disable()) {
            ms = rounds(forwards, warmup, runs);
        }
        List<Result> out = new java.util.ArrayList<>();
        for (double[] r : ms) out.add(new Result(r, peak.bytes()));
        return out;
    }

    /**
     * The schedule of {@link #timeRounds}: round r (warm-up rounds are r &lt; 0) runs every forward once, starting with
     * forward {@code r mod n} and going on in order; returns each forward's timed-round latencies in milliseconds.
     */
    static double[][] rounds(List<Runnable> forwards, int warmup, int runs) {
        if (runs < 1) throw new IllegalArgumentException("runs must be ≥ 1, got " + runs);
        if (warmup < 0) throw new IllegalArgumentException("warm-up must be ≥ 0, got " + warmup);
        int n = forwards.size();
        double[][] ms = new double[n][runs];
        for (int round = -warmup; round < runs; round++) {
            for (int j = 0; j < n; j++) {
                int m = Math.floorMod(round + j, n);                           // rotate who goes first
                long t0 = System.nanoTime();
                forwards.get(m).run();
                if (round >= 0) ms[m][round] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return ms;
    }
}
