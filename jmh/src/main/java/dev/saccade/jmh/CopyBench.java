package dev.saccade.jmh;

import dev.saccade.kernels.cpu.CpuThreads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory-bandwidth baseline: {@code System.arraycopy} of a float buffer larger than the last-level cache, on one
 * thread and split across {@link CpuThreads}. The {@code ·bytes} secondary result is bytes read + written per second
 * (8 bytes per float copied); memory-bound kernels (shift, frame difference, pooling) are judged against it.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar CopyBench -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "-Xmx2g"})
public class CopyBench {
    /** Floats in the buffer: 16 Mi floats = 64 MiB, twice the 32 MiB L3. */
    @Param({"16777216"})
    public int floats;

    private float[] src, dst;   // (floats,)

    @Setup
    public void setup() {
        src = new float[floats];
        dst = new float[floats];
        for (int i = 0; i < floats; i++) src[i] = i;
    }

    /** One thread. */
    @Benchmark
    public float[] arraycopy(ByteCounter counter) {
        System.arraycopy(src, 0, dst, 0, floats);
        counter.bytes += 8L * floats;
        return dst;
    }

    /** All cores: contiguous chunks of at least 1 Mi floats per thread. */
    @Benchmark
    public float[] arraycopyParallel(ByteCounter counter) {
        CpuThreads.parallelFor(0, floats, 1 << 20, (lo, hi) -> System.arraycopy(src, lo, dst, lo, hi - lo));
        counter.bytes += 8L * floats;
        return dst;
    }
}
