package dev.saccade.models.registry;

import dev.saccade.models.attention.W3Hooks;

import dev.saccade.models.backbone.Backbone;
import dev.saccade.models.backbone.BlockHooks;
import dev.saccade.models.backbone.MobileNetV2;
import dev.saccade.models.backbone.ResNet;
import dev.saccade.models.temporal.TemporalShiftModule;
import dev.saccade.models.temporal.TsmHooks;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.nn.Module;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The model zoo: ids {@code <modules>-<backbone>}, modules joined by {@code +} ({@code tsn-resnet50},
 * {@code tsm-mobilenetv2}, {@code tsm+m2a-resnet18}), backbones {@code resnet18}, {@code resnet50},
 * {@code mobilenetv2}. {@code tsn} is the plain wrapper; every other module name is a {@link HookProvider}
 * ({@link #standard()} knows {@code tsm}; more are added with {@link #registerProvider}). Modules apply in the
 * order written ({@link BlockHooks#andThen}).
 *
 * <p>Options read from {@link ModelConfig#options()}: {@code tsm.fold_div} (default 8), {@code tsm.online} (default
 * false: the bi-directional shift; true: the uni-directional shift of TSM's online mode, trainable like the other and
 * what {@code StreamingClassifier} runs; only for ids whose shift is TSM's own, not {@code tsm+m2a}),
 * {@code tsn.partial_bn} (default false, as the official scripts' {@code --npb}), {@code resnet.width} (default 64),
 * {@code w3.spatial}, {@code w3.temporal}, {@code w3.afr} (default true). An option no part of the registry reads is
 * an error listing the known ones (a misspelt switch would otherwise be ignored); a provider that reads its own
 * options declares them with {@link #registerOption}.
 *
 * <pre>{@code
 * Tsn model = ModelRegistry.standard().create(ModelConfig.of("tsm-resnet50", 8, 174, 224));
 * }</pre>
 */
public final class ModelRegistry {
    /** Option: the uni-directional (online) TSM shift. */
    public static final String ONLINE = "tsm.online";

    /** The backbones every module can be put on. */
    public static final List<String> BACKBONES = List.of("resnet18", "resnet50", "mobilenetv2");

    private final Map<String, HookProvider> providers = new LinkedHashMap<>();
    private final java.util.Set<String> options = new java.util.TreeSet<>(
            List.of("resnet.width", "tsm.fold_div", "tsm.online", "tsn.partial_bn"));

    /** A registry with {@code tsn}, {@code tsm} and the attention modules {@code m2a}, {@code w3}, {@code action}, {@code cbam}, {@code nl}. */
    public static ModelRegistry standard() {
        ModelRegistry r = new ModelRegistry();
        r.registerProvider("tsm", cfg -> new TsmHooks(cfg.frames(), foldDiv(cfg), false, cfg.option(ONLINE, false)));
        r.registerProvider("m2a", AttentionProviders::m2a);
        r.registerProvider("w3", new HookProvider() {
            @Override public BlockHooks create(ModelConfig cfg) { return AttentionProviders.w3(cfg); }
            @Override public Module featureRefinement(ModelConfig cfg, BlockHooks hooks, int channels) {
                return AttentionProviders.w3FeatureRefinement((W3Hooks) hooks, channels, cfg);
            }
        });
        r.registerOption("w3.spatial").registerOption("w3.temporal").registerOption("w3.afr");
        r.registerProvider("action", AttentionProviders::action);
        r.registerProvider("cbam", AttentionProviders::cbam);
        r.registerProvider("nl", AttentionProviders::nl);
        return r;
    }

    /** Option {@code resnet.width}: planes of the first stage (64 = torchvision; the CPU demo uses narrower ones). */
    private static int resnetWidth(ModelConfig cfg) {
        String v = cfg.options().get("resnet.width");
        try {
            return v == null ? 64 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option resnet.width must be an integer, got '" + v + "'");
        }
    }

    private static int foldDiv(ModelConfig cfg) {
        String v = cfg.options().get("tsm.fold_div");
        try {
            return v == null ? TemporalShiftModule.DEFAULT_FOLD_DIV : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option tsm.fold_div must be an integer, got '" + v + "'");
        }
    }

    /** Adds (or replaces) the module family {@code name}; returns this. {@code tsn} is reserved. */
    public ModelRegistry registerProvider(String name, HookProvider provider) {
        if (name.equals("tsn") || name.isEmpty() || name.contains("+") || name.contains("-")) {
            throw new IllegalArgumentException("provider name '" + name + "' must be non-empty, not 'tsn', without '+' or '-'");
        }
        providers.put(name, provider);
        return this;
    }

    /** Declares option {@code key} as read by some provider, so {@link #create} accepts it; returns this. */
    public ModelRegistry registerOption(String key) {
        options.add(key);
        return this;
    }

    /** The option keys {@link #create} accepts, sorted. */
    public List<String> optionNames() {
        return List.copyOf(options);
    }

    /** The module names known: {@code tsn} and the providers. */
    public List<String> moduleNames() {
        List<String> out = new ArrayList<>();
        out.add("tsn");
        out.addAll(providers.keySet());
        return out;
    }

    /** Every listed id: each module alone, and {@code tsm+<module>} for the others, on each backbone. */
    public List<String> list() {
        List<String> ids = new ArrayList<>();
        List<String> combos = new ArrayList<>(moduleNames());
        if (providers.containsKey("tsm")) {
            // ACTION-Net brings its own (learnable) shift, so it is not combined with TSM.
            for (String p : providers.keySet()) if (!p.equals("tsm") && !p.equals("action")) combos.add("tsm+" + p);
        }
        for (String m : combos) for (String b : BACKBONES) ids.add(m + "-" + b);
        return ids;
    }

    /** Builds the model of {@code cfg}; an unknown id is an error listing the known ones. */
    public Tsn create(ModelConfig cfg) {
        String modules, backbone;
        try {
            modules = cfg.modules();
            backbone = cfg.backbone();
        } catch (IllegalArgumentException e) {
            throw unknown(cfg.id(), e.getMessage());
        }
        if (!BACKBONES.contains(backbone)) throw unknown(cfg.id(), "unknown backbone '" + backbone + "'");
        for (String key : new java.util.TreeSet<>(cfg.options().keySet())) {
            if (!options.contains(key)) {
                throw new IllegalArgumentException("unknown model option '" + key + "'; known options: "
                        + String.join(", ", options));
            }
        }
        List<HookProvider> used = new ArrayList<>();
        List<String> parts = List.of(modules.split("\\+", -1));
        for (String m : parts) {
            if (m.equals("tsn")) continue;
            // M2A carries the shift itself when combined with TSM (M2A's --use_tsm: Sequential(M2A, shift, conv1)).
            if (m.equals("tsm") && parts.contains("m2a")) continue;
            HookProvider p = providers.get(m);
            if (p == null) throw unknown(cfg.id(), "unknown module '" + m + "'");
            used.add(p);
        }
        if (cfg.option(ONLINE, false) && (!parts.contains("tsm") || parts.contains("m2a"))) {
            throw new IllegalArgumentException("option " + ONLINE + " applies to TSM's own shift (ids tsm-<backbone> and tsm+<module>-<backbone>"
                    + " other than tsm+m2a), not to '" + cfg.id() + "'");
        }
        BlockHooks hooks = BlockHooks.NONE;
        List<BlockHooks> created = new ArrayList<>();
        for (HookProvider p : used) {
            BlockHooks h = p.create(cfg);
            created.add(h);
            hooks = hooks == BlockHooks.NONE ? h : hooks.andThen(h);
        }
        SplittableRandom rng = new SplittableRandom(cfg.seed());
        Backbone base = switch (backbone) {
            case "resnet18" -> ResNet.resnet18(resnetWidth(cfg), hooks, cfg.frames(), 0, rng);
            case "resnet50" -> new ResNet(true, new int[] {3, 4, 6, 3}, resnetWidth(cfg), hooks, cfg.frames(), 0, rng);
            default -> new MobileNetV2(hooks, cfg.frames(), 0, rng);
        };
        Tsn model = new Tsn(base, cfg.frames(), cfg.classes(), cfg.dropout(), rng);
        for (int i = 0; i < used.size(); i++) {
            Module refinement = used.get(i).featureRefinement(cfg, created.get(i), base.featureChannels());
            if (refinement != null) model.withFeatureRefinement(refinement);
        }
        if (cfg.option("tsn.partial_bn", false)) model.setPartialBn(true);
        return model;
    }

    private IllegalArgumentException unknown(String id, String why) {
        return new IllegalArgumentException("unknown model id '" + id + "' (" + why + "); known ids: " + String.join(", ", list())
                + "; the form is <modules>-<backbone> with modules from " + moduleNames() + " joined by '+'");
    }
}
