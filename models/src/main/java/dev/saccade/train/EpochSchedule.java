package dev.saccade.train;

import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Learning rate per epoch from a {@link TrainConfig}: step decay (TSM's {@code adjust_learning_rate}:
 * {@code lr = base · 0.1^(#steps ≤ epoch)}), the same with ACTION-Net's one-epoch lag
 * ({@code #steps < epoch}, because its adjustment runs after each epoch), or cosine
 * ({@code 0.5 · base · (1 + cos(π · epoch / epochs))}, TSM's {@code --lr_type cos}).
 *
 * <pre>{@code
 * IntToDoubleFunction s = EpochSchedule.of(Presets.get("tsm-something"));
 * s.applyAsDouble(19);   // 0.01
 * s.applyAsDouble(20);   // 0.001
 * }</pre>
 */
public final class EpochSchedule {
    private EpochSchedule() {}

    public static IntToDoubleFunction of(TrainConfig c) {
        return switch (c.lrSchedule()) {
            case "step" -> step(c.lr(), c.lrSteps(), false);
            case "step-late" -> step(c.lr(), c.lrSteps(), true);
            case "cosine" -> cosine(c.lr(), c.epochs());
            default -> throw new IllegalArgumentException("unknown lrSchedule '" + c.lrSchedule() + "'");
        };
    }

    /** Step decay by 0.1 at each of {@code steps}; {@code late} delays every decay by one epoch. */
    public static IntToDoubleFunction step(double base, List<Integer> steps, boolean late) {
        List<Integer> s = List.copyOf(steps);
        return epoch -> {
            int passed = 0;
            for (int st : s) if (late ? st < epoch : st <= epoch) passed++;
            return base * Math.pow(0.1, passed);
        };
    }

    /** Half-cosine from {@code base} at epoch 0 towards 0 at {@code epochs}. */
    public static IntToDoubleFunction cosine(double base, int epochs) {
        return epoch -> 0.5 * base * (1 + Math.cos(Math.PI * epoch / epochs));
    }
}
