package dev.saccade.jmh;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.optim.Sgd;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.SgdStep;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One SGD step (momentum 0.9, weight decay 1e-4) over the parameters of the demo's TSM-ResNet-18 at width 16 (704 K
 * parameters), gradients fixed: {@code fused} is {@link Sgd#step} (the backend's one-pass update), {@code composed}
 * the same update in the elementwise ops ({@link SgdStep#composed}: two to four temporaries a parameter), as it ran
 * before. Average time per step.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar SgdStepBench -f 1 -wi 3 -i 5 -w 1 -r 1 \
 *      -jvmArgsAppend -Dsaccade.threads=1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorActivation::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.LaneMask::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.Simd::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorExp::*", "-XX:CompileCommand=inline,dev.saccade.kernels.cpu.VectorMath::*"})
public class SgdStepBench {
    private Sgd optimizer;
    private List<Tensor> params, velocity;

    @Setup(Level.Trial)
    public void setUp() {
        Tsn model = ModelRegistry.standard().create(new ModelConfig("tsm-resnet18", 8, 14, 32, 0.2, 0,
                Map.of("resnet.width", "16")));
        params = model.parameters();
        SplittableRandom rng = new SplittableRandom(1);
        for (Tensor p : params) p.setGrad(Tensor.uniform(rng, -1, 1, p.shape().toArray()));
        optimizer = new Sgd(params, 0.02, 0.9, 1e-4);
        optimizer.step();                                                   // momentum buffers exist from here on
        velocity = params.stream().map(p -> Tensor.zeros(p.shape().toArray())).toList();
    }

    @Benchmark
    public void fused() { optimizer.step(); }

    @Benchmark
    public void composed() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            SgdStep.composed(p.backend(), p, p.grad(), velocity.get(i), 0.02, 1e-4, 0.9, false, false);
        }
    }
}
