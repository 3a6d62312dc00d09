package dev.saccade.jmh;

import dev.saccade.kernels.cpu.ConvGeometry;
import dev.saccade.kernels.cpu.ConvKernels;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * CPU convolution forward, backward-data and backward-filter on the layer shapes of the demo model: a ResNet-18 at
 * width 16 (He et al. 2016, Table 1, channels 16/32/64/128 instead of 64/…/512) on 32×32 frames, batch N·T = 128
 * (16 clips of 8 frames), fp32. The feature maps are 16×16 after the stem, then 8×8, 4×4, 2×2 and 1×1, so every
 * product is small: this is the regime where per-image GEMMs spend their time packing.
 *
 * <p>How to read it: each invocation is one pass over the whole batch; {@code flop} (an {@link AuxCounters} secondary
 * result) is {@code 2·N·C_out·H_out·W_out·C_in·kH·kW} per invocation for all three passes, so in {@code thrpt} mode
 * the {@code flop} row is FLOP/s. The primary score is passes per second.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar SmallConvBench -p shape=k3s1_16_16_8
 * </pre>
 * Shapes: {@code k<k>s<s>_<C_in>_<C_out>_<H=W>} with padding {@code k/2} (the stem is {@code k7s2_3_16_32}, the
 * downsampling shortcuts are {@code k1s2_…}). {@code TrainStepBench} times the whole training step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED"})
public class SmallConvBench {
    /** Every convolution of the width-16 ResNet-18 on 32×32 frames (repeated blocks listed once). */
    public static final String[] SHAPES = {
            "k7s2_3_16_32",                                     // stem → 16×16
            "k3s1_16_16_8",                                     // layer1
            "k3s2_16_32_8", "k3s1_32_32_4", "k1s2_16_32_8",     // layer2
            "k3s2_32_64_4", "k3s1_64_64_2", "k1s2_32_64_4",     // layer3
            "k3s2_64_128_2", "k3s1_128_128_1", "k1s2_64_128_2"  // layer4
    };

    @Param({"k7s2_3_16_32", "k3s1_16_16_8", "k3s2_16_32_8", "k3s1_32_32_4", "k1s2_16_32_8", "k3s2_32_64_4",
            "k3s1_64_64_2", "k1s2_32_64_4", "k3s2_64_128_2", "k3s1_128_128_1", "k1s2_64_128_2"})
    public String shape;

    @Param({"128"})
    public int batch;

    private ConvGeometry g;
    private float[] x, w, y, gy, gx, gw;

    /** Per-iteration FLOP counter: reported as FLOP/s in throughput mode. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public long flop;
        @Setup(Level.Iteration) public void reset() { flop = 0; }
    }

    @Setup(Level.Trial)
    public void setUp() {
        g = parse(shape, batch);
        Random r = new Random(42);
        x = random(r, g.inputLength());
        w = random(r, g.weightLength());
        gy = random(r, g.outputLength());
        y = new float[g.outputLength()];
        gx = new float[g.inputLength()];
        gw = new float[g.weightLength()];
    }

    @Benchmark
    public void forward(Flops counter, Blackhole bh) {
        ConvKernels.forward(g, x, w, null, y);
        counter.flop += g.flops();
        bh.consume(y);
    }

    @Benchmark
    public void backwardData(Flops counter, Blackhole bh) {
        ConvKernels.backwardData(g, gy, w, gx);
        counter.flop += g.flops();
        bh.consume(gx);
    }

    @Benchmark
    public void backwardFilter(Flops counter, Blackhole bh) {
        ConvKernels.backwardFilter(g, x, gy, gw);
        counter.flop += g.flops();
        bh.consume(gw);
    }

    /** {@code k<k>s<s>_<C_in>_<C_out>_<H=W>} → a 2-d geometry with padding k/2. */
    public static ConvGeometry parse(String shape, int n) {
        String[] p = shape.split("_");
        if (p.length != 4 || !p[0].matches("k\\d+s\\d+"))
            throw new IllegalArgumentException("SmallConvBench: shape '" + shape + "' is not k<k>s<s>_<C_in>_<C_out>_<H=W>");
        int k = Integer.parseInt(p[0].substring(1, p[0].indexOf('s'))), s = Integer.parseInt(p[0].substring(p[0].indexOf('s') + 1));
        int cin = Integer.parseInt(p[1]), cout = Integer.parseInt(p[2]), hw = Integer.parseInt(p[3]);
        return ConvGeometry.conv2d(n, cin, cout, hw, hw, k, s, k / 2);
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
