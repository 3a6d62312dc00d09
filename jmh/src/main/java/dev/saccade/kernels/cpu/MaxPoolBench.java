package dev.saccade.kernels.cpu;

import dev.saccade.jmh.ByteCounter;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * ResNet's 3×3/2 stem max pool in inference ({@link MaxPoolValues}: window maxima only) on the stem's output for the
 * 8 frames of one clip, (8, 64, 112, 112) → (8, 64, 56, 56), 2 threads by default. The {@code bytes} row is bytes/s of
 * one read of x and one write of y. Lives in the kernels package to reach the package-private kernel.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar MaxPoolBench -f 1 -wi 3 -i 5 -w 1 -r 1
 * </pre>
 * {@code trainingPool} is the demo training step's stem pool with indices ({@link PoolKernels#maxForward}), 128 × 16
 * planes of 16² → 8², one thread: {@code simd=true} runs {@link MaxPoolIndices}, {@code simd=false} the scalar loop
 * it replaced ({@code -p simd=true,false -jvmArgsAppend -Dsaccade.threads=1}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*"})
public class MaxPoolBench {
    private final PoolGeometry g = PoolGeometry.pool2d(8, 64, 112, 112, 3, 2, 1);
    private float[] x, y;
    private final PoolGeometry training = PoolGeometry.pool2d(128, 16, 16, 16, 3, 2, 1);
    private float[] tx, ty;
    private int[] targmax;

    /** The Vector API kernels ({@code true}) or their scalar loops. */
    @Param({"true"})
    public boolean simd;

    @Setup
    public void setUp() {
        Random r = new Random(5);
        x = new float[g.inputLength()];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        y = new float[g.outputLength()];
        tx = new float[training.inputLength()];
        for (int i = 0; i < tx.length; i++) tx[i] = (float) r.nextGaussian();
        ty = new float[training.outputLength()];
        targmax = new int[training.outputLength()];
        Simd.setEnabled(simd);
    }

    @TearDown
    public void restore() { Simd.setEnabled(true); }

    @Benchmark
    public int[] trainingPool(ByteCounter counter) {
        PoolKernels.maxForward(training, tx, ty, targmax);
        counter.bytes += 4L * (training.inputLength() + 2L * training.outputLength());
        return targmax;
    }

    @Benchmark
    public float[] stemPool(ByteCounter counter) {
        MaxPoolValues.forward(g, x, y);
        counter.bytes += 4L * (g.inputLength() + g.outputLength());
        return y;
    }
}
