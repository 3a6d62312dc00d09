package dev.saccade.jmh;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.optim.Sgd;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One CPU training step of a demo model, TSM, TSM+W3 or ACTION-Net on ResNet-18 at width 16 (channels 16/32/64/128),
 * 8 frames of 32×32, 14 classes, a batch of 16 clips (N·T = 128 frames): forward, softmax cross-entropy
 * (<a href="https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html">torch.nn.CrossEntropyLoss</a>),
 * backward and an SGD step with momentum 0.9 and weight decay 1e-4.
 *
 * <p>How to read it: the primary score is steps per second; the {@code clips} secondary result is clips per second
 * (16 per step), the figure the demo prints as "train clips/s".
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar TrainStepBench -f 1 -wi 5 -i 10
 * </pre>
 * {@code main} runs the step in a loop without JMH (handy under a profiler):
 * {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar dev.saccade.jmh.TrainStepBench 50 tsm+w3-resnet18}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED"})
public class TrainStepBench {
    static final int CLIPS = 16, FRAMES = 8, SIZE = 32, CLASSES = 14;

    @Param({"16"})
    public int width;

    /** The demo's temporal models: the attention ones add many small ops on 16×16 … 1×1 maps. */
    @Param({"tsm-resnet18", "tsm+w3-resnet18", "action-resnet18"})
    public String modelId;

    private Tsn model;
    private Sgd optimizer;
    private Tensor input, targets;

    /** Clips trained per iteration: reported as clips/s in throughput mode. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Clips {
        public long clips;
        @Setup(Level.Iteration) public void reset() { clips = 0; }
    }

    @Setup(Level.Trial)
    public void setUp() {
        model = ModelRegistry.standard().create(new ModelConfig(modelId, FRAMES, CLASSES, SIZE, 0.2, 0,
                Map.of("resnet.width", Integer.toString(width))));
        model.train(true);
        optimizer = new Sgd(model.parameters(), 0.02, 0.9, 1e-4);
        SplittableRandom rng = new SplittableRandom(42);
        input = Tensor.uniform(rng, -1, 1, CLIPS, FRAMES, 3, SIZE, SIZE);   // (N, T, 3, H, W)
        long[] t = new long[CLIPS];
        for (int i = 0; i < CLIPS; i++) t[i] = i % CLASSES;
        targets = Tensor.of(t, CLIPS);                                       // (N,)
    }

    /** One step: zero the gradients, forward, loss, backward, update; returns the loss. */
    public double step() {
        optimizer.zeroGrad();
        Tensor loss = Functional.crossEntropy(model.forward(input), targets);
        loss.backward();
        optimizer.step();
        return loss.item();
    }

    @Benchmark
    public void trainStep(Clips counter, Blackhole bh) {
        bh.consume(step());
        counter.clips += CLIPS;
    }

    /** Runs {@code args[0]} steps (default 30) and prints clips/s per step. */
    public static void main(String[] args) {
        TrainStepBench b = new TrainStepBench();
        b.width = 16;
        b.modelId = args.length > 1 ? args[1] : "tsm-resnet18";
        b.setUp();
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        for (int s = 0; s < steps; s++) {
            long t0 = System.nanoTime();
            double loss = b.step();
            double sec = (System.nanoTime() - t0) * 1e-9;
            System.out.printf("step %d: loss %.4f, %.1f clips/s%n", s, loss, CLIPS / sec);
        }
    }
}
