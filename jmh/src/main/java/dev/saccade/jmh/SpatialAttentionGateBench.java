package dev.saccade.jmh;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.InferenceGate;
import dev.saccade.tensor.ops.SpatialAttentionGate;
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
 * The end of a CBAM residual block in inference once M_c is known: the spatial attention map and the output gate,
 * {@code relu(x·c·σ(conv7×7([mean_C x·c, max_C x·c])) + identity)}, written into x as the block does.
 * {@code composed} is what the block ran before {@link SpatialAttentionGate}: the channel pooling over all frames
 * ({@link Functional#channelAvgMaxPool}), the 7×7 convolution, the sigmoid, then {@link InferenceGate#applyInPlace};
 * {@code fused} is the op, which pools a frame and gates it while the frame is in the core's cache. The
 * {@code bytes} counter is what the gate must move at least (x and the identity read, y written), so both rows read
 * as GB/s of the same work. Shapes: the ResNet-50 stages over one clip of 8 frames; each iteration's x is the
 * previous one's output (values stay bounded: c and M_s lie in (0, 1)).
 * Run: {@code java -jar jmh/target/benchmarks.jar SpatialAttentionGateBench -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xmx4g"})
public class SpatialAttentionGateBench {
    /** C×H (H = W): the ResNet-50 stage whose blocks end with the gate. */
    @Param({"256x56", "512x28", "1024x14", "2048x7"})
    public String shape;

    private Tensor x, identity, c, kernel;
    private long elements;
    private GradMode.Scope noGrad;

    @Setup
    public void setup() {
        StageShape stage = StageShape.parse(shape);
        int ch = stage.channels(), h = stage.size();
        SplittableRandom rng = new SplittableRandom(1);
        x = Tensor.uniform(rng, -1, 1, 8, ch, h, h);                 // (N·T, C, H, W)
        identity = Tensor.uniform(rng, -1, 1, 8, ch, h, h);
        c = Tensor.uniform(rng, 0, 1, 8, ch, 1, 1);                  // M_c (N·T, C, 1, 1)
        kernel = Tensor.uniform(rng, -0.2, 0.2, 1, 2, 7, 7);
        elements = x.numel();
        noGrad = GradMode.disable();
    }

    @TearDown public void tearDown() { noGrad.close(); }

    @Benchmark
    public Tensor composed(ByteCounter b) {
        b.bytes += 3 * elements * 4;
        Tensor pooled = Functional.channelAvgMaxPool(x, c);                                   // (N·T, 2, H, W)
        Tensor ms = Functional.conv2d(pooled, kernel, null, 1, 3, 1, 1).sigmoid();           // (N·T, 1, H, W)
        x = InferenceGate.applyInPlace(x, c, ms, BroadcastGate.Combine.PRODUCT, 0, identity, ConvActivation.RELU);
        return x;
    }

    @Benchmark
    public Tensor fused(ByteCounter b) {
        b.bytes += 3 * elements * 4;
        x = SpatialAttentionGate.inferenceInPlace(x, c, kernel, identity, ConvActivation.RELU)[0];
        return x;
    }
}
