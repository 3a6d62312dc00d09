package dev.saccade.jmh;

import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.kernels.cpu.Sgemm;
import java.util.SplittableRandom;
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
 * Square SGEMM {@code C (n, n) = A (n, n) · B (n, n)} on all cores ({@link CpuThreads#threads()}), row-major, no
 * transposes. The {@code ·flop} secondary result is FLOP/s (2·n³ per call); the primary score is calls/s.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar GemmBench -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*"})
public class GemmBench {
    @Param({"256", "512", "1024"})
    public int size;

    private float[] a, b, c;   // (size, size) each

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(42);
        a = random(rnd, size * size);
        b = random(rnd, size * size);
        c = new float[size * size];
    }

    /** saccade's packed Vector API SGEMM. */
    @Benchmark
    public float[] sgemm(FlopCounter counter) {
        int n = size;
        Sgemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        counter.flop += 2L * n * n * n;
        return c;
    }

    static float[] random(SplittableRandom rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
