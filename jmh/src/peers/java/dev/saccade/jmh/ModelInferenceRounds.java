package dev.saccade.jmh;

import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.models.tsn.TsnCheckpoint;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * saccade, ONNX Runtime and libtorch on the same model, weights and clip in one JVM, in interleaved rounds: each
 * round runs one forward of every engine, one after the other, so a burst of load from other processes on a shared
 * machine hits all engines alike (JMH runs each benchmark in its own fork, one after the other). The order rotates
 * round by round and each forward starts after a {@value #SETTLE_MS} ms pause, so that no engine runs in the wake of
 * another's spin-waiting worker threads. Prints, per model and
 * batch, the median and best latency of each engine, clips/s and effective GFLOP/s at the median (2·MACs / latency,
 * saccade's count), and saccade's speed relative to ONNX Runtime (ORT's median ÷ saccade's). Models without an
 * exported file (ACTION-Net, W3, M2A) run saccade only and are compared with ORT's plain ResNet-50 over the same
 * frames ({@code tsn-resnet50}, when it is in the list). Only built with {@code -Ppeers}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dsaccade.threads=2 -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 \
 *      -Xms6g -Xmx6g -cp jmh/target/benchmarks.jar dev.saccade.jmh.ModelInferenceRounds \
 *      --models tsn-resnet50,tsm-resnet50,tsm-mobilenetv2 --clips 1,8 --warmup 20 --rounds 7
 * </pre>
 * {@code --every-round} also prints each engine's latency in every timed round, in order, to show the spread.
 * {@code --warm} runs an untimed forward between the pause and each timed one: the latency of an engine that is
 * already busy (a stream of clips) rather than one waking from idle — after the pause both engines' forwards ran
 * 4–20 % slower on a 2-vCPU cloud machine (docs/PERF.md), the cores' state rather than either engine's code.
 * The warm-up rounds (default 20, back to back) let the JIT compile saccade's kernels: tsm-mobilenetv2's median was
 * 44–47 ms after 5 warm-up forwards and 39–42 ms after 20 or more ({@code saccade bench}, 2026-12-05).
 */
public final class ModelInferenceRounds {
    private ModelInferenceRounds() {}

    /** One engine's latencies in ms. */
    record Timings(String engine, double[] ms) {
        double median() { double[] s = ms.clone(); Arrays.sort(s); int n = s.length; return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; }
        double best() { return Arrays.stream(ms).min().orElse(Double.NaN); }
    }

    /** An engine under test: one forward returning the logits. */
    interface Engine extends AutoCloseable {
        float[] run() throws Exception;
        @Override default void close() throws Exception {}
    }

    public static void main(String[] args) throws Exception {
        List<String> models = List.of("tsn-resnet50", "tsm-resnet50", "tsm-mobilenetv2");
        int[] clipsList = {1, 8};
        int warmup = 20, rounds = 7;
        boolean everyRound = false, warm = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--every-round")) { everyRound = true; i--; continue; }
            if (args[i].equals("--warm")) { warm = true; i--; continue; }
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + args[i] + " needs a value");
            switch (args[i]) {
                case "--models" -> models = List.of(args[i + 1].split(","));
                case "--clips" -> clipsList = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --models, --clips, --warmup, --rounds, --every-round, --warm)");
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(CpuThreads.threads()));
        List<String> table = new ArrayList<>();
        for (int clips : clipsList) {
            double ortResNet50 = Double.NaN;
            for (String model : models) {
                List<Timings> t = measure(model, clips, warmup, rounds, warm);
                if (everyRound) for (Timings e : t) System.out.printf(Locale.ROOT, "%s %s, clips %d, every round (ms): %s%n",
                        model, e.engine(), clips, Arrays.toString(Arrays.stream(e.ms()).map(v -> Math.round(v * 10) / 10.0).toArray()));
                long macs = ModelInferenceBench.macs(ModelInferenceBench.create(model), clips);
                Timings s = t.get(0), ort = t.size() > 1 ? t.get(1) : null, torch = t.size() > 2 ? t.get(2) : null;
                if (model.equals("tsn-resnet50") && ort != null) ortResNet50 = ort.median();
                String ratio = ort != null ? String.format(Locale.ROOT, "%.2f×", ort.median() / s.median())
                        : Double.isNaN(ortResNet50) ? "–" : String.format(Locale.ROOT, "%.2f× ¹", ortResNet50 / s.median());
                table.add(String.format(Locale.ROOT, "| %s | %d | %s | %.2f | %.0f | %s | %s | %s |", model, clips,
                        cell(s), 1000.0 * clips / s.median(), gflops(macs, s), ort == null ? "– | –" : cell(ort) + " | " + String.format(Locale.ROOT, "%.0f", gflops(macs, ort)),
                        torch == null ? "– | –" : cell(torch) + " | " + String.format(Locale.ROOT, "%.0f", gflops(macs, torch)), ratio));
                System.out.println(table.getLast());
            }
        }
        System.out.printf("%nRounds: %d warm-up + %d timed, interleaved; threads %d%s%n", warmup, rounds, CpuThreads.threads(),
                warm ? "; each timed forward right after an untimed one (--warm)" : "; each timed forward after a " + SETTLE_MS + " ms pause");
        System.out.println("| model | clips | saccade ms median (best) | clips/s | GFLOP/s | ORT ms median (best) | GFLOP/s "
                + "| libtorch ms median (best) | GFLOP/s | saccade ÷ ORT speed |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        table.forEach(System.out::println);
    }

    /** Pause before each timed forward, longer than an OpenMP pool's spin-wait (GNU: ~0.3 s at most). */
    static final long SETTLE_MS = 400;

    static String cell(Timings t) { return String.format(Locale.ROOT, "%.1f (%.1f)", t.median(), t.best()); }

    static double gflops(long macs, Timings t) { return 2.0 * macs / (t.median() / 1000) / 1e9; }

    /** Builds the engines for one model and batch, checks their logits at batch 1, runs the interleaved rounds. */
    static List<Timings> measure(String model, int clips, int warmup, int rounds, boolean warm) throws Exception {
        List<String> names = new ArrayList<>();
        List<Engine> engines = new ArrayList<>();
        Tsn net = ModelInferenceBench.create(model);
        boolean exported = Files.isRegularFile(PeerFiles.weights(model));
        if (exported) TsnCheckpoint.load(net, PeerFiles.weights(model));
        net.eval();
        Tensor input = Tensor.of(ModelInferenceBench.clip(model, clips), clips, ModelInferenceBench.FRAMES, 3,
                ModelInferenceBench.SIZE, ModelInferenceBench.SIZE);
        names.add("saccade");
        engines.add(() -> {
            try (GradMode.Scope noGrad = GradMode.disable()) { return net.forward(input).toFloatArray(); }
        });
        if (exported) {
            OrtModel ort = new OrtModel(model, clips, CpuThreads.threads());
            names.add("ONNX Runtime");
            engines.add(new Engine() {
                public float[] run() throws Exception { return ort.run(); }
                public void close() throws Exception { ort.close(); }
            });
            TorchModel torch = new TorchModel(model, clips);
            names.add("libtorch");
            engines.add(new Engine() {
                public float[] run() throws Exception { return torch.run(); }
                public void close() { torch.close(); }
            });
        }
        double[][] ms = new double[engines.size()][rounds];
        for (int r = -warmup; r < rounds; r++) {
            for (int k = 0; k < engines.size(); k++) {
                // the order rotates round by round, and each forward starts after a pause: an engine whose worker
                // threads spin-wait after a forward (libtorch's OpenMP pool) would otherwise slow whichever runs next
                int e = Math.floorMod(k + r, engines.size());
                if (r >= 0) Thread.sleep(SETTLE_MS);                              // warm-up rounds back to back
                if (r >= 0 && warm) engines.get(e).run();                          // untimed: the timed one follows it
                long t0 = System.nanoTime();
                float[] logits = engines.get(e).run();
                double elapsed = (System.nanoTime() - t0) / 1e6;
                if (r == -warmup && exported && clips == 1) PeerFiles.checkAgainstReference(names.get(e), model, logits);
                if (r >= 0) ms[e][r] = elapsed;
            }
        }
        List<Timings> out = new ArrayList<>();
        for (int e = 0; e < engines.size(); e++) {
            out.add(new Timings(names.get(e), ms[e]));
            engines.get(e).close();
        }
        return out;
    }
}
