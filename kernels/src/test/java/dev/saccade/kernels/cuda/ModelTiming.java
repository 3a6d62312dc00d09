package dev.saccade.kernels.cuda;

import dev.saccade.tensor.Device;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GPU benchmark (run by scripts/gpu-check.sh): TSM-ResNet-50, 8 frames at 224², 400 classes, inference and one
 * training step (forward, cross-entropy, backward, SGD with momentum 0.9 — what scripts/gpu_peer.py times in
 * PyTorch) on the CUDA backend, when the model zoo is on the class path. This module does not depend on the models,
 * so the zoo is reached by reflection through its public API:
 * {@code ModelRegistry.standard().create(ModelConfig.of("tsm-resnet50", 8, 400, 224))} (package
 * {@code dev.saccade.models.registry}) and {@code new dev.saccade.nn.optim.Sgd(model.parameters(), lr, 0.9, 0)}.
 * Times are wall-clock around a synchronising read of the output (inference) or of the loss (training), after
 * warm-up; each timed step runs in a {@link DeviceScope} (the first training step runs outside one, so that the
 * optimiser's momentum buffers it creates persist). Run with {@code -Dsaccade.device=cuda} so that the parameters are
 * created on the GPU.
 *
 * <pre>{@code java -Dsaccade.device=cuda -cp ... dev.saccade.kernels.cuda.ModelTiming [batch...]}</pre>
 */
public final class ModelTiming {
    /** The model zoo's package (the registry and its config record). */
    static final String ZOO_PACKAGE = "dev.saccade.models.registry";
    /** The optimiser used for the training step. */
    static final String SGD_CLASS = "dev.saccade.nn.optim.Sgd";

    private ModelTiming() {}

    /** A model of the zoo seen through reflection: forward, train/eval, parameters, and an SGD optimiser over them. */
    record ZooModel(Object module, Method forwardMethod, Method trainMethod, Object sgd, Method zeroGradMethod, Method stepMethod) {
        Tensor forward(Tensor x) { return (Tensor) call(forwardMethod, module, x); }
        void train(boolean on) { call(trainMethod, module, on); }
        void zeroGrad() { if (sgd != null) call(zeroGradMethod, sgd); }
        void step() { if (sgd != null) call(stepMethod, sgd); }

        private static Object call(Method m, Object target, Object... args) {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException(m + " failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(m + " is not accessible", e);
            }
        }
    }

    /**
     * {@code <zooPackage>.ModelRegistry.standard().create(<zooPackage>.ModelConfig.of(id, frames, classes, size))}
     * with an SGD (lr 0.01, momentum 0.9) from {@code sgdClass} when that class is present (null optimiser otherwise).
     *
     * @throws ClassNotFoundException when the zoo is not on the class path
     * @throws NoSuchMethodException  when its API differs from the one described above (the message names it)
     */
    static ZooModel load(String zooPackage, String sgdClass, String id, int frames, int classes, int size)
            throws ReflectiveOperationException {
        Class<?> registry = Class.forName(zooPackage + ".ModelRegistry");
        Class<?> config = Class.forName(zooPackage + ".ModelConfig");
        Object standard = registry.getMethod("standard").invoke(null);
        Object cfg = config.getMethod("of", String.class, int.class, int.class, int.class).invoke(null, id, frames, classes, size);
        Object module;
        try {
            module = registry.getMethod("create", config).invoke(standard, cfg);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
        Method forward = module.getClass().getMethod("forward", Tensor.class);
        Method train = module.getClass().getMethod("train", boolean.class);
        Object sgd = null;
        Method zeroGrad = null, step = null;
        try {
            Class<?> sgdType = Class.forName(sgdClass);
            List<?> params = (List<?>) module.getClass().getMethod("parameters").invoke(module);
            sgd = sgdType.getConstructor(List.class, double.class, double.class, double.class).newInstance(params, 0.01, 0.9, 0.0);
            zeroGrad = sgdType.getMethod("zeroGrad");
            step = sgdType.getMethod("step");
        } catch (ClassNotFoundException e) {
            System.out.println("model timing: " + sgdClass + " not on the class path, training step without the optimiser");
        }
        return new ZooModel(module, forward, train, sgd, zeroGrad, step);
    }

    /** Mean cross-entropy of logits (N, K) against labels (N) (torch.nn.functional.cross_entropy). */
    static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return logits.logSoftmax(1).gather(1, labels.reshape(-1, 1)).mean().neg();
    }

    /** One training step: zero grads, forward, cross-entropy, backward, SGD; reads the loss (synchronising). */
    private static double trainStep(ZooModel model, Tensor x, Tensor labels) {
        model.zeroGrad();
        Tensor loss = crossEntropy(model.forward(x), labels);
        loss.backward();
        model.step();
        return loss.item();
    }

    public static void main(String[] args) throws Exception {
        if (!Cuda.available()) { System.out.println("model timing: skipped, CUDA unavailable: " + Cuda.unavailableReason()); return; }
        int frames = 8, classes = 400, size = 224;
        ZooModel model;
        try {
            model = load(ZOO_PACKAGE, SGD_CLASS, "tsm-resnet50", frames, classes, size);
        } catch (ClassNotFoundException e) {
            System.out.println("model timing: skipped, the model zoo (" + ZOO_PACKAGE + ") is not on the class path");
            return;
        }
        int[] batches = args.length == 0 ? new int[] {8, 1} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int batch : batches) {
            SplittableRandom rng = new SplittableRandom(batch);
            Tensor x = Tensor.randn(rng, batch * frames, 3, size, size).to(Device.cuda(0));   // (N·T, 3, 224, 224)
            long[] labelValues = new long[batch];
            for (int i = 0; i < batch; i++) labelValues[i] = rng.nextInt(classes);
            Tensor labels = Tensor.of(labelValues, batch).to(Device.cuda(0));                // (N)

            model.train(true);
            int warm = 3, reps = 10;
            trainStep(model, x, labels);     // outside any scope: creates the optimiser's momentum buffers, which persist
            long t0 = 0;
            for (int i = 0; i < warm + reps; i++) {
                if (i == warm) t0 = System.nanoTime();
                try (DeviceScope step = DeviceScope.open()) {   // the step's activations and temporaries go back at once
                    trainStep(model, x, labels);
                }
            }
            double trainMs = (System.nanoTime() - t0) / 1e6 / reps;

            model.train(false);
            long t1 = 0;
            try (var noGrad = GradMode.disable()) {
                for (int i = 0; i < warm + reps; i++) {
                    if (i == warm) t1 = System.nanoTime();
                    try (DeviceScope step = DeviceScope.open()) {
                        model.forward(x).toFloatArray();
                    }
                }
            }
            double inferMs = (System.nanoTime() - t1) / 1e6 / reps;
            System.out.printf(Locale.ROOT, "saccade cuda TSM-R50 8x224 batch %d: train step %.1f ms (%.1f clips/s), inference %.1f ms (%.1f clips/s), device memory reserved %d MiB%n",
                    batch, trainMs, 1000 * batch / trainMs, inferMs, 1000 * batch / inferMs, CudaAllocator.shared().reservedBytes() >> 20);
        }
    }
}
