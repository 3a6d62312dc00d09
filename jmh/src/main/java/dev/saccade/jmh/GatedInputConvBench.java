package dev.saccade.jmh;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.GatedConvInput;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.PreparedConv;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * ACTION-Net's block entry in inference, {@code relu(conv1(xs·(3 + q + s + p)))} for the 1×1 conv1 of each
 * ResNet-50 stage over the 8 frames of one clip: {@code composed} writes the gated sum ({@code BroadcastGate}) and
 * the convolution reads it; {@code fused} gives the convolution the gate to apply while it packs its input panels
 * ({@link InferenceConv#applyGatedInput}). Layer {@code Cin_Cout_HW}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar GatedInputConvBench -f 1 -wi 3 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GatedInputConvBench {
    @Param({"256_64_56", "512_128_28", "1024_256_14", "2048_512_7"})
    public String layer;

    private Tensor x, perChannel, perPosition;
    private PreparedConv conv;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = layer.split("_");
        int cIn = Integer.parseInt(p[0]), cOut = Integer.parseInt(p[1]), hw = Integer.parseInt(p[2]), n = 8;
        SplittableRandom rng = new SplittableRandom(3);
        x = Tensor.uniform(rng, -1, 1, n, cIn, hw, hw);
        perChannel = Tensor.uniform(rng, 0, 2, n, cIn, 1, 1);                    // q + s
        perPosition = Tensor.uniform(rng, 0, 1, n, 1, hw, hw);                   // p
        Tensor w = Tensor.uniform(rng, -0.1, 0.1, cOut, cIn, 1, 1), b = Tensor.uniform(rng, -0.1, 0.1, cOut);
        conv = x.backend().prepareConv(w, b, ConvParams.uniform(2, 1, 0, 1, 1));
    }

    @Benchmark
    public float composed() {
        try (var noGrad = GradMode.disable()) {
            Tensor gated = Functional.gateSum(x, perChannel, perPosition, 3);    // written, then read by the conv
            Tensor y = InferenceConv.apply(gated, conv, null, ConvActivation.RELU, 0, 0);
            float v = (float) y.get(0, 0, 0, 0);
            InferenceConv.recycle(y);
            return v;
        }
    }

    @Benchmark
    public float fused() {
        try (var noGrad = GradMode.disable()) {
            Tensor y = InferenceConv.applyGatedInput(new GatedConvInput(x, perChannel, perPosition, 3), conv, null,
                    ConvActivation.RELU);
            float v = (float) y.get(0, 0, 0, 0);
            InferenceConv.recycle(y);
            return v;
        }
    }
}
