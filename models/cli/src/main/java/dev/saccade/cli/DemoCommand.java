package dev.saccade.cli;

import dev.saccade.eval.EvalProtocol;
import dev.saccade.eval.EvalResult;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.nn.Module;
import dev.saccade.train.ConfigOverrides;
import dev.saccade.train.EpochMetrics;
import dev.saccade.train.Presets;
import dev.saccade.train.TrainConfig;
import dev.saccade.train.TrainResult;
import dev.saccade.train.Trainer;
import dev.saccade.train.TrainingProgress;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code saccade demo}: trains TSN, TSM, TSM+M2A, TSM+W3 and ACTION-Net on the built-in synthetic dataset on the CPU
 * and prints the comparison table a paper would (model, top-1, top-5, reversal-pair accuracy, parameters, MACs,
 * training clips/s), also written to {@code <out>/results.md}; each model's run folder sits next to it.
 *
 * <p><b>Budget: at most 15 minutes on 2 cores.</b> Settings ({@code synthetic-demo} preset): ResNet-18 at width 16
 * (16/32/64/128 planes, 0.70 M parameters), T = 4 frames of 32×32, 14 classes, light clutter (difficulty 0.2), 6,720
 * training clips, 280 validation clips, 8 epochs, batch 16, SGD lr 0.05 with a cosine schedule, momentum 0.9,
 * wd 1e-4, dropout 0.2, clip 20. The arithmetic:
 * <ul>
 *   <li>11.1 M multiply-adds per 4-frame clip forward (the temporal modules add under 2 %); training ≈ 3 × forward.</li>
 *   <li>Measured on the 2-core dev machine (2026-11-21): TSN and TSM train at ≈ 830 clips/s, TSM+M2A ≈ 540,
 *       TSM+W3 ≈ 430 and ACTION-Net ≈ 350 (their attention runs many small ops on 8×8 … 1×1 maps); 6,720 × 8 =
 *       53,760 clips a model, plus validation: 67, 66, 103, 127 and 157 s, under 9 minutes for the five.</li>
 * </ul>
 * On a faster machine raise {@code --train-clips} / {@code --epochs}; on a slower one lower them. W3 is trained as a
 * single stage here (MFR's second stage would double its cost); {@code saccade train --set mfrStage=2} runs it.
 *
 * <p>The model factory (and optimiser factory and MAC counter) come from {@link ModelFactories}, wired by the
 * top-level command to the model registry.
 *
 * <pre>{@code
 * saccade demo --out runs/demo
 * saccade demo --epochs 1 --train-clips 700 --models tsn,tsm     # a short smoke run
 * }</pre>
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train TSN, TSM, TSM+M2A, TSM+W3 and ACTION-Net on the synthetic dataset and print the comparison table.")
public final class DemoCommand implements Callable<Integer> {
    /** The demo's models, as registry module prefixes, in table order. */
    public static final List<String> MODELS = List.of("tsn", "tsm", "tsm+m2a", "tsm+w3", "action");

    @Spec CommandSpec spec;

    @Option(names = "--out", description = "output folder", defaultValue = "runs/demo") Path out;
    @Option(names = "--backbone", description = "backbone", defaultValue = "resnet18") String backbone;
    @Option(names = "--models", split = ",", description = "subset of tsn,tsm,tsm+m2a,tsm+w3,action") List<String> models = new ArrayList<>(MODELS);
    @Option(names = "--epochs", description = "epochs per model (default: the synthetic-demo preset's)") Integer epochs;
    @Option(names = "--train-clips", description = "training clips (multiple of 14 keeps classes balanced)", defaultValue = "6720") int trainClips;
    @Option(names = "--val-clips", description = "validation clips", defaultValue = "280") int valClips;
    @Option(names = "--size", description = "input size", defaultValue = "32") int size;
    @Option(names = "--set", description = "further config overrides key=value") List<String> sets = new ArrayList<>();
    @Option(names = "--no-progress", description = "a line per epoch instead of progress bars (the default without a terminal)")
    boolean noProgress;

    private final ModelFactories factories;

    public DemoCommand() { this(StandardFactories.create()); }

    public DemoCommand(ModelFactories factories) { this.factories = factories; }

    /** One row of the table. */
    public record Row(String model, double top1, double top5, double pairs, long params, long macs, double clipsPerSecond, double seconds) {}

    @Override public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        ModelFactories.require(factories.models(), "model factory");
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        for (String m : models) {
            if (!MODELS.contains(m)) throw new IllegalArgumentException("--models: unknown '" + m + "', use " + MODELS);
            String id = m + "-" + backbone;
            List<String> overrides = new ArrayList<>(List.of("model=" + id, "inputSize=" + size,
                    "dataset.trainClips=" + trainClips, "dataset.valClips=" + valClips, "device=cpu"));
            if (epochs != null) overrides.add("epochs=" + epochs);
            overrides.addAll(sets);
            TrainConfig c = ConfigOverrides.apply(Presets.get("synthetic-demo"), overrides);
            Path run = out.resolve(id.replace('+', '_'));
            o.printf(Locale.ROOT, "== %s (%d epochs, %d clips of %dx%dx%d)%n", id, c.epochs(), trainClips, c.frames(), size, size);
            o.flush();
            long t0 = System.nanoTime();
            TrainResult r = TrainCommand.train(c, run, factories, noProgress ? TrainingProgress.lines(o) : TrainingProgress.auto(o), false, o);
            Path best = r.bestCheckpoint() != null ? r.bestCheckpoint() : run.resolve(Trainer.LAST);
            EvalResult e = EvalCommand.evaluate(c, best, EvalProtocol.ONE_CLIP_CENTRE_CROP, factories);
            Module probe = factories.models().apply(c.modelConfig());
            ModelConfig mc = c.modelConfig();
            long macs = factories.macs() == null ? -1 : factories.macs().macs(probe, mc);
            double clipsPerSecond = r.metrics().stream().mapToDouble(EpochMetrics::clipsPerSecond).average().orElse(Double.NaN);
            Row row = new Row(id, e.top1(), e.top5(), e.pairAccuracy(), probe.parameterCount(), macs, clipsPerSecond, (System.nanoTime() - t0) / 1e9);
            rows.add(row);
            o.printf(Locale.ROOT, "   top-1 %.1f%%, pairs %.1f%%, %.1f clips/s, %.0f s%n", row.top1(), row.pairs(), row.clipsPerSecond(), row.seconds());
            o.flush();
        }
        double total = (System.nanoTime() - start) / 1e9;
        String table = table(rows, String.format(Locale.ROOT, "Synthetic motion (14 classes, 6 reversal pairs), %s, T=%d, %dx%d, %d train / %d val clips, %d epochs, 1 clip x centre crop; total %.0f s",
                backbone, Presets.get("synthetic-demo").frames(), size, size, trainClips, valClips,
                epochs != null ? epochs : Presets.get("synthetic-demo").epochs(), total));
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
        o.println();
        o.print(table);
        o.flush();
        return 0;
    }

    /** The markdown table. */
    public static String table(List<Row> rows, String caption) {
        StringBuilder sb = new StringBuilder();
        sb.append(caption).append("\n\n");
        sb.append("| model | top-1 (%) | top-5 (%) | reversal pairs (%) | params | MACs / clip | train clips/s |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s | %s | %.1f |%n", r.model(), r.top1(), r.top5(),
                    r.pairs(), human(r.params()), r.macs() < 0 ? "n/a" : human(r.macs()), r.clipsPerSecond()));
        }
        return sb.toString();
    }

    static String human(long n) {
        if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.2fG", n / 1e9);
        if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.2fM", n / 1e6);
        if (n >= 1_000L) return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        return Long.toString(n);
    }
}
