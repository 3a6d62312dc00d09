package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.registry.ModelRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code saccade models} lists ids without building models; the counts build them one at a time. */
class ModelsCommandTest {
    private static List<String> run(ModelRegistry registry, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new ModelsCommand(registry));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute(args), err.toString());
        return out.toString().lines().toList();
    }

    @Test void listingBuildsNoModel() {
        AtomicInteger built = new AtomicInteger();
        ModelRegistry registry = ModelRegistry.standard().registerProvider("probe", cfg -> {
            built.incrementAndGet();
            throw new AssertionError("the listing built " + cfg.id());
        });
        List<String> ids = run(registry);
        assertEquals(registry.list(), ids);
        assertTrue(ids.contains("tsm-resnet50") && ids.contains("tsm+probe-mobilenetv2"), ids.toString());
        assertEquals(0, built.get());
        List<String> md = run(registry, "--markdown");
        assertEquals(List.of("| id |", "|---|", "| tsn-resnet18 |"), md.subList(0, 3));
        assertEquals(registry.list().size() + 2, md.size());
    }

    @Test void paramsAndMacsCountEachModel() {
        ModelRegistry tsnOnly = new ModelRegistry();            // tsn on the three backbones
        List<String> rows = run(tsnOnly, "--macs", "--markdown");
        assertEquals("| id | params (K=174) | MACs (8×224²) |", rows.get(0));
        assertEquals(5, rows.size(), String.join("\n", rows));
        assertEquals("| tsn-resnet50 | 23.86 M | 32.70 G |", rows.get(3), "README's zoo table");

        rows = run(tsnOnly, "--params");
        assertEquals(4, rows.size(), String.join("\n", rows));
        assertTrue(rows.get(2).startsWith("tsn-resnet50") && rows.get(2).endsWith("23,864,558"), rows.get(2));
    }
}
