package dev.saccade.jmh;

import dev.saccade.inference.StreamingClassifier;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Per-frame latency of online TSM (Lin et al., ICCV 2019, §online): one {@link StreamingClassifier#push(float[])} of a
 * preprocessed 224² frame through TSM-MobileNetV2 with 27 classes (the online demo's Jester model; random weights):
 * the one-frame forward with the ten uni-directional shifts reading and refreshing their caches, softmax and top-5.
 * Beside it, in the same run, the plain one-frame forward of TSN-MobileNetV2 (no shift, no cache), so the ratio shows
 * what streaming adds. The paper reports 13 ms per frame on a Jetson Nano GPU (TVM), 47.8 ms on its CPU.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar StreamingBench -f 1 -wi 3 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED"})
public class StreamingBench {
    static final int SIZE = 224, CLASSES = 27;

    private StreamingClassifier stream;
    private Tsn plain;
    private float[] frame;                                      // (3, 224, 224), preprocessed
    private Tensor frameTensor;                                 // (1, 3, 224, 224)

    @Setup(Level.Trial)
    public void setUp() {
        stream = StreamingClassifier.builder().model("tsm-mobilenetv2").randomWeights(0).classes(CLASSES).inputSize(SIZE).build();
        plain = ModelRegistry.standard().create(ModelConfig.of("tsn-mobilenetv2", 1, CLASSES, SIZE));
        plain.eval();
        frameTensor = Tensor.uniform(new SplittableRandom(1), -2, 2, 1, 3, SIZE, SIZE);
        frame = frameTensor.toFloatArray();
    }

    @TearDown(Level.Trial)
    public void tearDown() { stream.close(); }

    /** One streamed frame: forward with the shift caches, softmax, top-5. */
    @Benchmark
    public List<?> push() { return stream.push(frame); }

    /** The same backbone on one frame with no shift at all (TSN), eval and no-grad. */
    @Benchmark
    public Tensor plainFrame() {
        try (var g = GradMode.disable()) {
            return plain.forward(frameTensor);
        }
    }
}
