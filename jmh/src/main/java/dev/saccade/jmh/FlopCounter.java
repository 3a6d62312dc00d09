package dev.saccade.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH auxiliary counter that benchmarks add their floating-point operations to; JMH reports it as a rate, so the
 * secondary result {@code ·flop} reads directly as FLOP/s (divide by 1e9 for GFLOP/s).
 *
 * <pre>{@code
 * @Benchmark public void gemm(FlopCounter f) { Sgemm.gemm(...); f.flop += 2L * m * n * k; }
 * }</pre>
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {
    /** Floating-point operations done in this iteration (a multiply-add counts as two). */
    public long flop;

    @Setup(Level.Iteration)
    public void reset() { flop = 0; }
}
