package dev.saccade.kernels.cpu;

import dev.saccade.jmh.FlopCounter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The compute ceiling of one core as the GEMM sees it: {@link GemmMicroKernel#tile} on one (KC, MR) and one
 * (KC, NR) packed panel that stay in L1, repeated. Lives in the kernels package to reach the package-private kernel.
 * The {@code ·flop} secondary result is FLOP/s (2·MR·NR·KC per call).
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar GemmMicroKernelBench -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*"})
public class GemmMicroKernelBench {
    private static final int KC = 256, MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;
    private final float[] ap = new float[KC * MR];        // (KC, MR)
    private final float[] bp = new float[KC * NR];        // (KC, NR)
    private final float[] c = new float[MR * NR];         // (MR, NR)
    private final float[] scratch = new float[MR * NR];   // (MR, NR)

    @Setup
    public void setup() {
        for (int i = 0; i < ap.length; i++) ap[i] = (i % 7) * 0.125f;
        for (int i = 0; i < bp.length; i++) bp[i] = (i % 5) * 0.25f;
    }

    /** One 8×32 tile over KC=256, accumulated into C (beta = 1). */
    @Benchmark
    public float[] tile(FlopCounter counter) {
        GemmMicroKernel.tile(KC, ap, 0, bp, 0, 1f, 1f, c, 0, NR, MR, NR, scratch);
        counter.flop += 2L * MR * NR * KC;
        return c;
    }
}
