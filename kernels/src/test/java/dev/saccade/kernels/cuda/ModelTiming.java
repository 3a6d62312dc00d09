package dev.saccade.kernels.cuda;

import dev.saccade.tensor.Device;
import dev.saccade.tensor.Tensor;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GPU benchmark (run by scripts/gpu-check.sh): TSM-ResNet-50, 8 frames at 224², inference and one training step on
 * the CUDA backend, when the model zoo ({@code dev.saccade.models.registry.ModelRegistry}) is on the class path. It
 * is looked up by reflection (this module does not depend on the models); a static {@code create(String)},
 * {@code get(String)} or {@code build(String)} returning an object with {@code forward(Tensor)} is expected.
 * Times are wall-clock around a synchronising download of the output, after warm-up.
 *
 * <pre>{@code java -cp ... dev.saccade.kernels.cuda.ModelTiming [batch...]}</pre>
 */
public final class ModelTiming {
    private ModelTiming() {}

    public static void main(String[] args) throws Exception {
        if (!Cuda.available()) { System.out.println("model timing: skipped, CUDA unavailable: " + Cuda.unavailableReason()); return; }
        Class<?> registry;
        try {
            registry = Class.forName("dev.saccade.models.registry.ModelRegistry");
        } catch (ClassNotFoundException e) {
            System.out.println("model timing: skipped, dev.saccade.models.registry.ModelRegistry is not on the class path");
            return;
        }
        Method factory = null;
        for (String name : new String[] {"create", "get", "build"}) {
            try { factory = registry.getMethod(name, String.class); break; } catch (NoSuchMethodException ignored) { }
        }
        if (factory == null) { System.out.println("model timing: skipped, ModelRegistry has no static create/get/build(String)"); return; }
        Object model = factory.invoke(null, "tsm_resnet50");
        Method forward = model.getClass().getMethod("forward", Tensor.class);
        int frames = 8;
        int[] batches = args.length == 0 ? new int[] {8, 1} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int batch : batches) {
            Tensor x = Tensor.randn(new SplittableRandom(0), batch * frames, 3, 224, 224).to(Device.cuda(0));
            for (int i = 0; i < 3; i++) ((Tensor) forward.invoke(model, x)).toFloatArray();
            int reps = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) ((Tensor) forward.invoke(model, x)).toFloatArray();
            double inferMs = (System.nanoTime() - t0) / 1e6 / reps;
            long t1 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                Tensor loss = ((Tensor) forward.invoke(model, x)).square().mean();
                loss.backward();
                loss.item();
            }
            double trainMs = (System.nanoTime() - t1) / 1e6 / 3;
            System.out.printf(Locale.ROOT, "saccade cuda TSM-R50 8x224 batch %d: inference %.1f ms, train step (fwd+bwd) %.1f ms%n",
                    batch, inferMs, trainMs);
        }
    }
}
