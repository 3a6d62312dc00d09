package dev.saccade.models.registry;

import dev.saccade.models.attention.ActionHooks;
import dev.saccade.models.attention.CbamHooks;
import dev.saccade.models.attention.M2aHooks;
import dev.saccade.models.attention.NonLocalHooks;
import dev.saccade.models.attention.W3Hooks;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.nn.Module;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Block hooks for the attention modules, one factory per registry name, each taking the model's {@link ModelConfig}:
 * <ul>
 * <li>{@code m2a}: {@link M2aHooks}; with {@code tsm} among the id's modules ({@code tsm+m2a-resnet18}) it carries
 *     the shift itself, as M2A's {@code --use_tsm} (do not stack TSM's hooks as well).</li>
 * <li>{@code action}: {@link ActionHooks}, shift_div 8 (ACTION has its own learnable shift).</li>
 * <li>{@code w3}: {@link W3Hooks}; options {@code w3.spatial}, {@code w3.temporal}, {@code w3.afr} (all default true);
 *     after the backbone is built, {@link #w3FeatureRefinement} gives the TSN wrapper's featureRefinement module.</li>
 * <li>{@code cbam}: {@link CbamHooks}. {@code nl}: {@link NonLocalHooks}.</li>
 * </ul>
 * W3, CBAM and NL only add afterBranch/afterBlock modules, so {@code tsmHooks.andThen(AttentionProviders.w3(c))} gives TSM+W3.
 *
 * <pre>{@code
 * ModelConfig c = ModelConfig.of("tsm+w3-resnet50", 8, 174, 224);
 * W3Hooks hooks = AttentionProviders.w3(c);
 * }</pre>
 */
public final class AttentionProviders {
    /** ACTION-Net's and TSM's default shift_div. */
    public static final int SHIFT_DIV = 8;

    private AttentionProviders() {}

    public static BlockHooks m2a(ModelConfig config) {
        return new M2aHooks(Arrays.asList(config.modules().split("\\+")).contains("tsm"));
    }

    public static BlockHooks action(ModelConfig config) { return new ActionHooks(SHIFT_DIV); }

    public static W3Hooks w3(ModelConfig config) {
        return new W3Hooks(config.option("w3.spatial", true), config.option("w3.temporal", true), config.option("w3.afr", true));
    }

    /** The AFR module for the last feature map of {@code channels}, or null when AFR is off (see {@link W3Hooks#featureRefinement}). */
    public static Module w3FeatureRefinement(W3Hooks hooks, int channels, ModelConfig config) {
        return hooks.featureRefinement(channels, new SplittableRandom(config.seed() ^ 0x3AF5L));
    }

    public static BlockHooks cbam(ModelConfig config) { return new CbamHooks(); }

    public static BlockHooks nl(ModelConfig config) { return new NonLocalHooks(); }
}
