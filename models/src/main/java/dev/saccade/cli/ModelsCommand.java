package dev.saccade.cli;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code saccade models}: every model id with its parameter count for a given head size. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the model ids and their parameter counts.")
public final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--classes", defaultValue = "174", description = "classes of the new fc (default ${DEFAULT-VALUE})")
    int classes;

    @Override public Integer call() {
        ModelRegistry registry = ModelRegistry.standard();
        System.out.printf(Locale.ROOT, "%-28s %14s%n", "id", "params (K=" + classes + ")");
        for (String id : registry.list()) {
            long params = registry.create(ModelConfig.of(id, 1, classes, 224)).parameterCount();
            System.out.printf(Locale.ROOT, "%-28s %,14d%n", id, params);
        }
        return 0;
    }
}
