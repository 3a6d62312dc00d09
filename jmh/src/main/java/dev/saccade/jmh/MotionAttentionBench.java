package dev.saccade.jmh;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.MotionAttention;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
 * M2A's motion attention {@code softmax(m mᵀ/√E) m + y} as one op ({@link MotionAttention#fused}, forward and
 * backward by the backend's kernels) against the composed ops it is defined by ({@link MotionAttention#composed}:
 * layer norm, frame difference, matmul, softmax, matmul, add, and their backward), on M2A's r = C/8 channels at the
 * ResNet-50 stage shapes, one clip of 8 frames. {@link #alternating} runs both back to back in every call, the
 * order alternating, each timed on its own, so the ratio of {@code composedMs} to {@code fusedMs} holds on a
 * machine shared with other jobs. {@code pass}: {@code train} (forward + backward of a fixed upstream gradient) or
 * {@code infer} (forward with gradients off).
 * Run: {@code java -jar jmh/target/benchmarks.jar MotionAttentionBench -f 1 -wi 2 -i 5 -w 2 -r 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g"})
public class MotionAttentionBench {
    private static final int FRAMES = 8;
    private static final double EPS = 1e-5;

    /** r×H of M2A's attention at the ResNet-50 stages (r = C/8, H = W). */
    @Param({"32x56", "64x28", "128x14", "256x7"})
    public String shape;

    /** train or infer. */
    @Param({"train", "infer"})
    public String pass;

    private Tensor y, upstream;
    private UnaryOperator<Tensor> composed, fused;

    @Setup
    public void setup() {
        StageShape stage = StageShape.parse(shape);
        int r = stage.channels(), h = stage.size();
        SplittableRandom rng = new SplittableRandom(1);
        y = Tensor.uniform(rng, -1, 1, FRAMES, r, h, h);
        upstream = Tensor.uniform(rng, -1, 1, FRAMES, r, h, h);
        composed = step(t -> MotionAttention.composed(t, FRAMES, EPS));
        fused = step(t -> pass.equals("train") ? MotionAttention.fused(t, FRAMES, EPS) : MotionAttention.inference(t, FRAMES, EPS));
    }

    private UnaryOperator<Tensor> step(UnaryOperator<Tensor> op) {
        return switch (pass) {
            case "infer" -> t -> {
                try (var noGrad = GradMode.disable()) { return op.apply(t); }
            };
            case "train" -> t -> {
                Tensor in = t.detach().setRequiresGrad(true);
                op.apply(in).backward(upstream);
                return in.grad();
            };
            default -> throw new IllegalArgumentException("pass must be train or infer, got " + pass);
        };
    }

    @Benchmark
    public Tensor alternating(AlternatingPairs p) {
        return p.runPair(useFused -> (useFused ? fused : composed).apply(y));
    }
}
