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

    private static final String[] TINY = {"--frames", "2", "--size", "32", "--classes", "5", "--warmup", "1", "--runs", "3"};
    private static final String[] ONE = {"--frames", "2", "--size", "32", "--classes", "5", "--warmup", "0", "--runs", "1"};

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

    @Test void textNamesTheFigures() {
        Run r = bench(tiny("--model", "tsn-resnet18"));
        assertEquals(0, r.code(), r.err());
        for (String s : List.of("tsn-resnet18: 1 clip × 2 frames at 32²", "latency    median", "clips/s", "GFLOP/s effective", "peak heap")) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
    }

    @Test void weightsAreLoaded() throws Exception {
        Path pth = CliTest.modelGoldens().resolve("tsm_mobilenetv2.pth");           // T = 4, 10 classes
        Run ok = bench("--model", "tsm-mobilenetv2", "--frames", "4", "--size", "32", "--classes", "10", "--warmup", "0",
                "--runs", "1", "--weights", pth.toString(), "--json");
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
        Run text = bench(once("--model", "tsm+w3-resnet18", "--modules"));
        assertTrue(text.out().contains("| tsm+w3-resnet18 | w3 |"), text.out());
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
        Run missing = bench("--frames", "2");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--model"), missing.err());
    }
}
