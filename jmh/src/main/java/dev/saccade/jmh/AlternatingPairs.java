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

    /** Which variant runs first in this pair: composed on even pairs, fused on odd ones. */
    boolean composedFirst() { return (pairs & 1) == 0; }

    /** Adds one call's time to its variant's total. */
    void add(boolean fused, double ms) {
        if (fused) fusedMs += ms; else composedMs += ms;
    }
}
