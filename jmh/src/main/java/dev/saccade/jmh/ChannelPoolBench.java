package dev.saccade.jmh;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.Functional;
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
 * W3's channel pooling in inference, {@code [mean_C x·c, max_C x·c]} (Pérez-Rúa et al., ECCV 2020, Eq. 5;
 * {@link Functional#channelAvgMaxPool}), on one clip of 8 frames at the ResNet-50 stage shapes: a pass that reads x
 * once and writes two maps of one channel, so its speed is a read bandwidth. {@code pool} is the op; {@code sum}
 * reads the same x as a plain reduction ({@code Tensor.sum}) for the machine's read bandwidth in the same run. x
 * comes from memory (a rotation of inputs twice the size of a 32 MiB L3, as in a model, where the block's output was
 * written a layer earlier) or from the cache (one x, read call after call). The {@code bytes} counter is x's size per
 * call (the maps are 2/C of it).
 * Run: {@code java -jar jmh/target/benchmarks.jar ChannelPoolBench -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xmx4g"})
public class ChannelPoolBench {
    /** C×H (H = W): a ResNet-50 stage's block output. */
    @Param({"256x56", "512x28", "1024x14", "2048x7"})
    public String shape;

    /** Whether x is read from the cache (one x) or from memory (a rotation of inputs larger than the L3). */
    @Param({"memory", "cache"})
    public String source;

    private Tensor[] xs;
    private Tensor c;
    private int next;
    private long bytes;
    private GradMode.Scope noGrad;

    /** Inputs rotated through per call when x comes from memory: twice a 32 MiB L3. */
    private static final long ROTATION_BYTES = 64L << 20;

    private Tensor x() {
        Tensor x = xs[next];
        next = (next + 1) % xs.length;
        return x;
    }

    @Setup
    public void setup() {
        StageShape stage = StageShape.parse(shape);
        SplittableRandom rng = new SplittableRandom(1);
        bytes = 4L * 8 * stage.channels() * stage.size() * stage.size();
        xs = new Tensor[source.equals("memory") ? (int) Math.max(2, (ROTATION_BYTES + bytes - 1) / bytes) : 1];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Tensor.uniform(rng, -1, 1, 8, stage.channels(), stage.size(), stage.size());   // (N·T, C, H, W)
        }
        c = Tensor.uniform(rng, 0, 1, 8, stage.channels(), 1, 1);                          // M_c (N·T, C, 1, 1)
        noGrad = GradMode.disable();
    }

    @TearDown public void tearDown() { noGrad.close(); }

    @Benchmark
    public Tensor pool(ByteCounter b) {
        b.bytes += bytes;
        return Functional.channelAvgMaxPool(x(), c);                                            // (N·T, 2, H, W)
    }

    @Benchmark
    public Tensor sum(ByteCounter b) {
        b.bytes += bytes;
        return x().sum();
    }
}
