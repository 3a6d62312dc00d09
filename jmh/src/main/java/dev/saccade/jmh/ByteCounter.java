package dev.saccade.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH auxiliary counter of memory traffic; JMH reports it as a rate, so the secondary result {@code ·bytes} reads as
 * bytes/s. Count bytes read plus bytes written (a copy of N floats moves 8·N bytes).
 *
 * <pre>{@code
 * @Benchmark public void copy(ByteCounter bc) { System.arraycopy(src, 0, dst, 0, n); bc.bytes += 8L * n; }
 * }</pre>
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {
    /** Bytes read plus bytes written in this iteration. */
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() { bytes = 0; }
}
