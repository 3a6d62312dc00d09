package dev.saccade.cli;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.tensor.Shape;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code saccade models}: every model id, read from the registry without building a model. With {@code --params}
 * or {@code --macs} each model is built in turn, counted, printed and dropped before the next, so memory stays that
 * of the largest model and rows appear as they are counted.
 *
 * <pre>{@code
 * saccade models                         # ids only, instantly
 * saccade models --macs --markdown       # the README's table: parameters and multiply-adds per clip
 * }</pre>
 */
@Command(name = "models", mixinStandardHelpOptions = true,
         description = "List the model ids; with --params their parameters, with --macs also multiply-adds per clip.")
public final class ModelsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--params", description = "also count parameters (builds each model in turn)")
    boolean params;

    @Option(names = "--macs", description = "also count parameters and multiply-adds of one clip (builds each model in turn)")
    boolean macs;

    @Option(names = "--classes", defaultValue = "174", description = "classes of the new fc for the counts (default ${DEFAULT-VALUE})")
    int classes;

    @Option(names = "--frames", defaultValue = "8", description = "frames per clip for --macs (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--size", defaultValue = "224", description = "input size for --macs (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--markdown", description = "print a markdown table")
    boolean markdown;

    private final ModelRegistry registry;

    public ModelsCommand() { this(ModelRegistry.standard()); }

    /** Lists the ids of {@code registry}. */
    public ModelsCommand(ModelRegistry registry) { this.registry = registry; }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean count = params || macs;
        String macsHeader = "MACs (" + frames + "×" + size + "²)";
        if (markdown) {
            out.println("| id |" + (count ? " params (K=" + classes + ") |" : "") + (macs ? " " + macsHeader + " |" : ""));
            out.println("|---|" + (count ? "---:|" : "") + (macs ? "---:|" : ""));
        } else if (count) {
            out.printf(Locale.ROOT, "%-28s %14s%s%n", "id", "params (K=" + classes + ")", macs ? String.format("%16s", macsHeader) : "");
        }
        for (String id : registry.list()) {
            if (!count) {
                out.println(markdown ? "| " + id + " |" : id);
                continue;
            }
            var model = registry.create(ModelConfig.of(id, frames, classes, size));   // one at a time, dropped after its row
            long n = model.parameterCount();
            String m = macs ? String.format(Locale.ROOT, "%.2f G", FlopCounter.count(model, Shape.of(1, frames, 3, size, size)).macs() / 1e9) : "";
            if (markdown) out.printf(Locale.ROOT, "| %s | %.2f M |%s%n", id, n / 1e6, macs ? " " + m + " |" : "");
            else out.printf(Locale.ROOT, "%-28s %,14d%s%n", id, n, macs ? String.format("%16s", m) : "");
            out.flush();
        }
        out.flush();
        return 0;
    }
}
