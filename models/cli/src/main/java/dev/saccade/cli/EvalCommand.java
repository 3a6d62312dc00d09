package dev.saccade.cli;

import dev.saccade.eval.ConfusionMatrixReport;
import dev.saccade.eval.EvalProtocol;
import dev.saccade.eval.EvalResult;
import dev.saccade.eval.Evaluator;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.models.tsn.TsnCheckpoint;
import dev.saccade.nn.Module;
import dev.saccade.train.ConfigOverrides;
import dev.saccade.train.Presets;
import dev.saccade.train.RunCheckpoint;
import dev.saccade.train.TrainConfig;
import dev.saccade.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code saccade eval}: evaluates a trained run (its best checkpoint) or a weights file under a test protocol, on
 * the validation videos of the config's dataset; prints top-1/top-5 (and reversal-pair accuracy on the synthetic
 * dataset) and writes {@code confusion.csv}, {@code confusion.png}, {@code per_class.csv} and {@code summary.txt}.
 *
 * <pre>{@code
 * saccade eval --run runs/demo --protocol 3x2
 * saccade eval --weights TSM_something_RGB_resnet50_shift8_blockres_avg_segment8_e45.pth --model tsm-resnet50 \
 *              --preset tsm-something --set dataset.root=/data/sthv1 --protocol 3x2
 * }</pre>
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a run or a weights file under a test protocol.")
public final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1") Source source;

    static final class Source {
        @Option(names = "--run", description = "run folder (config.json + best/last checkpoint)") Path run;
        @Option(names = "--weights", description = "weights: an official .pth/.pth.tar, a .safetensors file or a training checkpoint") Path weights;
    }

    @Option(names = "--model", description = "model id (with --weights; overrides the preset)") String model;
    @Option(names = "--preset", description = "preset giving frames/classes/size/dataset (with --weights)", defaultValue = "synthetic-demo") String preset;
    @Option(names = "--set", description = "override a config field: key=value") List<String> sets = new ArrayList<>();
    @Option(names = "--protocol", description = "1x1, 3x2, 10x3 or 10x1 (crops x clips; default: the config's)") String protocol;
    @Option(names = "--checkpoint", description = "with --run: best or last", defaultValue = "best") String checkpoint;
    @Option(names = "--out", description = "report folder (default <run>/eval-<protocol>)") Path out;

    private final ModelFactories factories;

    public EvalCommand() { this(StandardFactories.create()); }

    public EvalCommand(ModelFactories factories) { this.factories = factories; }

    @Override public Integer call() throws Exception {
        TrainConfig config;
        Path weights;
        List<String> overrides = new ArrayList<>(sets);
        if (model != null) overrides.addFirst("model=" + model);
        if (source.run != null) {
            config = ConfigOverrides.apply(TrainConfig.read(source.run.resolve(Trainer.CONFIG_JSON)), overrides);
            weights = source.run.resolve(checkpoint.equals("last") ? Trainer.LAST : Trainer.BEST);
            if (!Files.exists(weights)) weights = source.run.resolve(Trainer.LAST);
        } else {
            config = ConfigOverrides.apply(Presets.get(preset), overrides);
            weights = source.weights;
        }
        if (!Files.exists(weights)) throw new IllegalArgumentException("weights " + weights + " do not exist");
        String key = protocol != null ? protocol : config.evalProtocol();
        EvalProtocol p = EvalProtocol.parse(key);
        Path report = out != null ? out : (source.run != null ? source.run : Path.of("runs", "eval")).resolve("eval-" + key);

        EvalResult r = evaluate(config, weights, p, factories);
        Files.createDirectories(report);
        ConfusionMatrixReport.write(report, r);
        String summary = summary(config.model(), r);
        Files.writeString(report.resolve("summary.txt"), summary + "\n", StandardCharsets.UTF_8);
        PrintWriter o = spec.commandLine().getOut();
        o.println(summary);
        o.println("reports in " + report);
        o.flush();
        return 0;
    }

    /** Loads {@code weights} into a new model of {@code config} and evaluates it on the config's validation videos. */
    public static EvalResult evaluate(TrainConfig config, Path weights, EvalProtocol protocol, ModelFactories factories) throws Exception {
        if (!"auto".equals(config.device())) System.setProperty("saccade.device", config.device());
        Module m = ModelFactories.require(factories.models(), "model factory").apply(config.modelConfig());
        loadWeights(m, weights);
        RunData data = RunData.of(config);
        return new Evaluator(m, Math.max(config.batchSize(), protocol.protocol(config.inputSize()).views()))
                .evaluate(data.evaluation(), protocol.protocol(config.inputSize()));
    }

    /**
     * Copies {@code weights} into {@code model}: a zoo model ({@link Tsn}) reads every format {@code predict} reads
     * through {@link TsnCheckpoint} (official {@code .pth} key layouts included); any other module reads a
     * safetensors file of its own state dict or a training checkpoint. Strict either way.
     */
    static void loadWeights(Module model, Path weights) throws IOException {
        if (model instanceof Tsn tsn) TsnCheckpoint.load(tsn, weights);
        else model.loadStateDict(RunCheckpoint.readWeights(weights), true);
    }

    static String summary(String model, EvalResult r) {
        String s = String.format(Locale.ROOT, "%s, %s (%d views): %d videos, top-1 %.2f%%, top-5 %.2f%%, mean class %.2f%%",
                model, r.protocol(), r.viewsPerVideo(), r.videos(), r.top1(), r.top5(), r.meanClassAccuracy());
        if (!Double.isNaN(r.pairAccuracy())) s += String.format(Locale.ROOT, ", reversal pairs %.2f%%", r.pairAccuracy());
        return s;
    }
}
