package dev.saccade.cli;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.models.flops.FlopCounter;
import dev.saccade.tensor.Shape;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code saccade models}: every model id with its parameter count for a given head size. */
@Command(name = "models", mixinStandardHelpOptions = true,
         description = "List the model ids with their parameters and, with --macs, multiply-adds per clip.")
public final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--classes", defaultValue = "174", description = "classes of the new fc (default ${DEFAULT-VALUE})")
    int classes;

    @Option(names = "--macs", description = "also count multiply-adds of one clip (slower: builds and walks each model)")
    boolean macs;

    @Option(names = "--frames", defaultValue = "8", description = "frames per clip for --macs (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--size", defaultValue = "224", description = "input size for --macs (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--markdown", description = "print a markdown table")
    boolean markdown;

    @Override public Integer call() {
        ModelRegistry registry = ModelRegistry.standard();
        String macsHeader = "MACs (" + frames + "×" + size + "²)";
        if (markdown) {
            System.out.println("| id | params (K=" + classes + ") |" + (macs ? " " + macsHeader + " |" : ""));
            System.out.println("|---|---:|" + (macs ? "---:|" : ""));
        } else {
            System.out.printf(Locale.ROOT, "%-28s %14s%s%n", "id", "params (K=" + classes + ")", macs ? String.format("%16s", macsHeader) : "");
        }
        for (String id : registry.list()) {
            var model = registry.create(ModelConfig.of(id, frames, classes, size));
            long params = model.parameterCount();
            String m = "";
            if (macs) {
                long count = FlopCounter.count(model, Shape.of(1, frames, 3, size, size)).macs();
                m = String.format(Locale.ROOT, "%.2f G", count / 1e9);
            }
            if (markdown) System.out.printf(Locale.ROOT, "| %s | %.2f M |%s%n", id, params / 1e6, macs ? " " + m + " |" : "");
            else System.out.printf(Locale.ROOT, "%-28s %,14d%s%n", id, params, macs ? String.format("%16s", m) : "");
        }
        return 0;
    }
}
