package dev.saccade.cli;

import dev.saccade.models.registry.ModelConfig;
import dev.saccade.nn.Module;
import dev.saccade.nn.optim.Optimizer;
import dev.saccade.train.ConfigOverrides;
import dev.saccade.train.EpochMetrics;
import dev.saccade.train.ExtraLoss;
import dev.saccade.train.MfrTraining;
import dev.saccade.train.NonFiniteLossException;
import dev.saccade.train.Presets;
import dev.saccade.train.TrainConfig;
import dev.saccade.train.TrainResult;
import dev.saccade.train.Trainer;
import dev.saccade.train.TrainingProgress;
import java.io.PrintWriter;
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
 * {@code saccade train}: trains a model from a named preset with overrides, into a run folder
 * ({@code config.json}, {@code metrics.csv}, {@code loss.png}, {@code accuracy.png}, {@code last/best.safetensors}).
 * With {@code --resume} it continues the run in {@code --out} from its last checkpoint, bit-identically. On a
 * terminal a progress bar shows each epoch; otherwise (output redirected, {@code --no-progress}) one line per epoch
 * ({@link TrainingProgress#epochLine}) goes to standard output.
 *
 * <pre>{@code
 * saccade train --preset synthetic-demo --epochs 2 --out runs/demo
 * saccade train --preset tsm-something --set dataset.root=/data/ssv2 --set batchSize=32 --set lr=0.005
 * saccade train --out runs/demo --resume --epochs 4
 * }</pre>
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model from a preset recipe.")
public final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", description = "recipe: ${COMPLETION-CANDIDATES}", defaultValue = "synthetic-demo",
            completionCandidates = PresetNames.class)
    String preset;
    @Option(names = "--model", description = "model id, e.g. tsm-resnet50 (overrides the preset)") String model;
    @Option(names = "--epochs", description = "epochs (overrides the preset)") Integer epochs;
    @Option(names = "--set", description = "override any config field: key=value (dotted for dataset.*)") List<String> sets = new ArrayList<>();
    @Option(names = "--out", description = "run folder (default runs/<preset>)") Path out;
    @Option(names = "--resume", description = "continue the run in --out from last.safetensors") boolean resume;
    @Option(names = "--no-progress", description = "a line per epoch instead of the progress bar (the default without a terminal)")
    boolean noProgress;

    private final ModelFactories factories;

    /** Without factories (the command then reports that none is wired). */
    public TrainCommand() { this(StandardFactories.create()); }

    public TrainCommand(ModelFactories factories) { this.factories = factories; }

    /** Names of the presets for picocli's completion and help. */
    static final class PresetNames extends ArrayList<String> {
        PresetNames() { super(Presets.names()); }
    }

    @Override public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        Path run = out != null ? out : Path.of("runs", preset);
        List<String> overrides = new ArrayList<>();
        if (model != null) overrides.add("model=" + model);
        if (epochs != null) overrides.add("epochs=" + epochs);
        overrides.addAll(sets);
        TrainConfig config;
        if (resume) {
            Path json = run.resolve(Trainer.CONFIG_JSON);
            if (!Files.exists(json)) throw new IllegalArgumentException("--resume: " + json + " does not exist");
            config = ConfigOverrides.apply(TrainConfig.read(json), overrides);
        } else {
            if (Files.exists(run.resolve(Trainer.LAST))) {
                throw new IllegalArgumentException(run + " already holds a run (" + Trainer.LAST + "); use --resume or another --out");
            }
            config = ConfigOverrides.apply(Presets.get(preset), overrides);
        }
        TrainResult r = train(config, run, factories, noProgress ? TrainingProgress.lines(outw) : TrainingProgress.auto(outw), resume, err);
        EpochMetrics last = r.metrics().getLast();
        outw.printf(Locale.ROOT, "%s: %d epochs, train loss %.4f, val top-1 %.2f%% top-5 %.2f%%, best %.2f%%, %.1f clips/s%n",
                run, r.metrics().size(), last.trainLoss(), last.valTop1(), last.valTop5(), r.bestTop1(), last.clipsPerSecond());
        outw.flush();
        return 0;
    }

    /** Builds model, optimiser, data (and the MFR teacher in stage 2) from {@code config} and trains into {@code run}. */
    public static TrainResult train(TrainConfig config, Path run, ModelFactories factories, TrainingProgress progress,
                                    boolean resume, PrintWriter log) throws Exception {
        if (!"auto".equals(config.device())) System.setProperty("saccade.device", config.device());
        ModelConfig mc = config.modelConfig();
        Module model = ModelFactories.require(factories.models(), "model factory").apply(mc);
        Optimizer optimizer = ModelFactories.require(factories.optimizers(), "optimizer factory").create(model, config);
        RunData data = RunData.of(config);
        ExtraLoss extra = null;
        if (config.mfrStage() == 2) {
            Module teacher = MfrTraining.loadTeacher(factories.models().apply(mc), Path.of(config.mfrTeacher()));
            extra = MfrTraining.stageTwo(model, teacher, config.mfrLambda());
            log.printf(Locale.ROOT, "W3 MFR stage 2: teacher %s, lambda %s%n", config.mfrTeacher(), config.mfrLambda());
        }
        Trainer trainer = Trainer.builder(model, optimizer, config, data.train(), run).validation(data.validation())
                .extraLoss(extra).progress(progress).build();
        try {
            return resume ? trainer.resume() : trainer.fit();
        } catch (NonFiniteLossException e) {
            log.println(e.getMessage());
            throw e;
        }
    }
}
