package dev.saccade.jmh;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.FrameDifferenceAction;
import dev.saccade.tensor.ops.FrameDifferenceM2a;
import dev.saccade.tensor.ops.OnlineTemporalShift;
import dev.saccade.tensor.ops.TemporalShift;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bandwidth of the temporal ops against a plain array copy of the same tensor, measured side by side.
 * The ops are memory-bound: each reads its input(s) once and writes its output once, so bytes moved per call are
 * {@code (inputs + 1) · numel · 4}. The {@code bytes} counter divided by time (JMH prints it per second) is GB/s.
 *
 * <p>Shapes: ResNet-50 block inputs of two 8-frame clips (N·T = 16): layer1 (256, 56²: 51 MB a tensor, above the
 * 32 MB L3) and layer3 (1024, 14²: 13 MB). Each call allocates its output, as the ops do in a model; the
 * parallel collector keeps the large short-lived arrays cheap, as the saccade launcher does.
 * Run: {@code java -jar jmh/target/benchmarks.jar TemporalOpsBench -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms6g", "-Xmx6g"})
public class TemporalOpsBench {
    /** C×H: "256x56" or "1024x14" (H = W). */
    @Param({"256x56", "1024x14"})
    public String shape;

    private Tensor x, y;
    private float[] src, dst;
    private long elements;

    /** Bytes moved, reported per second by JMH. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Bytes {
        public long bytes;
        @Setup(Level.Iteration) public void reset() { bytes = 0; }
    }

    @Setup
    public void setup() {
        StageShape stage = StageShape.parse(shape);
        int c = stage.channels(), h = stage.size();
        x = Tensor.uniform(new SplittableRandom(1), -1, 1, 16, c, h, h);
        y = Tensor.uniform(new SplittableRandom(2), -1, 1, 16, c, h, h);
        elements = x.numel();
        src = x.toFloatArray();
        dst = new float[src.length];
    }

    @Benchmark
    public float[] arrayCopy(Bytes b) {
        System.arraycopy(src, 0, dst, 0, src.length);
        b.bytes += 2 * elements * 4;
        return dst;
    }

    /** The fair baseline for an op that returns a new tensor: allocate (the JVM zeroes it) and copy. */
    @Benchmark
    public float[] arrayClone(Bytes b) {
        b.bytes += 2 * elements * 4;
        return src.clone();
    }

    @Benchmark
    public Tensor temporalShift(Bytes b) {
        b.bytes += 2 * elements * 4;
        return new TemporalShift(8, 8).apply(x);
    }

    /** The uni-directional (online) shift: two strided copies into a zeroed buffer, no kernel of its own. */
    @Benchmark
    public Tensor onlineTemporalShift(Bytes b) {
        b.bytes += 2 * elements * 4;
        return new OnlineTemporalShift(8, 8).apply(x);
    }

    @Benchmark
    public Tensor frameDifferenceM2a(Bytes b) {
        b.bytes += 2 * elements * 4;
        return new FrameDifferenceM2a(8).apply(x);
    }

    @Benchmark
    public Tensor frameDifferenceAction(Bytes b) {
        b.bytes += 3 * elements * 4;
        return new FrameDifferenceAction(8).apply(x, y);
    }
}
