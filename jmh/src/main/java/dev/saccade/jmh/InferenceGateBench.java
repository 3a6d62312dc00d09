package dev.saccade.jmh;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.InferenceGate;
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
 * The end of a CBAM/W3 residual block in inference, {@code relu(x·c·s + identity)}: the fused {@link InferenceGate}
 * (one pass: reads x and the identity, writes y into a recycled buffer) against the ops the block ran before (the
 * gate, then an add and a ReLU, each into a new tensor); and M2A's {@code x·(1 + σ(z))} sigmoid gate against
 * {@code x·σ(z) + x}. The {@code bytes} counter is the bytes the fused form must move, so both rows read as GB/s of
 * the same work; {@code gateAddReluIntoX} is the fused pass written into x itself. Shapes: ResNet-50 block outputs
 * of one 8-frame clip, layer1 (256, 56²) and layer3 (1024, 14²).
 * Run: {@code java -jar jmh/target/benchmarks.jar InferenceGateBench -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class InferenceGateBench {
    /** C×H: "256x56" or "1024x14" (H = W). */
    @Param({"256x56", "1024x14"})
    public String shape;

    private Tensor x, identity, c, s, z;
    private long elements;
    private GradMode.Scope noGrad;


    @Setup
    public void setup() {
        StageShape stage = StageShape.parse(shape);
        int ch = stage.channels(), h = stage.size();
        SplittableRandom rng = new SplittableRandom(1);
        x = Tensor.uniform(rng, -1, 1, 8, ch, h, h);                 // (N·T, C, H, W)
        identity = Tensor.uniform(rng, -1, 1, 8, ch, h, h);
        z = Tensor.uniform(rng, -3, 3, 8, ch, h, h);
        c = Tensor.uniform(rng, 0, 1, 8, ch, 1, 1);                  // (N·T, C, 1, 1)
        s = Tensor.uniform(rng, 0, 1, 8, 1, h, h);                   // (N·T, 1, H, W)
        elements = x.numel();
        noGrad = GradMode.disable();
    }

    @TearDown public void tearDown() { noGrad.close(); }

    @Benchmark
    public Tensor gateAddReluComposed(ByteCounter b) {
        b.bytes += 3 * elements * 4;
        return Functional.gateProduct(x, c, s).add(identity).relu();
    }

    @Benchmark
    public Tensor gateAddReluFused(ByteCounter b) {
        b.bytes += 3 * elements * 4;
        Tensor y = InferenceGate.apply(x, c, s, BroadcastGate.Combine.PRODUCT, 0, identity, ConvActivation.RELU);
        InferenceConv.recycle(y);                                    // as the next block does once it has read it
        return y;
    }

    /**
     * {@link #gateAddReluFused} written into x's own storage ({@link InferenceGate#applyInPlace}), as a CBAM or W3
     * block does with its branch's output; x is then the previous invocation's output.
     */
    @Benchmark
    public Tensor gateAddReluIntoX(ByteCounter b) {
        b.bytes += 3 * elements * 4;
        return InferenceGate.applyInPlace(x, c, s, BroadcastGate.Combine.PRODUCT, 0, identity, ConvActivation.RELU);
    }

    @Benchmark
    public Tensor sigmoidGateComposed(ByteCounter b) {
        b.bytes += 3 * elements * 4;
        return x.mul(z.sigmoid()).add(x);
    }

    @Benchmark
    public Tensor sigmoidGateFused(ByteCounter b) {
        b.bytes += 3 * elements * 4;
        return Functional.sigmoidGate(x, z, 1);
    }
}
