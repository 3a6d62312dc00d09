package dev.saccade.jmh;

import dev.saccade.kernels.cpu.ConvFused;
import dev.saccade.kernels.cpu.ConvGeometry;
import dev.saccade.kernels.cpu.PackedConvWeights;
import dev.saccade.kernels.cpu.WinogradConv;
import dev.saccade.kernels.cpu.WinogradWeights;
import dev.saccade.tensor.ops.ConvActivation;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * ResNet-50's stride-1 3×3 convolutions (bias + ReLU, 8 frames at 224²) two ways: {@code gemm}, the implicit-GEMM
 * path of {@link ConvFused}, and {@code winograd}, {@link WinogradConv}'s F(4×4, 3×3). Reported as ms per call; the
 * effective GFLOP/s in docs/PERF.md is the direct convolution's {@code 2·N·C_out·H·W·C_in·9} (1.85 G at these shapes)
 * divided by that time, for both paths.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar WinogradConvBench -f 1 -wi 2 -i 3 -w 1 -r 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED"})
public class WinogradConvBench {
    @Param({"k3_64_56", "k3_128_28", "k3_256_14", "k3_512_7"})
    public String layer;

    @Param({"gemm", "winograd"})
    public String path;

    @Param({"8"})
    public int frames;

    private ConvGeometry g;
    private PackedConvWeights packed;
    private WinogradWeights transformed;
    private float[] x, y;

    @Setup(Level.Trial)
    public void setUp() {
        g = ConvFusedBench.parse(layer, frames);
        Random r = new Random(42);
        x = random(r, g.inputLength());
        float[] w = random(r, g.weightLength()), b = random(r, g.cOut());
        packed = PackedConvWeights.pack(w, b, g.cOut(), 1, g.cIn() * 9, false);
        transformed = WinogradWeights.transform(w, b, g.cOut(), g.cIn());
        y = new float[g.outputLength()];
    }

    @Benchmark
    public void forward(Blackhole bh) {
        if (path.equals("winograd")) WinogradConv.forward(g, x, transformed, null, ConvActivation.RELU, y);
        else ConvFused.forward(g, x, packed, null, ConvActivation.RELU, 0, 0, y);
        bh.consume(y);
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * 0.1);
        return a;
    }
}
