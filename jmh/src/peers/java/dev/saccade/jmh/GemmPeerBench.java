package dev.saccade.jmh;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saccade.kernels.cpu.CpuThreads;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer of {@link GemmBench}: the same square fp32 matmul {@code (n, n) · (n, n)} through libtorch (DJL's PyTorch
 * engine, oneDNN/MKL underneath) with as many intra-op threads as {@link CpuThreads#threads()}. Only built with
 * {@code -Ppeers}. The {@code ·flop} secondary result is FLOP/s (2·n³ per call).
 *
 * <pre>{@code
 * mvn -B -Ppeers -pl jmh -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar "Gemm(Peer)?Bench" -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_interop_threads=1"})
public class GemmPeerBench {
    @Param({"256", "512", "1024"})
    public int size;

    private NDManager manager;
    private NDArray a, b;   // (size, size) each

    @Setup
    public void setup() {
        // Same thread count as saccade's pool; read by the PyTorch engine when it loads.
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(CpuThreads.threads()));
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        SplittableRandom rnd = new SplittableRandom(42);
        a = manager.create(GemmBench.random(rnd, size * size), new Shape(size, size));
        b = manager.create(GemmBench.random(rnd, size * size), new Shape(size, size));
    }

    @TearDown
    public void tearDown() { manager.close(); }

    /** libtorch {@code torch.matmul}. */
    @Benchmark
    public float libtorch(FlopCounter counter) {
        int n = size;
        float first;
        try (NDArray c = a.matMul(b)) {
            first = c.getFloat(0, 0);
        }
        counter.flop += 2L * n * n * n;
        return first;
    }
}
