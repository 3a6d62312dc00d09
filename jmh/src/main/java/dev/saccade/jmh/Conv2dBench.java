package dev.saccade.jmh;

import dev.saccade.kernels.cpu.ConvGeometry;
import dev.saccade.kernels.cpu.ConvKernels;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * CPU convolution forward on the ResNet-50 layer shapes (He et al. 2016, Table 1), batch 8, fp32.
 *
 * <p>How to read it: each invocation is one forward of the whole batch, and the benchmark reports its FLOP count
 * through {@link AuxCounters}: {@code flop} is {@code 2·N·C_out·H_out·W_out·C_in/groups·kH·kW} per invocation, so
 * the {@code flop} row in {@code thrpt} mode is FLOP/s (divide by 1e9 for GFLOP/s); the primary score is
 * convolutions per second.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar Conv2dBench -p shape=3x3_256_56
 * </pre>
 * Shapes: {@code kxk_Cin_HW} with C_out = C_in for 3×3 and {@code 1x1_Cin_Cout_HW} for 1×1, stride 1, "same"
 * padding. {@code 3x3_256_56} is the target shape.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED"})
public class Conv2dBench {
    @Param({"3x3_64_56", "3x3_128_28", "3x3_256_14", "3x3_256_56", "1x1_256_64_56", "1x1_64_256_56", "1x1_1024_256_14"})
    public String shape;

    @Param({"8"})
    public int batch;

    private ConvGeometry g;
    private float[] x, w, b, y;

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
        b = random(r, g.cOut());
        y = new float[g.outputLength()];
    }

    @Benchmark
    public void forward(Flops counter, Blackhole bh) {
        ConvKernels.forward(g, x, w, b, y);
        counter.flop += g.flops();
        bh.consume(y);
    }

    static ConvGeometry parse(String shape, int n) {
        String[] p = shape.split("_");
        if (p[0].equals("3x3")) {
            int c = Integer.parseInt(p[1]), hw = Integer.parseInt(p[2]);
            return ConvGeometry.conv2d(n, c, c, hw, hw, 3, 1, 1);
        }
        if (p[0].equals("1x1")) {
            int cin = Integer.parseInt(p[1]), cout = Integer.parseInt(p[2]), hw = Integer.parseInt(p[3]);
            return ConvGeometry.conv2d(n, cin, cout, hw, hw, 1, 1, 0);
        }
        throw new IllegalArgumentException("Conv2dBench: unknown shape '" + shape + "' (expected 3x3_C_HW or 1x1_Cin_Cout_HW)");
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
