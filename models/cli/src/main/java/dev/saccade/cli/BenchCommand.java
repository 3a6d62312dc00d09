package dev.saccade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.models.tsn.TsnCheckpoint;
import dev.saccade.tensor.Tensor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code saccade bench}: the quick inference latency of a model on the CPU, as {@code onnxruntime_perf_test} or
 * {@code trtexec} give it. The model runs in evaluation mode under no-grad on a random clip (N, T, 3, S, S); after
 * at least {@code --warmup} untimed forwards, for at least {@code --warmup-seconds} (the JIT compiles the kernels
 * as they first run; {@link InferenceTiming.Warmup}; 10 s by default: on 2 Zen 1 cores tsm-mobilenetv2's median
 * after 3 s was 140–184 ms, after 6 s 122–137, after 10 s 115, docs/PERF.md), it times {@code --runs} forwards and prints the median and best latency, clips/s
 * and effective GFLOP/s at the median (2 · MACs / time, MACs from {@link FlopCounter}), and the peak heap
 * ({@link InferenceTiming}). {@code --modules} measures what each temporal module of the id adds: the TSN backbone
 * alone, then the id's modules added one at a time ({@code tsm+w3-resnet50}: tsn, tsm, tsm+w3), with the MACs and
 * time each adds. Several ids, comma-separated, are timed in one run, each step once ({@code --json} then prints
 * one object per id, one per line). Whenever more than one model is timed, they run side by side in interleaved
 * rounds (one forward of each per round, the order rotating), so their ratios compare like with like; the peak
 * heap is then that of all of them together. The module table gives each step's time over the backbone's both as
 * the ratio of the medians and round by round (the median and quartiles of each round's ratio,
 * {@link InferenceTiming#pairedRatio}: on a machine whose speed drifts the paired ratio is the steadier figure). {@code --chart FILE} draws each module's extra multiply-adds and extra time over
 * {@code tsm-<backbone>} as a PNG ({@link ModuleCostChart}), from this run or, with {@code --chart-from}, from the
 * JSON of earlier runs (two files: before and after).
 *
 * <pre>
 * saccade bench --model tsm-resnet50 --frames 8 --size 224 --batch 1 --threads 2
 * saccade bench --model tsm+w3-resnet50 --modules --json
 * saccade bench --model tsm+w3-resnet50,action-resnet50,tsm+m2a-resnet50,tsm+cbam-resnet50 --modules --json --chart cost.png
 * saccade bench --chart cost.png --chart-from before.json --chart-from after.json
 * </pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
         description = "Time a model's inference on the CPU: median and best latency, clips/s, GFLOP/s, peak heap.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", split = ",", description = "model id, e.g. tsm-resnet50 (see 'saccade models'); several, comma-separated, are timed in one run") List<String> models;
    @Option(names = "--frames", defaultValue = "8", description = "frames T per clip (default ${DEFAULT-VALUE})") int frames;
    @Option(names = "--size", defaultValue = "224", description = "input height = width (default ${DEFAULT-VALUE})") int size;
    @Option(names = "--batch", defaultValue = "1", description = "clips N per forward (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--classes", defaultValue = "174", description = "classes K (default ${DEFAULT-VALUE})") int classes;
    @Option(names = "--weights", description = "checkpoint (.pth, .pth.tar or .safetensors); default: random initialisation") Path weights;
    @Option(names = "--threads", description = "CPU threads, at most the JVM's worker count (default: all of them)") Integer threads;
    @Option(names = "--warmup", defaultValue = "3", description = "at least this many untimed forwards first (default ${DEFAULT-VALUE})") int warmup;
    @Option(names = "--warmup-seconds", defaultValue = "10", description = "and untimed forwards for at least this many seconds (default ${DEFAULT-VALUE}; 0: exactly --warmup forwards)") double warmupSeconds;
    @Option(names = "--runs", defaultValue = "10", description = "timed forwards (default ${DEFAULT-VALUE})") int runs;
    @Option(names = "--modules", description = "also time the backbone alone and each temporal module added in turn") boolean modules;
    @Option(names = "--layers", description = "then profile as many more forwards as --runs: each convolution's and fused attention op's median time, and the time elsewhere (one --model)") boolean layers;
    @Option(names = "--json", description = "print one JSON object per model instead of text") boolean json;
    @Option(names = "--chart", description = "with --modules or --chart-from: write a PNG of each module's extra multiply-adds and time over tsm-<backbone>") Path chart;
    @Option(names = "--chart-from", description = "draw --chart from the JSON of earlier 'bench --modules --json' runs instead of timing: one file, or two (before, after)") List<Path> chartFrom;

    private final PrintStream out;

    public BenchCommand() { this(System.out); }

    BenchCommand(PrintStream out) { this.out = out; }

    /** One timed model: its id, MACs per forward, the timing and, with {@code --layers}, its layer profile (else null). */
    record Measured(String id, long macs, InferenceTiming.Result timing, LayerProfile.Result layers) {}

    @Override public Integer call() throws Exception {
        if (chartFrom != null && !chartFrom.isEmpty()) return chartFromFiles();
        if (models == null || models.isEmpty()) throw new IllegalArgumentException("--model is required (or --chart-from to draw a chart from files)");
        if (chart != null && !modules) throw new IllegalArgumentException("--chart needs --modules (or --chart-from FILE)");
        if (weights != null && models.size() > 1) throw new IllegalArgumentException("--weights applies to one --model, got " + models.size() + " ids");
        if (layers && modules) throw new IllegalArgumentException("--layers profiles one model's ops; it does not combine with --modules");
        if (layers && models.size() > 1) throw new IllegalArgumentException("--layers profiles one --model, got " + models.size() + " ids");
        int k = threads == null ? CpuThreads.threads() : threads;
        if (k < 1) throw new IllegalArgumentException("--threads must be ≥ 1, got " + k);
        if (k > CpuThreads.threads()) {
            throw new IllegalArgumentException("--threads " + k + " exceeds the " + CpuThreads.threads()
                    + " CPU worker threads of this JVM (start it with -Dsaccade.threads=" + k + ")");
        }
        if (batch < 1) throw new IllegalArgumentException("--batch must be ≥ 1, got " + batch);
        if (runs < 1) throw new IllegalArgumentException("--runs must be ≥ 1, got " + runs);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be ≥ 0, got " + warmup);
        if (!(warmupSeconds >= 0)) throw new IllegalArgumentException("--warmup-seconds must be ≥ 0, got " + warmupSeconds);
        for (String model : models) ModelConfig.of(model, frames, classes, size).modules();   // a malformed id fails here, before any work
        Tensor clip = randomClip();
        List<String> all = new ArrayList<>();                                       // each step timed once, shared by the ids
        for (String model : models)
            for (String id : modules ? cumulativeIds(model) : List.of(model)) if (!all.contains(id)) all.add(id);
        Map<String, Measured> done = all.size() == 1
                ? Map.of(all.getFirst(), measure(all.getFirst(), clip, k, weights))
                : measureTogether(all, clip, k);
        List<ObjectNode> runs = new ArrayList<>();
        for (String model : models) {
            List<Measured> measured = new ArrayList<>();
            for (String id : modules ? cumulativeIds(model) : List.of(model)) measured.add(done.get(id));
            runs.add(toJson(measured, k));
            if (json) out.println(new ObjectMapper().writeValueAsString(runs.getLast()));
            else {
                if (runs.size() > 1) out.println();
                printText(measured, k);
            }
        }
        if (chart != null) {
            ModuleCostChart.write(chart, null, List.copyOf(runs));
            if (!json) out.println("chart: " + chart);
        }
        return 0;
    }

    /** {@code --chart-from}: reads the JSON objects of one or two files (before, after) and writes {@code --chart}. */
    private int chartFromFiles() throws Exception {
        if (chart == null) throw new IllegalArgumentException("--chart-from needs --chart FILE (the PNG to write)");
        if (models != null && !models.isEmpty()) throw new IllegalArgumentException("--chart-from draws from files and times nothing: drop --model");
        if (chartFrom.size() > 2) throw new IllegalArgumentException("--chart-from takes one file, or two (before, after), got " + chartFrom.size());
        List<List<JsonNode>> inputs = new ArrayList<>();
        for (Path p : chartFrom) inputs.add(readRuns(p));
        List<ModuleCostChart.Cost> costs = ModuleCostChart.write(chart, inputs.size() == 2 ? inputs.getFirst() : null, inputs.getLast());
        for (ModuleCostChart.Cost c : costs) {
            out.printf(Locale.ROOT, "%s: %+.1f %% multiply-adds, %+.1f %% time (%+.1f ms) over %s%n", c.model(),
                    c.extraMacsPercent(), c.extraTimePercent(), c.extraMs(), c.reference());
        }
        out.println("chart: " + chart);
        return 0;
    }

    /** The JSON objects of a file written by {@code bench --json}: one or more, one after another. */
    static List<JsonNode> readRuns(Path file) throws java.io.IOException {
        List<JsonNode> runs = new ArrayList<>();
        try (com.fasterxml.jackson.databind.MappingIterator<JsonNode> it = new ObjectMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (!n.isObject()) throw new IllegalArgumentException(file + ": expected the JSON objects of 'saccade bench --json', found " + n.getNodeType());
                runs.add(n);
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not the JSON of 'saccade bench --json': " + e.getOriginalMessage(), e);
        }
        if (runs.isEmpty()) throw new IllegalArgumentException(file + ": no JSON object in it");
        return runs;
    }

    /** The backbone alone, then the id's modules added one at a time: tsm+w3-resnet50 → tsn-, tsm-, tsm+w3-resnet50. */
    static List<String> cumulativeIds(String id) {
        ModelConfig cfg = ModelConfig.of(id, 8, 1, 32);
        String backbone = cfg.backbone();
        List<String> ids = new ArrayList<>();
        ids.add("tsn-" + backbone);
        String prefix = "";
        for (String m : cfg.modules().split("\\+")) {
            if (m.equals("tsn")) continue;
            prefix = prefix.isEmpty() ? m : prefix + "+" + m;
            ids.add(prefix + "-" + backbone);
        }
        return ids;
    }

    private Measured measure(String id, Tensor clip, int k, Path weightsFile) throws Exception {
        try (HeapPeak peak = HeapPeak.start()) {                                  // the peak includes the weights
            Tsn net = ModelRegistry.standard().create(new ModelConfig(id, frames, classes, size, 0.5, 0, java.util.Map.of()));
            if (weightsFile != null) TsnCheckpoint.load(net, weightsFile);
            long macs = FlopCounter.count(net, clip.shape()).macs();
            InferenceTiming.Result timing = InferenceTiming.time(net, clip, k, warmUp(), runs, peak);
            return new Measured(id, macs, timing, layers ? LayerProfile.profile(net, clip, k, runs) : null);
        }
    }

    /**
     * Several ids timed side by side in interleaved rounds ({@link InferenceTiming#timeRounds}); the weights file, if
     * any, goes to the ids it names exactly (the models given with {@code --model}). The peak heap is all of theirs.
     */
    private Map<String, Measured> measureTogether(List<String> ids, Tensor clip, int k) throws Exception {
        try (HeapPeak peak = HeapPeak.start()) {
            List<Tsn> nets = new ArrayList<>();
            List<Long> macs = new ArrayList<>();
            for (String id : ids) {
                Tsn net = ModelRegistry.standard().create(new ModelConfig(id, frames, classes, size, 0.5, 0, java.util.Map.of()));
                if (weights != null && models.contains(id)) TsnCheckpoint.load(net, weights);
                nets.add(net);
                macs.add(FlopCounter.count(net, clip.shape()).macs());
            }
            List<InferenceTiming.Result> timings = InferenceTiming.timeRounds(nets, clip, k, warmUp(), runs, peak);
            Map<String, Measured> out = new LinkedHashMap<>();
            for (int i = 0; i < ids.size(); i++) out.put(ids.get(i), new Measured(ids.get(i), macs.get(i), timings.get(i), null));
            return out;
        }
    }

    private InferenceTiming.Warmup warmUp() { return new InferenceTiming.Warmup(warmup, warmupSeconds); }

    /** A clip (N, T, 3, S, S) of uniform values in [−1, 1) from a fixed seed. */
    private Tensor randomClip() {
        long n = (long) batch * frames * 3 * size * size;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("a clip batch of " + n + " values is too large");
        float[] x = new float[(int) n];
        SplittableRandom rng = new SplittableRandom(42);
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return Tensor.of(x, batch, frames, 3, size, size);
    }

    private void printText(List<Measured> measured, int k) {
        Measured m = measured.getLast();
        InferenceTiming.Result t = m.timing();
        out.printf(Locale.ROOT, "%s: %d clip%s × %d frames at %d², %d classes, %d thread%s, weights %s%n", m.id(), batch,
                batch == 1 ? "" : "s", frames, size, classes, k, k == 1 ? "" : "s", weights == null ? "random" : weights);
        out.printf(Locale.ROOT, "%d warm-up + %d timed forwards, %.2f G MACs each%n", t.warmups(), runs, m.macs() / 1e9);
        out.printf(Locale.ROOT, "latency    median %.1f ms, best %.1f ms%n", t.medianMs(), t.bestMs());
        out.printf(Locale.ROOT, "throughput %.2f clips/s, %.1f GFLOP/s effective (2·MACs / median)%n",
                t.clipsPerSecond(batch), t.gflops(m.macs()));
        out.printf(Locale.ROOT, "peak heap  %.0f MiB (max heap %.0f MiB)%n", t.peakHeapBytes() / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0);
        if (m.layers() != null) printLayers(m.layers());
        if (measured.size() > 1) {
            out.println();
            out.println("| model | module added | G MACs | + G MACs | median ms | + ms | time ÷ backbone | round by round (quartiles) |");
            out.println("|---|---|---:|---:|---:|---:|---:|---:|");
            Measured base = measured.getFirst(), prev = null;
            for (Measured r : measured) {
                String added = prev == null ? "(backbone)" : moduleAdded(prev.id(), r.id());
                InferenceTiming.Ratio paired = InferenceTiming.pairedRatio(r.timing(), base.timing());
                out.printf(Locale.ROOT, "| %s | %s | %.2f | %s | %.1f | %s | %.2f× | %.3f× (%.3f–%.3f) |%n", r.id(), added,
                        r.macs() / 1e9,
                        prev == null ? "–" : String.format(Locale.ROOT, "%+.2f", (r.macs() - prev.macs()) / 1e9),
                        r.timing().medianMs(),
                        prev == null ? "–" : String.format(Locale.ROOT, "%+.1f", r.timing().medianMs() - prev.timing().medianMs()),
                        r.timing().medianMs() / base.timing().medianMs(), paired.median(), paired.q1(), paired.q3());
                prev = r;
            }
        }
    }

    /** The {@code --layers} table: each profiled op in call order, then the time elsewhere. */
    private void printLayers(LayerProfile.Result p) {
        out.println();
        out.printf(Locale.ROOT, "%d profiled forwards, median %.1f ms: each op's median time (GFLOP/s: 2 · a convolution's MACs by definition / time)%n",
                p.forwards(), p.forwardMedianMs());
        out.println("| # | op | input | weight | output | M MACs | median ms | GFLOP/s | share of the forward |");
        out.println("|---:|---|---|---|---|---:|---:|---:|---:|");
        for (LayerProfile.Layer l : p.layers()) {
            boolean conv = l.weight() != null;
            out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %.3f | %s | %.1f %% |%n", l.index(), l.op(), l.input(),
                    conv ? l.weight() : "–", l.output(), conv ? String.format(Locale.ROOT, "%.1f", l.macs() / 1e6) : "–", l.medianMs(),
                    conv ? String.format(Locale.ROOT, "%.1f", l.gflops()) : "–", 100 * l.medianMs() / p.forwardMedianMs());
        }
        out.printf(Locale.ROOT, "| | elsewhere (outside the ops above) | | | | | %.3f | | %.1f %% |%n", p.elsewhereMedianMs(),
                100 * p.elsewhereMedianMs() / p.forwardMedianMs());
    }

    private static String moduleAdded(String before, String after) {
        String a = after.substring(0, after.lastIndexOf('-')), b = before.substring(0, before.lastIndexOf('-'));
        return b.equals("tsn") ? a : a.substring(b.length() + 1);
    }

    /** The JSON object of one id: the id's own figures, and its steps under {@code modules} when there are several. */
    private ObjectNode toJson(List<Measured> measured, int k) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        Measured m = measured.getLast();
        o.put("model", m.id()).put("frames", frames).put("size", size).put("batch", batch).put("classes", classes)
                .put("threads", k).put("weights", weights == null ? null : weights.toString())
                .put("warmup", m.timing().warmups()).put("warmup_seconds", warmupSeconds).put("runs", runs);
        put(o, m);
        o.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        if (m.layers() != null) {
            LayerProfile.Result p = m.layers();
            ObjectNode l = o.putObject("layers");
            l.put("forwards", p.forwards()).put("forward_median_ms", p.forwardMedianMs()).put("elsewhere_median_ms", p.elsewhereMedianMs());
            ArrayNode ops = l.putArray("ops");
            for (LayerProfile.Layer layer : p.layers()) {
                ObjectNode c = ops.addObject();
                c.put("index", layer.index()).put("op", layer.op());
                ArrayNode in = c.putArray("input"), y;
                for (int d : layer.input().toArray()) in.add(d);
                if (layer.weight() == null) c.putNull("weight");
                else {
                    ArrayNode w = c.putArray("weight");
                    for (int d : layer.weight().toArray()) w.add(d);
                }
                y = c.putArray("output");
                for (int d : layer.output().toArray()) y.add(d);
                c.put("macs", layer.macs()).put("median_ms", layer.medianMs());
            }
        }
        if (measured.size() > 1) {
            ArrayNode steps = o.putArray("modules");
            Measured prev = null;
            for (Measured r : measured) {
                ObjectNode s = steps.addObject();
                s.put("model", r.id()).put("added", prev == null ? null : moduleAdded(prev.id(), r.id()));
                put(s, r);
                InferenceTiming.Ratio paired = InferenceTiming.pairedRatio(r.timing(), measured.getFirst().timing());
                s.putObject("ratio_to_backbone_by_round").put("median", paired.median()).put("q1", paired.q1()).put("q3", paired.q3());
                prev = r;
            }
        }
        return o;
    }

    private void put(ObjectNode o, Measured m) {
        InferenceTiming.Result t = m.timing();
        o.put("macs", m.macs()).put("median_ms", t.medianMs()).put("best_ms", t.bestMs())
                .put("clips_per_s", t.clipsPerSecond(batch)).put("gflops", t.gflops(m.macs()))
                .put("peak_heap_bytes", t.peakHeapBytes());
        ArrayNode lat = o.putArray("latencies_ms");
        for (double v : t.latenciesMs()) lat.add(v);
    }
}
