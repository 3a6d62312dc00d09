package dev.saccade.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-variant time totals of a benchmark that runs a composed and a fused variant back to back in every call, the
 * order alternating ({@code TemporalModuleBench.alternating}, {@code MotionAttentionBench.alternating}): JMH reports
 * {@code composedMs}, {@code fusedMs} and the {@code pairs} they cover per iteration, and their ratio holds on a
 * machine shared with other jobs where separate runs do not.
 */
@AuxCounters(AuxCounters.Type.EVENTS)
@State(Scope.Thread)
public class AlternatingPairs {
    public double composedMs, fusedMs;
    public long pairs;

    @Setup(Level.Iteration) public void reset() { composedMs = 0; fusedMs = 0; pairs = 0; }

    /**
     * One pair: {@code variant.apply(false)} (composed) and {@code variant.apply(true)} (fused) back to back, composed
     * first on even pairs, each timed on its own and added to its total; returns the second call's result.
     */
    <T> T runPair(java.util.function.Function<Boolean, T> variant) {
        boolean composedFirst = (pairs & 1) == 0;
        T last = null;
        for (int k = 0; k < 2; k++) {
            boolean fused = composedFirst == (k == 1);
            long t0 = System.nanoTime();
            last = variant.apply(fused);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (fused) fusedMs += ms; else composedMs += ms;
        }
        pairs++;
        return last;
    }
}
