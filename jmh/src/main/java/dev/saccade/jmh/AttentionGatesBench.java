package dev.saccade.jmh;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ActionChannelGates;
import dev.saccade.tensor.ops.ChannelAttentionGates;
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
 * The attention modules' channel gates as one op against the composed ops they replace, in evaluation, at the
 * ResNet-50 stage shapes over one clip of 8 frames (C → C/16 → C):
 * <ul>
 * <li>{@code action}: ACTION-Net's CE and ME gates from the pooled means (8, C, 1, 1) and ME's tap sums (8, 3, 3, C)
 *     ({@link ActionChannelGates});</li>
 * <li>{@code cbam}: CBAM's M_c from [avg; max] (2, 8, C): shared MLP, sum, σ ({@link ChannelAttentionGates});</li>
 * <li>{@code w3}: W3's M_c, CBAM's and then its two depthwise temporal convolutions over T.</li>
 * </ul>
 * Both variants read the same inputs; {@code composed} is the ops' definition op by op (a tensor per op),
 * {@code fused} the backend's kernel. The work is small (a few MFLOP at most), so what differs is the per-op cost.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar AttentionGatesBench -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC"})
public class AttentionGatesBench {
    /** C×H (H = W): the ResNet-50 stage whose blocks the gate serves. */
    @Param({"256x56", "512x28", "1024x14", "2048x7"})
    public String shape;

    /** Which gate: action, cbam or w3. */
    @Param({"action", "cbam", "w3"})
    public String gate;

    private static final int FRAMES = 8;
    private int h;
    private Tensor pooled, taps, both;
    private ActionChannelGates.Weights action;
    private ChannelAttentionGates.Weights channel;

    @Setup
    public void setUp() {
        StageShape stage = StageShape.parse(shape);
        int c = stage.channels(), r = c / 16;
        h = stage.size();
        SplittableRandom rng = new SplittableRandom(1);
        switch (gate) {
            case "action" -> {
                Tensor xs = Tensor.uniform(rng, -1, 1, FRAMES, c, h, h);
                pooled = xs.mean(true, 2, 3);                                               // (8, C, 1, 1)
                taps = TapSums.composed(xs);                                                // (8, 3, 3, C)
                action = new ActionChannelGates.Weights(Tensor.uniform(rng, -0.1, 0.1, r, c, 1, 1),
                        Tensor.uniform(rng, -0.5, 0.5, r, r, 3), Tensor.uniform(rng, -0.1, 0.1, c, r, 1, 1),
                        Tensor.uniform(rng, -0.1, 0.1, r, c, 1, 1), Tensor.uniform(rng, -0.1, 0.1, r),
                        Tensor.uniform(rng, -0.5, 0.5, r, 1, 3, 3), Tensor.uniform(rng, -0.1, 0.1, c, r, 1, 1));
            }
            case "cbam", "w3" -> {
                both = Tensor.uniform(rng, -1, 1, 2, FRAMES, c);                            // [avg; max]
                boolean w3 = gate.equals("w3");
                channel = new ChannelAttentionGates.Weights(Tensor.uniform(rng, -0.1, 0.1, r, c), Tensor.uniform(rng, -0.1, 0.1, r),
                        Tensor.uniform(rng, -0.1, 0.1, c, r), Tensor.uniform(rng, -0.1, 0.1, c),
                        w3 ? Tensor.uniform(rng, -0.5, 0.5, c, 1, 3) : null, w3 ? Tensor.uniform(rng, -0.5, 0.5, c, 1, 3) : null);
            }
            default -> throw new IllegalArgumentException("AttentionGatesBench: unknown gate '" + gate + "' (action, cbam, w3)");
        }
    }

    @Benchmark
    public Tensor composed() {
        try (var noGrad = GradMode.disable()) {
            return gate.equals("action") ? ActionChannelGates.composed(pooled, taps, FRAMES, h, h, action)
                    : ChannelAttentionGates.composed(both, gate.equals("w3") ? FRAMES : 1, channel);
        }
    }

    @Benchmark
    public Tensor fused() {
        try (var noGrad = GradMode.disable()) {
            return gate.equals("action") ? ActionChannelGates.inference(pooled, taps, FRAMES, h, h, action)
                    : ChannelAttentionGates.inference(both, gate.equals("w3") ? FRAMES : 1, channel);
        }
    }
}
