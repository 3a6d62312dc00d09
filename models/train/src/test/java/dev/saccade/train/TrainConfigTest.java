package dev.saccade.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.schedule.LrSchedule;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void tsmSomethingPresetHasTheOfficialRecipe() {
        TrainConfig c = Presets.get("tsm-something");
        assertEquals(0.01, c.lr());
        assertEquals(List.of(20, 40), c.lrSteps());
        assertEquals(50, c.epochs());
        assertEquals(64, c.batchSize());
        assertEquals(0.5, c.dropout());
        assertEquals(5e-4, c.weightDecay());
        assertEquals(20, c.clipNorm());
        assertEquals(0.9, c.momentum());
        assertEquals(8, c.frames());
        assertEquals(174, c.classes());
        assertTrue(c.fcLr5());
    }

    @Test
    void otherPresets() {
        TrainConfig j = Presets.get("action-jester");
        assertEquals(27, j.classes());
        assertEquals(List.of(5, 10, 15), j.lrSteps());
        assertEquals(25, j.epochs());
        assertEquals("step-late", j.lrSchedule());
        assertEquals(1, j.seed());
        assertEquals("10x3", j.evalProtocol());
        TrainConfig e = Presets.get("action-egogesture");
        assertEquals(83, e.classes());
        assertEquals(20, e.epochs());
        TrainConfig s = Presets.get("action-something");
        assertEquals(List.of(30, 40, 45), s.lrSteps());
        TrainConfig m = Presets.get("m2a-something");
        assertEquals(0.02, m.lr());
        assertEquals(List.of(20), m.lrSteps());
        assertEquals(30, m.epochs());
        assertEquals(32, m.batchSize());
        assertEquals(4, m.gradAccumulation());
        assertEquals("m2a-resnet18", m.model());
        assertTrue(!m.fcLr5());
        assertTrue(Presets.get("synthetic-demo").dataset().isSynthetic());
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Presets.get("nope"));
        assertTrue(ex.getMessage().contains("tsm-something"), ex.getMessage());
    }

    /** The online (uni-directional) TSM is trained by a model option: --set modelOptions.tsm.online=true. */
    @Test
    void onlineTsmIsAModelOption() {
        TrainConfig c = ConfigOverrides.apply(Presets.get("tsm-something"), List.of("modelOptions.tsm.online=true", "model=tsm-mobilenetv2"));
        assertEquals("true", c.modelOptions().get("tsm.online"));
        assertEquals(c, TrainConfig.fromJson(c.toJson()), "kept in the run's config.json");
        var model = dev.saccade.models.registry.ModelRegistry.standard().create(c.modelConfig());
        assertTrue(model.namedModules().get("base_model.features.3.conv.0").describe().contains("online"),
                model.namedModules().get("base_model.features.3.conv.0").describe());
    }

    @Test
    void jsonRoundTripOfEveryPreset() {
        for (String name : Presets.names()) {
            TrainConfig c = Presets.get(name);
            assertEquals(c, TrainConfig.fromJson(c.toJson()), name);
        }
    }

    @Test
    void overridesAreTypedByField() {
        TrainConfig c = ConfigOverrides.apply(Presets.get("tsm-something"),
                List.of("epochs=3", "lr=0.005", "lrSteps=1,2", "fcLr5=false", "dataset.root=/data/ssv2", "mfrTeacher=runs/t"));
        assertEquals(3, c.epochs());
        assertEquals(0.005, c.lr());
        assertEquals(List.of(1, 2), c.lrSteps());
        assertTrue(!c.fcLr5());
        assertEquals("/data/ssv2", c.dataset().root());
        assertEquals("runs/t", c.mfrTeacher());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ConfigOverrides.apply(c, List.of("epoch=3")));
        assertTrue(unknown.getMessage().contains("'epoch'") && unknown.getMessage().contains("epochs"), unknown.getMessage());
        IllegalArgumentException typed = assertThrows(IllegalArgumentException.class,
                () -> ConfigOverrides.apply(c, List.of("batchSize=many")));
        assertTrue(typed.getMessage().contains("batchSize"), typed.getMessage());
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> ConfigOverrides.apply(c, List.of("dropout=1.5")));
        assertTrue(invalid.getMessage().contains("dropout"), invalid.getMessage());
    }

    @Test
    void schedules() {
        LrSchedule tsm = Trainer.lrSchedule(Presets.get("tsm-something"));
        assertEquals(0.01, tsm.lrAt(19, 0, 1), 1e-15);
        assertEquals(0.001, tsm.lrAt(20, 0, 1), 1e-15);
        assertEquals(0.0001, tsm.lrAt(40, 0, 1), 1e-15);
        LrSchedule action = Trainer.lrSchedule(Presets.get("action-jester"));
        assertEquals(0.01, action.lrAt(5, 0, 1), 1e-15);
        assertEquals(0.001, action.lrAt(6, 0, 1), 1e-15);
        TrainConfig cosine = ConfigOverrides.apply(Presets.get("tsm-something"), List.of("lrSchedule=cosine", "lr=0.02", "epochs=10"));
        assertEquals(0.5 * 0.02, Trainer.lrSchedule(cosine).lrAt(5, 0, 1), 1e-15);
    }
}
