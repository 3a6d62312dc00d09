package dev.saccade.jmh;

import dev.saccade.kernels.cpu.ConvFused;
import dev.saccade.kernels.cpu.ConvGeometry;
import dev.saccade.kernels.cpu.PackedConvWeights;
import dev.saccade.tensor.ops.ConvActivation;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The inference convolution ({@link ConvFused}: weights pre-packed once, bias + ReLU (+ residual) in the GEMM's
 * store) on every distinct convolution of ResNet-50 (He et al. 2016, Table 1; v1.5, stride in the 3×3) and on
 * MobileNetV2's depthwise 3×3 (Sandler et al. 2018, Table 2), over the 8 frames of one clip at 224².
 *
 * <p>How to read it: one invocation is one convolution of all frames; the {@code flop} row is FLOP/s
 * ({@code 2·N·C_out·H_out·W_out·C_in/groups·kH·kW} per invocation). Layer names: {@code stem} (7×7/2, 3→64 at
 * 224²), {@code k1_Cin_Cout_HW} and {@code k3_C_HW} (stride 1), {@code k3s2_C_HW} and {@code k1s2_Cin_Cout_HW}
 * (stride 2, HW the input), {@code dw_C_HW} and {@code dws2_C_HW} (depthwise). {@code +res} adds a residual
 * (the bottleneck's last 1×1). {@code output=residual} (with a {@code +res} layer) writes y into the residual's own
 * array, as a block that takes its input over does ({@code InferenceConv.applyIntoResidual}); the residual is then
 * the previous invocation's output.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar ConvFusedBench -f 1 -wi 2 -i 3 -w 1 -r 1
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar ConvFusedBench -f 1 -wi 2 -i 3 -w 1 -r 1 \
 *     -p layer=k1_64_256_56+res,k1_128_512_28+res -p output=new,residual
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED"})
public class ConvFusedBench {
    @Param({"stem",
            "k1_64_64_56", "k3_64_56", "k1_64_256_56+res", "k1_256_64_56",
            "k1_256_128_56", "k3s2_128_56", "k1s2_256_512_56", "k1_128_512_28+res", "k1_512_128_28", "k3_128_28",
            "k1_512_256_28", "k3s2_256_28", "k1s2_512_1024_28", "k1_256_1024_14+res", "k1_1024_256_14", "k3_256_14",
            "k1_1024_512_14", "k3s2_512_14", "k1s2_1024_2048_14", "k1_512_2048_7+res", "k1_2048_512_7", "k3_512_7",
            "dw_144_56", "dws2_144_56", "dw_576_14"})
    public String layer;

    @Param({"8"})
    public int frames;

    /** Where y goes: {@code new}, its own array; {@code residual}, the residual's array (a {@code +res} layer). */
    @Param({"new"})
    public String output;

    private ConvGeometry g;
    private PackedConvWeights weights;
    private float[] x, residual, y;


    @Setup(Level.Trial)
    public void setUp() {
        boolean withResidual = layer.endsWith("+res");
        g = parse(layer.replace("+res", ""), frames);
        Random r = new Random(42);
        x = random(r, g.inputLength());
        int k = g.cInPerGroup() * g.kernelVolume();
        weights = PackedConvWeights.pack(random(r, g.cOut() * k), random(r, g.cOut()), g.cOut(), g.groups(), k, g.isDepthwise());
        residual = withResidual ? random(r, g.outputLength()) : null;
        if (output.equals("residual") && !withResidual) {
            throw new IllegalArgumentException("ConvFusedBench: output=residual needs a +res layer, got " + layer);
        }
        if (!output.equals("new") && !output.equals("residual")) {
            throw new IllegalArgumentException("ConvFusedBench: output is new or residual, got " + output);
        }
        y = output.equals("residual") ? residual : new float[g.outputLength()];
    }

    @Benchmark
    public void forward(FlopCounter counter, Blackhole bh) {
        ConvFused.forward(g, x, weights, residual, ConvActivation.RELU, 0, 0, y);
        counter.flop += g.flops();
        bh.consume(y);
    }

    static ConvGeometry parse(String layer, int n) {
        String[] p = layer.split("_");
        int[] v = new int[p.length - 1];
        for (int i = 1; i < p.length; i++) v[i - 1] = Integer.parseInt(p[i]);
        return switch (p[0]) {
            case "stem" -> ConvGeometry.conv2d(n, 3, 64, 224, 224, 7, 2, 3);
            case "k1" -> ConvGeometry.conv2d(n, v[0], v[1], v[2], v[2], 1, 1, 0);
            case "k1s2" -> ConvGeometry.conv2d(n, v[0], v[1], v[2], v[2], 1, 2, 0);
            case "k3" -> ConvGeometry.conv2d(n, v[0], v[0], v[1], v[1], 3, 1, 1);
            case "k3s2" -> ConvGeometry.conv2d(n, v[0], v[0], v[1], v[1], 3, 2, 1);
            case "dw" -> ConvGeometry.conv2d(n, v[0], v[0], v[1], v[1], 3, 1, 1).withGroups(v[0]);
            case "dws2" -> ConvGeometry.conv2d(n, v[0], v[0], v[1], v[1], 3, 2, 1).withGroups(v[0]);
            default -> throw new IllegalArgumentException("ConvFusedBench: unknown layer '" + layer + "'");
        };
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * 0.1);
        return a;
    }
}
