package dev.saccade.jmh;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.PooledTemporalConv;
import dev.saccade.tensor.ops.TapSums;
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
 * ACTION-Net's shift pass in evaluation at the ResNet-50 stage shapes, one clip of 8 frames: the learnable shift
 * xs = Conv1d_T(x) with its spatial and channel means and the tap sums of xs that ME reads
 * ({@link PooledTemporalConv#inferenceWithTaps}, {@code withTaps}), against the same without the tap sums
 * ({@link PooledTemporalConv#inference}, {@code shiftOnly}: what the tap sums add is the difference), the same
 * followed by a {@link TapSums} pass over xs ({@code thenTapSums}), and the composed ops (the temporal convolution,
 * the two means and {@link TapSums#composed}, a tensor each).
 * The bytes the pass must move are x read and xs written, 2 · 4 · numel; {@code withTaps} at 8 × C × H² reads
 * 25.7 MB at 56² and 6.4 MB at 14² and 7².
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar PooledShiftBench -f 1 -wi 3 -i 5
 * java -jar jmh/target/benchmarks.jar PooledShiftBench.alternating -f 1 -wi 2 -i 8
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g"})
public class PooledShiftBench {
    /** C×H (H = W): the input of an ACTION block of that ResNet-50 stage. */
    @Param({"256x56", "512x28", "1024x14", "2048x7"})
    public String shape;

    private static final int FRAMES = 8;
    private Tensor x, kernel;

    @Setup
    public void setUp() {
        StageShape stage = StageShape.parse(shape);
        int c = stage.channels(), h = stage.size();
        SplittableRandom rng = new SplittableRandom(1);
        x = Tensor.uniform(rng, -1, 1, FRAMES, c, h, h);
        kernel = Tensor.uniform(rng, -1, 1, c, 1, 3);
    }

    @Benchmark
    public Tensor[] withTaps() {
        try (var noGrad = GradMode.disable()) { return PooledTemporalConv.inferenceWithTaps(x, kernel, FRAMES); }
    }

    @Benchmark
    public Tensor[] shiftOnly() {
        try (var noGrad = GradMode.disable()) { return PooledTemporalConv.inference(x, kernel, FRAMES); }
    }

    /** The shift's pass and then a {@link TapSums} pass over xs: how the tap sums of planes below 400 pixels were taken before they were gathered in the pass. */
    @Benchmark
    public Tensor[] thenTapSums() {
        try (var noGrad = GradMode.disable()) {
            Tensor[] r = PooledTemporalConv.inference(x, kernel, FRAMES);
            return new Tensor[] {r[0], r[1], r[2], TapSums.inference(r[0])};
        }
    }

    /**
     * {@link #thenTapSums} and {@link #withTaps} back to back in every call, the order alternating, each timed on its
     * own ({@link AlternatingPairs}: {@code composedMs} is the shift then the {@code TapSums} pass, {@code fusedMs}
     * the tap sums in the shift's pass), so their ratio holds on a machine shared with other jobs.
     */
    @Benchmark
    public Tensor[] alternating(AlternatingPairs p) {
        return p.runPair(inPass -> inPass ? withTaps() : thenTapSums());
    }

    @Benchmark
    public Tensor[] composed() {
        try (var noGrad = GradMode.disable()) {
            Tensor xs = Functional.temporalConv(x, kernel, FRAMES);
            return new Tensor[] {xs, Functional.adaptiveAvgPool(xs, 1, 1), xs.mean(true, 1), TapSums.composed(xs)};
        }
    }
}
