package dev.saccade.train;

import dev.saccade.nn.Module;
import dev.saccade.nn.loss.FeatureL2Loss;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * W3's two-stage mature feature-guided regularisation (MFR, paper Eq. 9; docs/MODELS.md §6.4).
 *
 * <p>Stage 1 trains the W3 model normally; the converged model is the teacher P. Stage 2 trains a student Q of the
 * same architecture from the same initialisation with
 * {@code loss = CE + λ · mean over the N·T frames of ‖y_Q − y_P‖₂}, where {@code y} is the AFR-refined last feature
 * map (Eq. 8) exposed by {@link FeatureProvider#lastFeatures()} and {@code ‖·‖₂} the L2 norm of a flattened
 * per-frame map ({@link FeatureL2Loss}, whose gradient is 0 for a frame where the two maps agree exactly). The
 * teacher is loaded from its checkpoint, put in eval mode and run without gradient.
 *
 * <pre>{@code
 * Module teacher = factory.apply(cfg.modelConfig());
 * ExtraLoss mfr = MfrTraining.stageTwo(student, MfrTraining.loadTeacher(teacher, Path.of(cfg.mfrTeacher())), cfg.mfrLambda());
 * Trainer.builder(student, opt, cfg, train, run).extraLoss(mfr).build().fit();
 * }</pre>
 */
public final class MfrTraining {
    private MfrTraining() {}

    /** Loads the stage-1 weights into {@code teacher} (a run folder means its {@code best}, else {@code last} checkpoint), eval mode, frozen. */
    public static Module loadTeacher(Module teacher, Path weights) throws IOException {
        Path file = weights;
        if (Files.isDirectory(weights)) {
            file = weights.resolve(Trainer.BEST);
            if (!Files.exists(file)) file = weights.resolve(Trainer.LAST);
            if (!Files.exists(file)) throw new IllegalArgumentException("MFR teacher run " + weights + " has neither " + Trainer.BEST + " nor " + Trainer.LAST);
        }
        teacher.loadStateDict(RunCheckpoint.readWeights(file), true);
        teacher.eval();
        for (Tensor p : teacher.parameters()) p.setRequiresGrad(false);
        return teacher;
    }

    /** The stage-2 loss term; {@code student} and {@code teacher} must implement {@link FeatureProvider}. */
    public static ExtraLoss stageTwo(Module student, Module teacher, double lambda) {
        FeatureProvider s = provider(student, "student");
        FeatureProvider t = provider(teacher, "teacher");
        return (input, logits) -> {
            Tensor yQ = s.lastFeatures();                                   // (N·T, C, H, W), in the graph
            Tensor yP;
            try (GradMode.Scope noGrad = GradMode.disable()) {
                teacher.forward(input);
                yP = t.lastFeatures().detach();                              // (N·T, C, H, W), constant
            }
            return FeatureL2Loss.apply(yQ, yP).mul(lambda);
        };
    }

    private static FeatureProvider provider(Module m, String role) {
        Objects.requireNonNull(m, role);
        if (m instanceof FeatureProvider p) return p;
        throw new IllegalArgumentException("MFR " + role + " " + m.getClass().getSimpleName() + " does not expose its refined features (implement FeatureProvider)");
    }
}
