package dev.saccade.jmh;

import ai.onnxruntime.OrtException;
import dev.saccade.kernels.cpu.CpuThreads;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The ONNX Runtime peer of {@link ModelInferenceBench}: the networks {@code scripts/export_onnx.py} exports
 * (torchvision ResNet-50 / MobileNetV2 over N·8 frames at 224², TSN head, TSM's shift as slices, Pad and Concat) with
 * the same weights, ONNX Runtime 1.29 (Java), CPU execution provider, all graph optimisations (level 3: BatchNorm
 * folding, fused convolutions, NCHWc layout), {@link CpuThreads#threads()} intra-op threads (2 in the fork), one
 * inter-op thread, sequential execution. Only built with {@code -Ppeers}.
 *
 * <p>At batch 1 the trial first checks ONNX Runtime's logits on the reference clip against PyTorch's. The
 * secondary result {@code macs} is saccade's count for the same model, so GFLOP/s compare directly.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar ModelInference -f 1 -wi 2 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED",
        "-Dsaccade.threads=2", "-Xmx4g"})
public class ModelInferenceOrtBench {
    @Param({"tsn-resnet50", "tsm-resnet50", "tsm-mobilenetv2"})
    public String model;

    @Param({"1", "8"})
    public int clips;

    private OrtModel ort;
    private long macs;

    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        macs = ModelInferenceBench.macs(ModelInferenceBench.create(model), clips);
        ort = new OrtModel(model, clips, CpuThreads.threads());
        if (clips == 1) PeerFiles.checkAgainstReference("ONNX Runtime", model, ort.run());
    }

    @Benchmark
    public float[] inference(ModelInferenceBench.Macs counter) throws OrtException {
        float[] logits = ort.run();
        counter.macs += macs;
        return logits;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        ort.close();
    }
}
