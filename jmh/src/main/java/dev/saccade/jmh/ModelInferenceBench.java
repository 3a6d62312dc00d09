package dev.saccade.jmh;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.models.tsn.TsnCheckpoint;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Whole-model CPU inference: one forward of a model in evaluation mode under no-grad on N clips of 8 frames at 224²
 * (174 classes), 2 threads. The peers run the same networks with the same weights in {@code ModelInferenceOrtBench}
 * (ONNX Runtime) and {@code ModelInferenceTorchBench} (libtorch), built with {@code -Ppeers}.
 *
 * <p>How to read it: single-shot mode, one forward per iteration, so the JSON's raw data are per-forward latencies
 * (the table script takes their median and best); the secondary result {@code macs} is the forward's
 * multiply-accumulates from saccade's {@link FlopCounter}, so effective GFLOP/s = 2·macs / latency and
 * clips/s = clips / latency ({@code jmh/scripts/model_inference_table.py}).
 *
 * <p>Weights: for the three models {@code scripts/export_onnx.py} exports (tsn-resnet50, tsm-resnet50,
 * tsm-mobilenetv2) the bench loads its {@code .safetensors} when present and, at batch 1, checks the logits on the
 * reference clip against PyTorch's before timing (a mismatch fails the trial). The other models run their own
 * random initialisation; their speed does not depend on the values.
 *
 * <pre>
 * /usr/bin/python3 scripts/export_onnx.py           # once: jmh/target/onnx/
 * mvn -B -Ppeers -pl jmh -am package -DskipTests    # without -Ppeers: saccade only
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar ModelInference -f 1 -wi 2 -i 5 -rf json -rff models.json
 * python3 jmh/scripts/model_inference_table.py models.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED",
        "-Dsaccade.threads=2", "-Xms6g", "-Xmx6g"})
public class ModelInferenceBench {
    static final int FRAMES = 8, SIZE = 224, CLASSES = 174;

    @Param({"tsn-resnet50", "tsm-resnet50", "tsm-mobilenetv2", "action-resnet50", "tsm+w3-resnet50", "tsm+m2a-resnet50"})
    public String model;

    @Param({"1", "8"})
    public int clips;

    private Tsn net;
    private Tensor input;
    private long macs;

    /** The forward's multiply-accumulates, reported per iteration (one forward) as the secondary result {@code macs}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Macs {
        public long macs;
        @Setup(Level.Iteration) public void reset() { macs = 0; }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        net = create(model);
        boolean exported = Files.isRegularFile(PeerFiles.weights(model));
        if (exported) TsnCheckpoint.load(net, PeerFiles.weights(model));
        net.eval();
        macs = macs(net, clips);
        input = Tensor.of(clip(model, clips), clips, FRAMES, 3, SIZE, SIZE);
        if (exported && clips == 1) {
            PeerFiles.checkAgainstReference("saccade", model, forward().toFloatArray());
        }
    }

    /** One forward under no-grad: (N, 8, 3, 224, 224) → (N, 174). */
    Tensor forward() {
        try (GradMode.Scope noGrad = GradMode.disable()) {
            return net.forward(input);
        }
    }

    @Benchmark
    public Tensor inference(Macs counter) {
        Tensor logits = forward();
        counter.macs += macs;
        return logits;
    }

    /** The model as the registry builds it: 8 frames, 174 classes, 224², dropout 0.5 (inactive in eval), seed 0. */
    static Tsn create(String model) {
        return ModelRegistry.standard().create(new ModelConfig(model, FRAMES, CLASSES, SIZE, 0.5, 0, Map.of()));
    }

    /** Multiply-accumulates of one forward on {@code clips} clips (saccade's counter, the papers' convention). */
    static long macs(Tsn net, int clips) {
        return FlopCounter.count(net, Shape.of(clips, FRAMES, 3, SIZE, SIZE)).macs();
    }

    /**
     * The benchmark input, the same for every engine: the exporter's reference clip repeated {@code clips} times
     * when it exists, otherwise uniform values in [−1, 1) from a fixed seed. (N, 8, 3, 224, 224) flattened.
     */
    static float[] clip(String model, int clips) throws IOException {
        int one = FRAMES * 3 * SIZE * SIZE;
        float[] x = new float[clips * one];
        if (Files.isRegularFile(PeerFiles.referenceInput(model))) {
            float[] ref = PeerFiles.readFloats(PeerFiles.referenceInput(model), one);
            for (int n = 0; n < clips; n++) System.arraycopy(ref, 0, x, n * one, one);
        } else {
            SplittableRandom rng = new SplittableRandom(42);
            for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }
}
