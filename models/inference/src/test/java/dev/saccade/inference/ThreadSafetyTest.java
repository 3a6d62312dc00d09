package dev.saccade.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One classifier shared by four threads gives, bit for bit, what it gives on one thread: every model id of the
 * registry (narrow ResNets, 4 frames of 32×32, so that the whole zoo runs in seconds), each thread with its own batch
 * size, so that state left in a module by another thread's forward (AFR's masks once were) would show.
 */
class ThreadSafetyTest {
    static final int FRAMES = 4, SIZE = 32, CLASSES = 7, THREADS = 4, ROUNDS = 3;

    static Stream<String> modelIds() { return ModelRegistry.standard().list().stream(); }

    @ParameterizedTest @MethodSource("modelIds")
    void fourThreadsGiveTheSingleThreadLogits(String id) throws Exception {
        Map<String, String> options = id.endsWith("mobilenetv2") ? Map.of() : Map.of("resnet.width", "16");
        Tsn net = ModelRegistry.standard().create(new ModelConfig(id, FRAMES, CLASSES, SIZE, 0.5, 11, options));
        net.eval();
        VideoClassifier clf = new VideoClassifier(net, id, FRAMES, CLASSES, SIZE, 1, labels(), null);
        int[] batch = {1, 2, 1, 3};
        List<float[]> inputs = new ArrayList<>(), want = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            float[] x = random(batch[t] * FRAMES * 3 * SIZE * SIZE, 100 + t);
            inputs.add(x);
            want.add(forward(net, x, batch[t]));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<float[]>>> got = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int tt = t;
                got.add(pool.submit(() -> {
                    List<float[]> out = new ArrayList<>();
                    for (int r = 0; r < ROUNDS; r++) out.add(batch[tt] == 1 ? clf.logits(inputs.get(tt)) : forward(net, inputs.get(tt), batch[tt]));
                    return out;
                }));
            }
            for (int t = 0; t < THREADS; t++) {
                List<float[]> rounds = got.get(t).get();
                assertEquals(ROUNDS, rounds.size());
                for (float[] r : rounds) assertArrayEquals(want.get(t), r, id + ": thread " + t + " differs from the single-thread logits");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] forward(Tsn net, float[] x, int n) {
        try (var g = GradMode.disable()) {
            return net.forward(Tensor.of(x, n, FRAMES, 3, SIZE, SIZE)).toFloatArray();
        }
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    private static List<String> labels() {
        List<String> l = new ArrayList<>();
        for (int k = 0; k < CLASSES; k++) l.add("c" + k);
        return l;
    }
}
