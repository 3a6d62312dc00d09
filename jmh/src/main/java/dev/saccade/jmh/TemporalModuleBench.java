package dev.saccade.jmh;

import dev.saccade.models.attention.ActionModule;
import dev.saccade.models.attention.Cbam;
import dev.saccade.models.attention.FusedAttention;
import dev.saccade.models.attention.M2A;
import dev.saccade.models.attention.W3Attention;
import dev.saccade.models.attention.Weights;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
 * What each temporal-attention module costs at the ResNet-50 stage shapes, composed ops against the fused ones
 * ({@link FusedAttention}), measured side by side in one JVM: the module's own part only (ACTION's excitation
 * without the wrapped conv, W3 and CBAM on a residual branch's output, M2A's whole residual gate).
 *
 * <p>Shapes: {@code C×H} with H = W, T = 8, {@code clips} N (N·T frames). The {@code bytes} counter is the
 * activation's ideal traffic, one read of x and one write of the output ({@code 2·N·T·C·H·W·4} bytes; ×2 more for
 * {@code train}: reading the upstream gradient and writing the input gradient), so JMH's bytes per second is the
 * module's effective bandwidth, to hold against {@link #arrayClone} at the same size (allocate and copy). Scores
 * are calls per second (time per call = 1 / score).
 * Run: {@code java -jar jmh/target/benchmarks.jar TemporalModuleBench -f 1 -wi 3 -i 5 -w 1 -r 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms6g", "-Xmx6g"})
public class TemporalModuleBench {
    private static final int FRAMES = 8;

    /** action, w3, cbam or m2a. */
    @Param({"action", "w3", "cbam", "m2a"})
    public String module;

    /** C×H of the ResNet-50 stages: 256x56, 512x28, 1024x14, 2048x7. */
    @Param({"256x56", "512x28", "1024x14", "2048x7"})
    public String shape;

    /** Clips per batch. */
    @Param({"1"})
    public int clips;

    /** Fused ops (true) or the composed ops (false). */
    @Param({"false", "true"})
    public boolean fused;

    private Tensor x, upstream;
    private float[] src;
    private long elements;
    private UnaryOperator<Tensor> forward, step;

    /** Bytes of ideal activation traffic, reported per second by JMH. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Bytes {
        public long bytes;
        @Setup(Level.Iteration) public void reset() { bytes = 0; }
    }

    /**
     * The process's CPU time per iteration (all threads, GC included) and the calls it covers: {@code cpuMs / calls}
     * is the work a call costs, which a machine shared with other jobs disturbs much less than its wall time.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class CpuTime {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        public double cpuMs;
        public long calls;
        private long start;
        @Setup(Level.Iteration) public void reset() { cpuMs = 0; calls = 0; }
        void begin() { start = OS.getProcessCpuTime(); }
        void end() { cpuMs += (OS.getProcessCpuTime() - start) / 1e6; calls++; }
    }

    @Setup
    public void setup() {
        FusedAttention.setEnabled(fused);
        StageShape stage = StageShape.parse(shape);
        int c = stage.channels(), h = stage.size();
        SplittableRandom rng = new SplittableRandom(1);
        x = Tensor.uniform(rng, -1, 1, clips * FRAMES, c, h, h);
        upstream = Tensor.uniform(rng, -1, 1, clips * FRAMES, c, h, h);
        elements = x.numel();
        src = x.toFloatArray();
        forward = build(module, c, rng);
        step = switch (pass) {
            case "infer" -> forward;
            case "train" -> t -> {
                Tensor in = t.detach().setRequiresGrad(true);
                forward.apply(in).backward(upstream);
                return in.grad();
            };
            default -> throw new IllegalArgumentException("pass must be infer or train, got " + pass);
        };
    }

    /** The module's functional form with its own weights, eval-mode batch norm. */
    static UnaryOperator<Tensor> build(String module, int c, SplittableRandom rng) {
        switch (module) {
            case "action" -> {
                ActionModule a = new ActionModule(Conv.conv2d(c, c / 4, 1, 1, 0, 1, false, rng), FRAMES, 8, rng);
                a.eval();
                Weights w = Weights.of(a);
                UnaryOperator<Tensor> bn = t -> Functional.batchNorm(t, w.get("action_p3_bn1.running_mean"), w.get("action_p3_bn1.running_var"),
                        w.get("action_p3_bn1.weight"), w.get("action_p3_bn1.bias"), false, 0.1, 1e-5);
                return t -> ActionModule.excite(t, FRAMES, w, bn);
            }
            case "w3" -> {
                W3Attention m = new W3Attention(c, FRAMES, true, true, rng);
                return m::forward;
            }
            case "cbam" -> {
                Cbam m = new Cbam(c, rng);
                return m::forward;
            }
            case "m2a" -> {
                M2A m = new M2A(c, FRAMES, rng);
                return m::forward;
            }
            default -> throw new IllegalArgumentException("module must be action, w3, cbam or m2a, got " + module);
        }
    }

    @Benchmark
    public Tensor infer(Bytes b, CpuTime cpu) {
        FusedAttention.setEnabled(fused);
        b.bytes += 2 * elements * 4;
        cpu.begin();
        Tensor y = forward.apply(x);
        cpu.end();
        return y;
    }

    @Benchmark
    public Tensor train(Bytes b, CpuTime cpu) {
        FusedAttention.setEnabled(fused);
        b.bytes += 4 * elements * 4;
        cpu.begin();
        Tensor in = x.detach().setRequiresGrad(true);
        forward.apply(in).backward(upstream);
        cpu.end();
        return in.grad();
    }

    /**
     * Composed and fused back to back in every call, the order alternating, each timed on its own: the two totals
     * ({@code composedMs}, {@code fusedMs}, over {@code pairs} calls) are measured under the same load, so their
     * ratio holds on a machine shared with other jobs where separate runs do not. {@code train} picks forward +
     * backward.
     */
    @Benchmark
    public Tensor alternating(AlternatingPairs p) {
        return p.runPair(useFused -> {
            FusedAttention.setEnabled(useFused);
            return step.apply(x);
        });
    }

    /** Forward only ({@code infer}) or forward + backward ({@code train}) for {@link #alternating}. */
    @Param({"infer"})
    public String pass;


    /** The copy baseline at the same size: allocate (the JVM zeroes it) and copy. */
    @Benchmark
    public float[] arrayClone(Bytes b, CpuTime cpu) {
        b.bytes += 2 * elements * 4;
        cpu.begin();
        float[] copy = src.clone();
        cpu.end();
        return copy;
    }
}
