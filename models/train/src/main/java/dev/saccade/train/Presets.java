package dev.saccade.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The official training recipes as named configs (docs/MODELS.md §3.3 TSM, §4.3 ACTION-Net, §5.3 M2A) plus a small one
 * for the built-in synthetic dataset. Real-dataset presets leave {@code dataset.root} empty: set it with
 * {@code --set dataset.root=/path}.
 *
 * <table>
 *   <caption>the presets</caption>
 *   <tr><th>preset</th><th>model</th><th>lr</th><th>steps</th><th>epochs</th><th>batch</th><th>wd</th><th>clip</th></tr>
 *   <tr><td>tsm-something</td><td>tsm-resnet50, SSv2</td><td>0.01</td><td>20, 40</td><td>50</td><td>64</td><td>5e-4</td><td>20</td></tr>
 *   <tr><td>action-something</td><td>action-resnet50, SSv2</td><td>0.01</td><td>30, 40, 45 (late)</td><td>50</td><td>64</td><td>5e-4</td><td>20</td></tr>
 *   <tr><td>action-jester</td><td>action-resnet50</td><td>0.01</td><td>5, 10, 15 (late)</td><td>25</td><td>64</td><td>5e-4</td><td>20</td></tr>
 *   <tr><td>action-egogesture</td><td>action-resnet50</td><td>0.01</td><td>5, 10, 15 (late)</td><td>20</td><td>64</td><td>5e-4</td><td>20</td></tr>
 *   <tr><td>m2a-something</td><td>m2a-resnet18, SSv1</td><td>0.02</td><td>20</td><td>30</td><td>32 × 4 accumulated</td><td>5e-4</td><td>20</td></tr>
 * </table>
 *
 * <pre>{@code
 * TrainConfig c = Presets.get("tsm-something");   // c.lr() == 0.01, c.lrSteps() == [20, 40]
 * }</pre>
 */
public final class Presets {
    private Presets() {}

    private static final Map<String, TrainConfig> PRESETS = build();

    /** The preset names. */
    public static Set<String> names() { return PRESETS.keySet(); }

    /** The preset called {@code name}; an unknown name is an error listing the known ones. */
    public static TrainConfig get(String name) {
        TrainConfig c = PRESETS.get(name);
        if (c == null) throw new IllegalArgumentException("unknown preset '" + name + "'; known presets: " + names());
        return c;
    }

    private static Map<String, TrainConfig> build() {
        Map<String, TrainConfig> m = new LinkedHashMap<>();
        // TSM README, Something-Something: --lr 0.01 --lr_steps 20 40 --epochs 50 --batch-size 64 --dropout 0.5
        // --gd 20, wd default 5e-4, momentum 0.9, fc_lr5 (training from ImageNet); "accurate" test = 3 crops × 2 clips.
        m.put("tsm-something", new TrainConfig("tsm-something", "tsm-resnet50", 8, 174, 224,
                DatasetConfig.onDisk("something-v2", null), 64, 50, 0.01, List.of(20, 40), "step",
                5e-4, 0.9, 0.5, 20, 1, true, 0, 8, "3x2", "auto", 0, null, 1.0, Map.of()));
        // ACTION-Net train_*_8f.sh: batch 64, lr 0.01, wd 5e-4, dropout 0.5, clip 20, fc_lr5, seed 1;
        // adjust_learning_rate runs after each epoch (decays land one epoch late); test 10 clips × 3 crops.
        m.put("action-something", action("action-something", "something-v2", 174, 50, List.of(30, 40, 45), "10x3"));
        m.put("action-jester", action("action-jester", "jester", 27, 25, List.of(5, 10, 15), "10x3"));
        m.put("action-egogesture", action("action-egogesture", "egogesture", 83, 20, List.of(5, 10, 15), "10x1"));
        // M2A scripts/m2a.sh: SSv1, resnet18, lr 0.02, --lr_steps 20, 30 epochs, wd 5e-4, --gd 20, dropout 0.5,
        // batch 32 × n_batch_multiplier 4, one plain SGD group (no fc_lr5); evaluation 1 clip × centre crop.
        m.put("m2a-something", new TrainConfig("m2a-something", "m2a-resnet18", 8, 174, 224,
                DatasetConfig.onDisk("something-v1", null), 32, 30, 0.02, List.of(20), "step",
                5e-4, 0.9, 0.5, 20, 4, false, 0, 8, "1x1", "auto", 0, null, 1.0, Map.of()));
        // The built-in dataset: 14 classes of 4 frames at 32×32, light clutter; sized so that `saccade demo` trains
        // five narrow ResNet-18 models (16/32/64/128 planes) within 15 minutes on 2 cores (see DemoCommand).
        m.put("synthetic-demo", new TrainConfig("synthetic-demo", "tsm-resnet18", 4, 14, 32,
                new DatasetConfig(DatasetConfig.SYNTHETIC, null, 6720, 280, 0.03, 0.2, 2), 16, 8, 0.05, List.of(), "cosine",
                1e-4, 0.9, 0.2, 20, 1, false, 0, 2, "1x1", "cpu", 0, null, 1.0, Map.of("resnet.width", "16")));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static TrainConfig action(String name, String dataset, int classes, int epochs, List<Integer> steps, String protocol) {
        return new TrainConfig(name, "action-resnet50", 8, classes, 224, DatasetConfig.onDisk(dataset, null),
                64, epochs, 0.01, steps, "step-late", 5e-4, 0.9, 0.5, 20, 1, true, 1, 8, protocol, "auto", 0, null, 1.0, Map.of());
    }
}
