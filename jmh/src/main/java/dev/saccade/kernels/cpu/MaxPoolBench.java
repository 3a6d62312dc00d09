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
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MaxPoolBench {
    private final PoolGeometry g = PoolGeometry.pool2d(8, 64, 112, 112, 3, 2, 1);
    private float[] x, y;

    @Setup
    public void setUp() {
        Random r = new Random(5);
        x = new float[g.inputLength()];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        y = new float[g.outputLength()];
    }

    @Benchmark
    public float[] stemPool(ByteCounter counter) {
        MaxPoolValues.forward(g, x, y);
        counter.bytes += 4L * (g.inputLength() + g.outputLength());
        return y;
    }
}
