package dev.saccade.jmh;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.SpatioTemporalMask;
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
 * W3's spatio-temporal mask from the channel-pooled maps (N·T, 2, H, W) of one clip, as each W3 block of a ResNet-50
 * computes it in inference: {@code composed} is what the block ran before {@link SpatioTemporalMask} (the 7×7
 * convolution, the sigmoid, the permute copy, the two 3×3×3 convolutions with the ReLU, the sigmoid, the permute
 * back), {@code fused} is the op. Shapes: the four ResNet-50 stages' planes, clips of 8 and 16 frames.
 * Run: {@code java -jar jmh/target/benchmarks.jar SpatioTemporalMaskBench -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xmx4g"})
public class SpatioTemporalMaskBench {
    /** H = W of the maps: ResNet-50's four stages at 224². */
    @Param({"56", "28", "14", "7"})
    public int size;

    /** T, one clip. */
    @Param({"8", "16"})
    public int frames;

    private Tensor pooled, kernel, k0, k2;
    private GradMode.Scope noGrad;

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(1);
        pooled = Tensor.uniform(rng, -1, 1, frames, 2, size, size);        // (N·T, 2, H, W): [mean_C, max_C]
        kernel = Tensor.uniform(rng, -0.2, 0.2, 1, 2, 7, 7);
        k0 = Tensor.uniform(rng, -0.3, 0.3, 1, 1, 3, 3, 3);
        k2 = Tensor.uniform(rng, -0.3, 0.3, 1, 1, 3, 3, 3);
        noGrad = GradMode.disable();
    }

    @TearDown public void tearDown() { noGrad.close(); }

    @Benchmark
    public Tensor composed() { return SpatioTemporalMask.composed(pooled, kernel, k0, k2, frames); }

    @Benchmark
    public Tensor fused() { return SpatioTemporalMask.inference(pooled, kernel, k0, k2, frames); }
}
