package dev.saccade.jmh;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.translate.TranslateException;
import dev.saccade.kernels.cpu.CpuThreads;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The libtorch peer of {@link ModelInferenceBench}: the TorchScript networks {@code scripts/export_onnx.py} traces
 * (the same networks and weights as the ONNX files) through DJL 0.35.1's PyTorch engine (libtorch 2.7.1, oneDNN /
 * MKL underneath) through a DJL predictor, {@link CpuThreads#threads()} intra-op threads, one inter-op thread. Only built
 * with {@code -Ppeers}.
 *
 * <p>At batch 1 the trial first checks libtorch's logits on the reference clip against PyTorch 1.13's. The
 * secondary result {@code macs} is saccade's count for the same model.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*", "--enable-native-access=ALL-UNNAMED",
        "-Dsaccade.threads=2", "-Xmx4g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1"})
public class ModelInferenceTorchBench {
    @Param({"tsn-resnet50", "tsm-resnet50", "tsm-mobilenetv2"})
    public String model;

    @Param({"1", "8"})
    public int clips;

    private TorchModel torch;
    private long macs;

    @Setup(Level.Trial)
    public void setUp() throws IOException, ModelNotFoundException, MalformedModelException, TranslateException {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(CpuThreads.threads()));
        macs = ModelInferenceBench.macs(ModelInferenceBench.create(model), clips);
        torch = new TorchModel(model, clips);
        if (clips == 1) PeerFiles.checkAgainstReference("libtorch", model, torch.run());
    }

    @Benchmark
    public float[] inference(ModelInferenceBench.Macs counter) throws TranslateException {
        float[] logits = torch.run();
        counter.macs += macs;
        return logits;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        torch.close();
    }
}
