package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.tensor.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
    private record Run(int code, String out, String err) {}

    /** Runs {@code saccade bench ARGS} with the CLI's error handling; a tiny model so that a run takes milliseconds. */
    private static Run bench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cl = Saccade.commandLine();
        CommandLine sub = cl.getSubcommands().get("bench");
        CommandLine own = new CommandLine(new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8)));
        own.setExecutionExceptionHandler(cl.getExecutionExceptionHandler());
        own.setErr(new PrintWriter(err));
        assertTrue(sub != null, "bench is a subcommand of saccade");
        int code = own.execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    private static final String[] TINY = {"--frames", "2", "--size", "32", "--classes", "5", "--warmup", "1", "--warmup-seconds", "0", "--runs", "3"};
    private static final String[] ONE = {"--frames", "2", "--size", "32", "--classes", "5", "--warmup", "0", "--warmup-seconds", "0", "--runs", "1"};

    private static String[] tiny(String... more) { return concat(more, TINY); }

    /** One timed forward and no warm-up, for the tests that check what runs rather than the timing figures. */
    private static String[] once(String... more) { return concat(more, ONE); }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test void jsonReportsConsistentFigures() throws Exception {
        Run r = bench(tiny("--model", "tsm-resnet18", "--batch", "2", "--threads", "1", "--json"));
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals("tsm-resnet18", o.get("model").asText());
        assertEquals(2, o.get("batch").asInt());
        assertEquals(1, o.get("threads").asInt());
        assertEquals(3, o.get("runs").asInt());
        assertEquals(1, o.get("warmup").asInt(), "--warmup 1 --warmup-seconds 0: one warm-up forward");
        assertTrue(o.get("weights").isNull());
        long macs = FlopCounter.count(ModelRegistry.standard().create(ModelConfig.of("tsm-resnet18", 2, 5, 32)),
                Shape.of(2, 2, 3, 32, 32)).macs();
        assertEquals(macs, o.get("macs").asLong());
        JsonNode lat = o.get("latencies_ms");
        assertEquals(3, lat.size());
        double min = Double.MAX_VALUE, max = 0;
        for (JsonNode v : lat) { min = Math.min(min, v.asDouble()); max = Math.max(max, v.asDouble()); }
        double median = o.get("median_ms").asDouble();
        assertTrue(min > 0 && min <= median && median <= max, r.out());
        assertEquals(min, o.get("best_ms").asDouble(), 0);
        assertEquals(2 / (median / 1000), o.get("clips_per_s").asDouble(), 1e-9 * o.get("clips_per_s").asDouble());
        assertEquals(2.0 * macs / (median / 1000) / 1e9, o.get("gflops").asDouble(), 1e-9 * o.get("gflops").asDouble());
        assertTrue(o.get("peak_heap_bytes").asLong() > 0 && o.get("peak_heap_bytes").asLong() <= o.get("max_heap_bytes").asLong() * 2, r.out());
        assertNull(o.get("modules"));
    }

    /**
     * {@code --layers}: each convolution of the forward in call order with its shapes and multiply-adds — together
     * the model's MACs but its classifier's — a positive median time each, and the time elsewhere; an attention
     * model's fused ops among them, without weights; as text, the table.
     */
    @Test void layersProfileEachConvolution() throws Exception {
        Run r = bench(tiny("--model", "tsm-resnet18", "--threads", "1", "--layers", "--json"));
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out()), l = o.get("layers");
        assertEquals(3, l.get("forwards").asInt(), "as many profiled forwards as --runs");
        JsonNode convs = l.get("ops");
        assertEquals(20, convs.size(), "ResNet-18: the stem, 16 3×3 convolutions, 3 downsamples");
        long macs = 0;
        double inside = 0;
        for (int i = 0; i < convs.size(); i++) {
            JsonNode c = convs.get(i);
            assertEquals(i + 1, c.get("index").asInt());
            assertTrue(c.get("op").asText().startsWith("inference_conv"), c.toString());
            assertTrue(c.get("median_ms").asDouble() > 0, c.toString());
            macs += c.get("macs").asLong();
            inside += c.get("median_ms").asDouble();
        }
        assertEquals("[2,3,32,32]", convs.get(0).get("input").toString(), "the stem reads the clip's frames");
        assertEquals("[64,3,7,7]", convs.get(0).get("weight").toString());
        assertEquals("[2,64,16,16]", convs.get(0).get("output").toString());
        long classifier = 2L * 512 * 5;                                  // new_fc on each of the 2 frames
        assertEquals(o.get("macs").asLong() - classifier, macs, "the convolutions' MACs: the model's but new_fc's");
        assertTrue(l.get("elsewhere_median_ms").asDouble() >= 0, l.toString());
        assertTrue(l.get("forward_median_ms").asDouble() >= l.get("elsewhere_median_ms").asDouble(), l.toString());
        assertTrue(inside > 0, l.toString());

        JsonNode single = new ObjectMapper().readTree(bench(once("--model", "tsn-resnet18", "--layers", "--json")).out()).get("layers");
        double ops = 0;                                                  // one forward: its time is the ops' and the rest
        for (JsonNode c : single.get("ops")) ops += c.get("median_ms").asDouble();
        assertEquals(single.get("forward_median_ms").asDouble(), ops + single.get("elsewhere_median_ms").asDouble(), 1e-9);

        JsonNode w3 = new ObjectMapper().readTree(bench(once("--model", "tsm+w3-resnet18", "--layers", "--json")).out())
                .get("layers").get("ops");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (JsonNode op : w3) {
            names.add(op.get("op").asText());
            if (!op.get("op").asText().startsWith("inference_conv")) {
                assertTrue(op.get("weight").isNull() && op.get("macs").asLong() == 0, op.toString());
            }
        }
        assertTrue(names.containsAll(List.of("inference_conv", "channel_attention_gates", "channel_avg_max_pool", "spatio_temporal_mask", "inference_gate")), names.toString());

        Run text = bench(once("--model", "tsn-resnet18", "--layers"));
        assertEquals(0, text.code(), text.err());
        for (String s : List.of("1 profiled forwards", "| # | op | input | weight | output | M MACs | median ms | GFLOP/s",
                "| 1 | inference_conv | (2, 3, 32, 32) | (64, 3, 7, 7) | (2, 64, 16, 16) |", "| | elsewhere (outside the ops above) |")) {
            assertTrue(text.out().contains(s), s + " in\n" + text.out());
        }
    }

    @Test void textNamesTheFigures() {
        Run r = bench(tiny("--model", "tsn-resnet18"));
        assertEquals(0, r.code(), r.err());
        for (String s : List.of("tsn-resnet18: 1 clip × 2 frames at 32²", "latency    median", "clips/s", "GFLOP/s effective", "peak heap")) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
    }

    @Test void warmUpLastsItsSeconds() throws Exception {
        Run r = bench("--model", "tsn-resnet18", "--frames", "2", "--size", "32", "--classes", "5", "--warmup", "0",
                "--warmup-seconds", "0.3", "--runs", "1", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        // --warmup 0 alone warms up not at all (jsonReportsConsistentFigures: exactly --warmup with 0 s); the seconds
        // make it run forwards until they have passed — the first, compiling, may take them all
        assertTrue(o.get("warmup").asInt() >= 1, r.out());
        assertEquals(0.3, o.get("warmup_seconds").asDouble(), 0);
    }

    @Test void weightsAreLoaded() throws Exception {
        Path pth = CliTest.modelGoldens().resolve("tsm_mobilenetv2.pth");           // T = 4, 10 classes
        Run ok = bench("--model", "tsm-mobilenetv2", "--frames", "4", "--size", "32", "--classes", "10", "--warmup", "0",
                "--warmup-seconds", "0", "--runs", "1", "--weights", pth.toString(), "--json");
        assertEquals(0, ok.code(), ok.err());
        assertEquals(pth.toString(), new ObjectMapper().readTree(ok.out()).get("weights").asText());
        Run wrong = bench("--model", "tsm-mobilenetv2", "--frames", "4", "--size", "32", "--classes", "7", "--weights", pth.toString());
        assertEquals(2, wrong.code(), wrong.err());
        assertTrue(wrong.err().contains("tsm_mobilenetv2.pth") && wrong.err().contains("new_fc"), wrong.err());
    }

    @Test void modulesAddOneAtATime() throws Exception {
        assertEquals(List.of("tsn-resnet18", "tsm-resnet18", "tsm+w3-resnet18"), BenchCommand.cumulativeIds("tsm+w3-resnet18"));
        assertEquals(List.of("tsn-resnet50"), BenchCommand.cumulativeIds("tsn-resnet50"));
        Run r = bench(once("--model", "tsm+w3-resnet18", "--modules", "--json"));
        assertEquals(0, r.code(), r.err());
        JsonNode steps = new ObjectMapper().readTree(r.out()).get("modules");
        assertEquals(3, steps.size());
        assertEquals("tsn-resnet18", steps.get(0).get("model").asText());
        assertTrue(steps.get(0).get("added").isNull());
        assertEquals("tsm", steps.get(1).get("added").asText());
        assertEquals("w3", steps.get(2).get("added").asText());
        assertEquals(steps.get(0).get("macs").asLong(), steps.get(1).get("macs").asLong(), "the shift adds no MACs");
        assertTrue(steps.get(2).get("macs").asLong() > steps.get(1).get("macs").asLong(), "W3 adds convolutions");
        JsonNode paired = steps.get(0).get("ratio_to_backbone_by_round");
        assertEquals(1.0, paired.get("median").asDouble(), 1e-12, "the backbone over itself");
        for (JsonNode step : steps) {
            JsonNode p = step.get("ratio_to_backbone_by_round");
            assertTrue(p.get("q1").asDouble() <= p.get("median").asDouble() && p.get("median").asDouble() <= p.get("q3").asDouble()
                    && p.get("q1").asDouble() > 0, step.toString());
        }
        Run text = bench(once("--model", "tsm+w3-resnet18", "--modules"));
        assertTrue(text.out().contains("| tsm+w3-resnet18 | w3 |"), text.out());
        assertTrue(text.out().contains("| round by round (quartiles) |") && text.out().contains("| 1.000× (1.000–1.000) |"), text.out());
    }

    @Test void severalModelsAreTimedTogetherWithOnePeakHeap() throws Exception {
        Run r = bench("--model", "tsn-resnet18,tsm-resnet18", "--frames", "2", "--size", "32", "--warmup", "1",
                "--warmup-seconds", "0", "--runs", "3", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        long peak = -1;
        for (String line : lines) {
            JsonNode o = new ObjectMapper().readTree(line);
            assertEquals(3, o.get("latencies_ms").size());
            for (JsonNode v : o.get("latencies_ms")) assertTrue(v.asDouble() > 0, line);
            if (peak >= 0) assertEquals(peak, o.get("peak_heap_bytes").asLong(), "one peak for the models timed together");
            peak = o.get("peak_heap_bytes").asLong();
        }
    }

    @Test void badArgumentsExitWithTwoAndNameTheOption() {
        Run batch = bench(tiny("--model", "tsm-resnet18", "--batch", "0"));
        assertEquals(2, batch.code());
        assertTrue(batch.err().contains("--batch must be ≥ 1, got 0"), batch.err());
        Run runs = bench("--model", "tsm-resnet18", "--frames", "2", "--size", "32", "--runs", "0");
        assertEquals(2, runs.code());
        assertTrue(runs.err().contains("--runs must be ≥ 1"), runs.err());
        Run threads = bench(tiny("--model", "tsm-resnet18", "--threads", String.valueOf(CpuThreads.threads() + 1)));
        assertEquals(2, threads.code());
        assertTrue(threads.err().contains("-Dsaccade.threads="), threads.err());
        Run model = bench(tiny("--model", "tsm-vgg"));
        assertTrue(model.code() != 0);
        assertTrue(model.err().contains("tsm-resnet50"), model.err());
        Run seconds = bench("--model", "tsm-resnet18", "--frames", "2", "--size", "32", "--warmup-seconds", "-1");
        assertEquals(2, seconds.code());
        assertTrue(seconds.err().contains("--warmup-seconds must be ≥ 0, got -1"), seconds.err());
        Run missing = bench("--frames", "2");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--model"), missing.err());
        Run layersOfTwo = bench(tiny("--model", "tsn-resnet18,tsm-resnet18", "--layers"));
        assertEquals(2, layersOfTwo.code());
        assertTrue(layersOfTwo.err().contains("--layers profiles one --model, got 2 ids"), layersOfTwo.err());
        Run layersOfModules = bench(tiny("--model", "tsm-resnet18", "--modules", "--layers"));
        assertEquals(2, layersOfModules.code());
        assertTrue(layersOfModules.err().contains("--layers profiles one model's ops; it does not combine with --modules"), layersOfModules.err());
    }

    /** A bench JSON object of {@code model} with its steps (id, MACs, median ms), as {@code --modules --json} writes it. */
    private static String run(String model, Object... steps) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < steps.length; i += 3) {
            if (i > 0) b.append(',');
            b.append(String.format(java.util.Locale.ROOT, "{\"model\":\"%s\",\"macs\":%d,\"median_ms\":%s}", steps[i], steps[i + 1], steps[i + 2]));
        }
        int last = steps.length - 3;
        return String.format(java.util.Locale.ROOT, "{\"model\":\"%s\",\"macs\":%d,\"median_ms\":%s,\"modules\":[%s]}",
                model, steps[last + 1], steps[last + 2], b);
    }

    @Test void moduleCostIsOverTsmOfTheSameRunOrAnother() throws Exception {
        String w3 = run("tsm+w3-resnet50", "tsn-resnet50", 1000L, 90.0, "tsm-resnet50", 1000L, 100.0, "tsm+w3-resnet50", 1010L, 120.0);
        String action = run("action-resnet50", "tsn-resnet50", 1000L, 95.0, "action-resnet50", 1050L, 150.0);
        ObjectMapper m = new ObjectMapper();
        List<ModuleCostChart.Cost> costs = ModuleCostChart.costs(List.of(m.readTree(w3), m.readTree(action)));
        assertEquals(2, costs.size());
        assertEquals(new ModuleCostChart.Cost("tsm+w3-resnet50", "tsm-resnet50", 1.0, 20.0, 20.0), costs.get(0));
        assertEquals("tsm-resnet50", costs.get(1).reference(), "ACTION's run has no TSM step: the other run's");
        assertEquals(5.0, costs.get(1).extraMacsPercent(), 1e-12);
        assertEquals(50.0, costs.get(1).extraTimePercent(), 1e-12);
        List<ModuleCostChart.Cost> alone = ModuleCostChart.costs(List.of(m.readTree(action)));
        assertEquals("tsn-resnet50", alone.getFirst().reference(), "no TSM step anywhere: the backbone alone");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ModuleCostChart.costs(List.of(m.readTree("{\"model\":\"tsm+w3-resnet50\",\"macs\":1,\"median_ms\":2}"))));
        assertTrue(e.getMessage().contains("tsm+w3-resnet50") && e.getMessage().contains("--modules"), e.getMessage());
    }

    @Test void chartFromOneOrTwoJsonFiles(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path before = dir.resolve("before.json"), after = dir.resolve("after.json"), png = dir.resolve("cost.png");
        java.nio.file.Files.writeString(before, run("tsm+w3-resnet50", "tsn-resnet50", 1000L, 90.0, "tsm-resnet50", 1000L, 100.0, "tsm+w3-resnet50", 1010L, 130.0) + "\n");
        java.nio.file.Files.writeString(after, run("tsm+w3-resnet50", "tsn-resnet50", 1000L, 90.0, "tsm-resnet50", 1000L, 100.0, "tsm+w3-resnet50", 1010L, 120.0) + "\n"
                + run("action-resnet50", "tsn-resnet50", 1000L, 95.0, "action-resnet50", 1050L, 150.0) + "\n");
        Run r = bench("--chart", png.toString(), "--chart-from", before.toString(), "--chart-from", after.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tsm+w3-resnet50: +1.0 % multiply-adds, +20.0 % time (+20.0 ms) over tsm-resnet50"), r.out());
        assertTrue(r.out().contains("action-resnet50: +5.0 % multiply-adds, +50.0 % time"), r.out());
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertTrue(img != null && img.getWidth() >= 640 && img.getHeight() == 480, "a PNG chart at " + png);

        Run three = bench("--chart", png.toString(), "--chart-from", after.toString(), "--chart-from", after.toString(), "--chart-from", after.toString());
        assertEquals(2, three.code());
        assertTrue(three.err().contains("one file, or two"), three.err());
        Run noPng = bench("--chart-from", after.toString());
        assertEquals(2, noPng.code());
        assertTrue(noPng.err().contains("--chart"), noPng.err());
        java.nio.file.Files.writeString(before, "[1, 2]");
        Run bad = bench("--chart", png.toString(), "--chart-from", before.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("before.json"), bad.err());
    }

    @Test void severalModelsShareTheirStepsAndDrawTheChart(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path png = dir.resolve("cost.png");
        Run r = bench(once("--model", "tsm+w3-resnet18,action-resnet18", "--modules", "--json", "--chart", png.toString()));
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        JsonNode w3 = new ObjectMapper().readTree(lines[0]), action = new ObjectMapper().readTree(lines[1]);
        assertEquals("tsm+w3-resnet18", w3.get("model").asText());
        assertEquals("action-resnet18", action.get("model").asText());
        assertEquals(w3.get("modules").get(0).get("latencies_ms"), action.get("modules").get(0).get("latencies_ms"),
                "tsn-resnet18 is timed once for both ids");
        assertTrue(javax.imageio.ImageIO.read(png.toFile()) != null, "a PNG chart");
        Run noModules = bench(once("--model", "tsm+w3-resnet18", "--chart", png.toString()));
        assertEquals(2, noModules.code());
        assertTrue(noModules.err().contains("--chart needs --modules"), noModules.err());
    }
}
