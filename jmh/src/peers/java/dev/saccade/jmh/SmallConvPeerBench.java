package dev.saccade.jmh;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import dev.saccade.kernels.cpu.ConvGeometry;
import dev.saccade.kernels.cpu.CpuThreads;
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
 * The peer of {@link SmallConvBench}: the same convolutions (demo ResNet-18 at width 16, batch 128, fp32) through
 * libtorch ({@code torch.nn.functional.conv2d} via DJL's PyTorch engine, oneDNN underneath) with as many intra-op
 * threads as {@link CpuThreads#threads()}. Only built with {@code -Ppeers}.
 *
 * <p>{@code forward} is one convolution; {@code forwardBackward} is a forward plus autograd's backward of
 * {@code Σ y·gy}, which computes both the data and the filter gradient, so it compares with the sum of
 * saccade's {@code forward + backwardData + backwardFilter}. The {@code flop} secondary result counts one
 * convolution's FLOPs per pass (1× for {@code forward}, 3× for {@code forwardBackward}).
 *
 * <pre>{@code
 * mvn -B -Ppeers -pl jmh -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar "SmallConv(Peer)?Bench" -f 1 -wi 2 -i 5
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_interop_threads=1"})
public class SmallConvPeerBench {
    @Param({"k7s2_3_16_32", "k3s1_16_16_8", "k3s2_16_32_8", "k3s1_32_32_4", "k1s2_16_32_8", "k3s2_32_64_4",
            "k3s1_64_64_2", "k1s2_32_64_4", "k3s2_64_128_2", "k3s1_128_128_1", "k1s2_64_128_2"})
    public String shape;

    @Param({"128"})
    public int batch;

    private ConvGeometry g;
    private NDManager manager;
    private NDArray x, w, xg, wg, gy;   // x, w plain for the forward; xg, wg requiring gradients
    private Shape stride, padding, dilation;

    @Setup
    public void setup() {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(CpuThreads.threads()));
        g = SmallConvBench.parse(shape, batch);
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        SplittableRandom rnd = new SplittableRandom(42);
        x = manager.create(GemmBench.random(rnd, g.inputLength()), new Shape(g.n(), g.cIn(), g.inH(), g.inW()));
        w = manager.create(GemmBench.random(rnd, g.weightLength()), new Shape(g.cOut(), g.cIn(), g.kH(), g.kW()));
        gy = manager.create(GemmBench.random(rnd, g.outputLength()), new Shape(g.n(), g.cOut(), g.outH(), g.outW()));
        xg = x.duplicate();
        wg = w.duplicate();
        xg.setRequiresGradient(true);
        wg.setRequiresGradient(true);
        stride = new Shape(g.strideH(), g.strideW());
        padding = new Shape(g.padH(), g.padW());
        dilation = new Shape(1, 1);
    }

    @TearDown
    public void tearDown() { manager.close(); }

    /** libtorch {@code conv2d} forward, no bias. */
    @Benchmark
    public float forward(FlopCounter counter) {
        float first;
        try (NDList y = Conv2d.conv2d(x, w, null, stride, padding, dilation, 1)) {
            first = y.singletonOrThrow().getFloat(0, 0, 0, 0);
        }
        counter.flop += g.flops();
        return first;
    }

    /** libtorch {@code conv2d} forward and the backward of {@code Σ y·gy} (data and filter gradients). */
    @Benchmark
    public float forwardBackward(FlopCounter counter) {
        float first;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = Conv2d.conv2d(xg, wg, null, stride, padding, dilation, 1).singletonOrThrow();
            NDArray loss = y.mul(gy).sum();
            gc.backward(loss);
            first = wg.getGradient().getFloat(0, 0, 0, 0) + xg.getGradient().getFloat(0, 0, 0, 0);
            loss.close();
            y.close();
        }
        counter.flop += 3 * g.flops();
        return first;
    }
}
