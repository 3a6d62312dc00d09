package dev.saccade.train;

import dev.saccade.data.ClipBatch;
import dev.saccade.data.ClipDataset;
import dev.saccade.data.loader.ClipLoader;
import dev.saccade.data.sampling.Seeds;
import dev.saccade.eval.TopK;
import dev.saccade.nn.Module;
import dev.saccade.nn.StepSeeded;
import dev.saccade.nn.io.AtomicFiles;
import dev.saccade.nn.loss.CrossEntropyLoss;
import dev.saccade.nn.optim.GradientClipping;
import dev.saccade.nn.optim.Optimizer;
import dev.saccade.nn.schedule.CosineSchedule;
import dev.saccade.nn.schedule.LrSchedule;
import dev.saccade.nn.schedule.StepSchedule;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The training loop: epochs × batches from a {@link ClipLoader}, forward, cross-entropy (plus an optional
 * {@link ExtraLoss}), backward, gradient accumulation, global-norm clipping, optimiser step; the learning rate is set
 * from the {@link LrSchedule} before every optimiser step (the per-epoch schedules of the presets change it only when
 * the epoch changes).
 *
 * <p>After each epoch: validation top-1/top-5, a row appended to {@code metrics.csv}, the curves redrawn
 * ({@code loss.png}, {@code accuracy.png}), and the {@code last.safetensors} checkpoint (plus {@code best.safetensors}
 * when validation top-1 improved) written atomically. A NaN or infinite loss throws {@link NonFiniteLossException}
 * naming the epoch and step; no checkpoint is touched then.
 *
 * <p><b>Exact resume.</b> Every random choice is a function of (seed, epoch, step): the data order and augmentation
 * come from {@link ClipLoader} (seeded per epoch and per sample) and modules implementing {@link StepSeeded} (such
 * as {@code nn.layers.Dropout}) are re-seeded before every micro-batch with
 * {@code Seeds.mix(seed, epoch, step, moduleIndex)}. The checkpoint ({@link RunCheckpoint}) holds weights, buffers and
 * the optimiser state ({@link Optimizer#state()}), so a run resumed after epoch k continues exactly as the
 * uninterrupted run would, bit for bit.
 *
 * <pre>{@code
 * Trainer t = Trainer.builder(model, optimizer, config, train, runDir).validation(val).build();
 * TrainResult r = t.fit();          // or t.resume() to continue from runDir/last.safetensors
 * }</pre>
 */
public final class Trainer {
    public static final String CONFIG_JSON = "config.json";
    public static final String METRICS_CSV = "metrics.csv";
    public static final String LAST = "last.safetensors";
    public static final String BEST = "best.safetensors";

    private final Module model;
    private final Optimizer optimizer;
    private final TrainConfig config;
    private final ClipDataset train;
    private final ClipDataset validation;
    private final Path runDir;
    private final LrSchedule schedule;
    private final ExtraLoss extraLoss;
    private final TrainingProgress progress;
    private final List<StepSeeded> seeded = new ArrayList<>();
    /** Unchecked: the trainer checks the total loss (with the extra term) itself and names epoch and step. */
    private final CrossEntropyLoss criterion = new CrossEntropyLoss(false);

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.config = b.config;
        this.train = b.train;
        this.validation = b.validation;
        this.runDir = b.runDir;
        this.schedule = b.schedule != null ? b.schedule : lrSchedule(b.config);
        this.extraLoss = b.extraLoss;
        this.progress = b.progress;
        for (Module m : model.namedModules().values()) if (m instanceof StepSeeded s) seeded.add(s);
    }

    public static Builder builder(Module model, Optimizer optimizer, TrainConfig config, ClipDataset train, Path runDir) {
        return new Builder(model, optimizer, config, train, runDir);
    }

    /**
     * The learning-rate schedule a config names: {@code step} ({@link StepSchedule#tsm}), {@code step-late}
     * ({@link StepSchedule#actionNet}, each decay one epoch later) or {@code cosine} (per-epoch
     * {@link CosineSchedule} down to 0 at {@code epochs}).
     */
    public static LrSchedule lrSchedule(TrainConfig c) {
        int[] steps = c.lrSteps().stream().mapToInt(Integer::intValue).toArray();
        return switch (c.lrSchedule()) {
            case "step" -> StepSchedule.tsm(c.lr(), steps);
            case "step-late" -> StepSchedule.actionNet(c.lr(), steps);
            case "cosine" -> new CosineSchedule(c.lr(), 0, c.epochs(), false);
            default -> throw new IllegalArgumentException("config field 'lrSchedule': unknown schedule '" + c.lrSchedule() + "' (use step, step-late or cosine)");
        };
    }

    public Path lastCheckpoint() { return runDir.resolve(LAST); }
    public Path bestCheckpoint() { return runDir.resolve(BEST); }

    /** Trains from epoch 0 (any previous metrics in the run folder are cleared). */
    public TrainResult fit() throws IOException {
        Files.createDirectories(runDir);
        AtomicFiles.removeStaleTemporaries(runDir);
        config.writeTo(runDir.resolve(CONFIG_JSON));
        new MetricsCsv(runDir.resolve(METRICS_CSV)).truncate(0);
        return run(0, Double.NEGATIVE_INFINITY);
    }

    /** Continues from {@code last.safetensors}: weights, optimiser state and epoch counter come from it. */
    public TrainResult resume() throws IOException {
        AtomicFiles.removeStaleTemporaries(runDir); // half-written checkpoints of a killed run
        Path last = lastCheckpoint();
        if (!Files.exists(last)) throw new IllegalStateException("cannot resume: " + last + " does not exist");
        RunCheckpoint.Meta meta = RunCheckpoint.load(last, model, optimizer);
        if (meta.seed() != config.seed()) {
            throw new IllegalArgumentException(last + " was trained with seed " + meta.seed() + " but the config says " + config.seed() + "; resuming would not reproduce the run");
        }
        config.writeTo(runDir.resolve(CONFIG_JSON));
        new MetricsCsv(runDir.resolve(METRICS_CSV)).truncate(meta.epochsDone());
        return run(meta.epochsDone(), meta.bestTop1());
    }

    private TrainResult run(int startEpoch, double best) throws IOException {
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set has no usable clips (every video missing, or shorter"
                    + " than the frames the sampler needs?); nothing to train on");
        }
        if (validation != null && validation.size() == 0) {
            throw new IllegalArgumentException("the validation set has no usable clips; drop it or fix its list");
        }
        MetricsCsv csv = new MetricsCsv(runDir.resolve(METRICS_CSV));
        Path bestPath = Files.exists(bestCheckpoint()) && startEpoch > 0 ? bestCheckpoint() : null;
        try (ClipLoader trainLoader = ClipLoader.builder(train).batchSize(config.batchSize()).workers(config.workers())
                     .shuffle(true).seed(config.seed()).build();
             ClipLoader valLoader = validation == null ? null : ClipLoader.builder(validation).batchSize(config.batchSize())
                     .workers(config.workers()).shuffle(false).seed(config.seed()).build()) {
            for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double lr = schedule.lrAt(epoch, 0, Math.max(1, trainLoader.batchesPerEpoch()));
                double[] trainStats = trainEpoch(trainLoader, epoch); // {loss, top1, clips, seconds}
                double[] val = valLoader == null ? new double[] {Double.NaN, Double.NaN} : validate(valLoader);
                double seconds = (System.nanoTime() - t0) / 1e9;
                EpochMetrics m = new EpochMetrics(epoch, trainStats[0], trainStats[1], val[0], val[1], lr,
                        trainStats[2] / trainStats[3], seconds);
                csv.append(m);
                TrainingCurves.write(runDir, csv.read());
                double score = Double.isNaN(m.valTop1()) ? m.trainTop1() : m.valTop1();
                boolean improved = score > best;
                if (improved) best = score;
                RunCheckpoint.Meta meta = new RunCheckpoint.Meta(epoch + 1, config.seed(), lr, best);
                if (improved) {
                    RunCheckpoint.save(bestCheckpoint(), model, optimizer, meta);
                    bestPath = bestCheckpoint();
                }
                RunCheckpoint.save(lastCheckpoint(), model, optimizer, meta);
                progress.epochEnd(m, config.epochs());
            }
            return new TrainResult(csv.read(), lastCheckpoint(), bestPath, best);
        }
    }

    /** One epoch; returns {mean loss, top-1 %, clips, seconds of training}. */
    private double[] trainEpoch(ClipLoader loader, int epoch) {
        model.train(true);
        optimizer.zeroGrad();
        int steps = loader.batchesPerEpoch();
        int accumulation = config.gradAccumulation();
        double lossSum = 0;
        long correct = 0, clips = 0;
        long t0 = System.nanoTime();
        String task = String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, config.epochs());
        try (TrainingProgress.Bar bar = progress.start(task, steps)) {
            int step = 0;
            for (ClipBatch batch : loader.epoch(epoch)) {
                if (step % accumulation == 0) optimizer.setLearningRate(schedule.lrAt(epoch, step, steps));
                int n = batch.size();
                if (n == 0) { step++; continue; }
                reseed(epoch, step);
                Tensor x = input(batch);                                   // (N, T, 3, H, W)
                Tensor y = labels(batch);                                  // (N)
                Tensor logits = model.forward(x);                          // (N, K)
                Tensor loss = criterion.apply(logits, y);                  // ()
                if (extraLoss != null) loss = loss.add(extraLoss.compute(x, logits));
                double value = loss.item();
                if (!Double.isFinite(value)) {
                    optimizer.zeroGrad();
                    throw new NonFiniteLossException(value, epoch, step, Files.exists(lastCheckpoint()) ? lastCheckpoint() : null);
                }
                (accumulation == 1 ? loss : loss.div(accumulation)).backward();
                boolean lastOfEpoch = step == steps - 1;
                if ((step + 1) % accumulation == 0 || lastOfEpoch) {
                    if (config.clipNorm() > 0) GradientClipping.clipGlobalNorm(model.parameters(), config.clipNorm());
                    optimizer.step();
                    optimizer.zeroGrad();
                }
                float[] scores = logits.detach().toFloatArray();
                correct += TopK.hits(scores, n, scores.length / n, batch.labels(), 1);
                lossSum += value * n;
                clips += n;
                double elapsed = (System.nanoTime() - t0) / 1e9;
                bar.step(lossSum / clips, 100.0 * correct / clips, clips / Math.max(elapsed, 1e-9));
                step++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new double[] {lossSum / Math.max(clips, 1), 100.0 * correct / Math.max(clips, 1), clips, Math.max(seconds, 1e-9)};
    }

    /** Validation top-1 and top-5 (%), one clip per video, no gradient, eval mode. */
    private double[] validate(ClipLoader loader) {
        model.eval();
        long top1 = 0, top5 = 0, n = 0;
        try (GradMode.Scope noGrad = GradMode.disable()) {
            for (ClipBatch batch : loader.epoch(0)) {
                if (batch.size() == 0) continue;
                float[] scores = model.forward(input(batch)).toFloatArray(); // (N, K)
                int k = scores.length / batch.size();
                top1 += TopK.hits(scores, batch.size(), k, batch.labels(), 1);
                top5 += TopK.hits(scores, batch.size(), k, batch.labels(), Math.min(5, k));
                n += batch.size();
            }
        } finally {
            model.train(true);
        }
        return new double[] {100.0 * top1 / Math.max(n, 1), 100.0 * top5 / Math.max(n, 1)};
    }

    private void reseed(int epoch, int step) {
        for (int i = 0; i < seeded.size(); i++) seeded.get(i).reseed(Seeds.mix(config.seed(), epoch, step, i));
    }

    private Device device() {
        Map<String, Tensor> params = model.namedParameters();
        return params.isEmpty() ? Device.CPU : params.values().iterator().next().device();
    }

    private Tensor input(ClipBatch b) {
        return Tensor.of(b.data(), b.size(), b.frames(), 3, b.height(), b.width()).to(device()); // (N, T, 3, H, W)
    }

    private Tensor labels(ClipBatch b) {
        long[] l = new long[b.size()];
        for (int i = 0; i < l.length; i++) l[i] = b.labels()[i];
        return Tensor.of(l, l.length).to(device());                                          // (N)
    }

    /** Options of a {@link Trainer}. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final TrainConfig config;
        private final ClipDataset train;
        private final Path runDir;
        private ClipDataset validation;
        private LrSchedule schedule;
        private ExtraLoss extraLoss;
        private TrainingProgress progress = TrainingProgress.NONE;

        private Builder(Module model, Optimizer optimizer, TrainConfig config, ClipDataset train, Path runDir) {
            this.model = Objects.requireNonNull(model, "model");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            this.config = Objects.requireNonNull(config, "config");
            this.train = Objects.requireNonNull(train, "train dataset");
            this.runDir = Objects.requireNonNull(runDir, "run folder");
        }

        /** Validation set, evaluated after every epoch (1 clip, no grad). */
        public Builder validation(ClipDataset v) { this.validation = v; return this; }
        /** Learning rate per step; default {@link Trainer#lrSchedule(TrainConfig)}. */
        public Builder schedule(LrSchedule s) { this.schedule = s; return this; }
        /** A term added to the loss (W3 MFR stage 2). */
        public Builder extraLoss(ExtraLoss e) { this.extraLoss = e; return this; }
        /** Progress display; default none. */
        public Builder progress(TrainingProgress p) { this.progress = Objects.requireNonNull(p); return this; }

        public Trainer build() { return new Trainer(this); }
    }

    static UncheckedIOException unchecked(IOException e) { return new UncheckedIOException(e); }
}
