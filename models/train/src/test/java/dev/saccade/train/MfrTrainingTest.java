package dev.saccade.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.Module;
import dev.saccade.nn.loss.FeatureL2Loss;
import dev.saccade.nn.optim.Sgd;
import dev.saccade.tensor.Tensor;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MfrTrainingTest {
    @Test
    void featureDistanceIsMeanPerFrameL2Norm() {
        Tensor a = Tensor.of(new float[] {3, 4, 0, 0, 1, 1, 1, 1}, 2, 1, 2, 2);
        Tensor b = Tensor.zeros(2, 1, 2, 2);
        // frame 0: ‖(3, 4, 0, 0)‖ = 5; frame 1: ‖(1, 1, 1, 1)‖ = 2 → mean 3.5
        assertEquals(3.5, FeatureL2Loss.apply(a, b).item(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> FeatureL2Loss.apply(a, Tensor.zeros(1, 2, 2, 2)));
    }

    @Test
    void stageTwoUsesFrozenTeacherAndPullsStudentFeatures(@TempDir Path dir) throws Exception {
        var data = TrainFixtures.data();
        TrainConfig c = TrainFixtures.config(1);
        Module teacherTrained = new TinyVideoNet(TrainFixtures.FRAMES, 14, 1);
        Trainer.builder(teacherTrained, new Sgd(teacherTrained.parameters(), 0.05, 0.9, 0), c, TrainFixtures.train(data), dir.resolve("stage1"))
                .build().fit();

        Module teacher = MfrTraining.loadTeacher(new TinyVideoNet(TrainFixtures.FRAMES, 14, 42), dir.resolve("stage1"));
        assertFalse(teacher.isTraining());
        for (Tensor p : teacher.parameters()) assertFalse(p.requiresGrad());
        float[] before = teacher.stateDict().get("conv.weight").toFloatArray();

        Module student = new TinyVideoNet(TrainFixtures.FRAMES, 14, 1);
        ExtraLoss mfr = MfrTraining.stageTwo(student, teacher, 1.0);
        Tensor x = Tensor.randn(new SplittableRandom(3), 2, TrainFixtures.FRAMES, 3, 16, 16);
        Tensor logits = student.forward(x);
        Tensor term = mfr.compute(x, logits);
        assertTrue(term.item() > 0, "student (untrained) differs from the teacher");
        term.backward();
        Tensor g = student.stateDict().get("conv.weight").grad();
        assertTrue(g != null && g.abs().sum().item() > 0, "the regulariser reaches the student's conv");
        assertEquals(null, ((TinyVideoNet) student).lastFeatures().grad());
        assertTrue(java.util.Arrays.equals(before, teacher.stateDict().get("conv.weight").toFloatArray()), "teacher unchanged");

        // a full stage-2 run trains with the extra term
        Trainer.builder(student, new Sgd(student.parameters(), 0.05, 0.9, 0), c, TrainFixtures.train(data), dir.resolve("stage2"))
                .extraLoss(mfr).build().fit();
    }

    @Test
    void modelWithoutFeaturesIsRejected() {
        Module plain = new Module() { @Override public Tensor forward(Tensor x) { return x; } };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MfrTraining.stageTwo(plain, plain, 1));
        assertTrue(e.getMessage().contains("FeatureProvider"), e.getMessage());
    }
}
