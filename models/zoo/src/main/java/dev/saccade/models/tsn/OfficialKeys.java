package dev.saccade.models.tsn;

import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps the keys of official checkpoints to saccade's {@link Tsn} names. saccade keeps the official names, so the
 * mapping is small:
 *
 * <table>
 * <caption>official key → saccade key</caption>
 * <tr><th>source</th><th>official key</th><th>saccade key</th></tr>
 * <tr><td>TSM / TSN checkpoint (DataParallel)</td><td>{@code module.base_model.layer1.0.conv1.net.weight}</td>
 *     <td>{@code base_model.layer1.0.conv1.net.weight}</td></tr>
 * <tr><td></td><td>{@code module.new_fc.weight}</td><td>{@code new_fc.weight}</td></tr>
 * <tr><td>TSN checkpoint into a TSM model</td><td>{@code module.base_model.layer1.0.conv1.weight}</td>
 *     <td>{@code base_model.layer1.0.conv1.net.weight}</td></tr>
 * <tr><td>TSM checkpoint into a TSN model</td><td>{@code module.base_model.layer1.0.conv1.net.weight}</td>
 *     <td>{@code base_model.layer1.0.conv1.weight}</td></tr>
 * <tr><td>torchvision ResNet / TSM-repo MobileNetV2 ImageNet weights</td><td>{@code layer1.0.conv1.weight},
 *     {@code features.3.conv.0.weight}</td><td>{@code base_model.} + key (+ {@code .net} where the model wraps)</td></tr>
 * <tr><td></td><td>{@code fc.*}, {@code classifier.*}</td><td>dropped (replaced by {@code new_fc})</td></tr>
 * <tr><td>TSM online demo ({@code mobilenetv2_jester_online.pth.tar}), with {@link #map(Map, Set, int)}</td>
 *     <td>{@code features.3.conv.0.weight}, {@code classifier.weight} (K rows)</td>
 *     <td>{@code base_model.features.3.conv.0.net.weight}, {@code new_fc.weight}</td></tr>
 * </table>
 *
 * A key that matches no saccade key after these rules is reported in {@link Result#unmatched()}.
 *
 * <pre>{@code
 * OfficialKeys.Result r = OfficialKeys.map(PthReader.readStateDict(file), model.stateDict().keySet());
 * }</pre>
 */
public final class OfficialKeys {
    private OfficialKeys() {}

    /** The renamed entries (in the source order), the source keys that matched nothing, and the dropped ones. */
    public record Result<V>(Map<String, V> mapped, List<String> unmatched, List<String> dropped) {}

    /** Renames {@code official}'s keys to keys of {@code targetKeys} (a Tsn state dict's names). */
    public static <V> Result<V> map(Map<String, V> official, Set<String> targetKeys) {
        Map<String, V> mapped = new LinkedHashMap<>();
        List<String> unmatched = new ArrayList<>(), dropped = new ArrayList<>();
        boolean backboneOnly = official.keySet().stream().noneMatch(k -> strip(k).startsWith("base_model.") || strip(k).startsWith("new_fc."));
        for (var e : official.entrySet()) {
            String k = strip(e.getKey());
            if (backboneOnly) {
                if (k.startsWith("fc.") || k.startsWith("classifier.")) { dropped.add(e.getKey()); continue; }
                k = "base_model." + k;
            }
            String target = resolve(k, targetKeys);
            if (target == null) unmatched.add(e.getKey());
            else mapped.put(target, e.getValue());
        }
        return new Result<>(mapped, unmatched, dropped);
    }

    /**
     * As {@link #map(Map, Set)}, and in a backbone-only file a head of its own with {@code classes} rows
     * ({@code classifier.*}, else {@code fc.*}) becomes {@code new_fc.*} instead of being dropped. That is the layout
     * of the TSM online demo's checkpoint ({@code online_demo/main.py} loads {@code mobilenetv2_jester_online.pth.tar}
     * as a bare state dict: {@code features.N.conv.K.*}, {@code classifier.weight} (27, 1280), no {@code module.} or
     * {@code base_model.} prefix and no {@code .net} wrapper). An ImageNet file's 1000-way head is still dropped
     * unless the model has 1000 classes.
     */
    public static Result<Tensor> map(Map<String, Tensor> official, Set<String> targetKeys, int classes) {
        Result<Tensor> r = map(official, targetKeys);
        if (r.dropped().isEmpty() || !targetKeys.contains("new_fc.weight")) return r;
        for (String head : new String[] {"classifier.", "fc."}) {
            List<String> keys = r.dropped().stream().filter(k -> strip(k).startsWith(head)).toList();
            Tensor weight = keys.stream().filter(k -> strip(k).equals(head + "weight")).map(official::get).findFirst().orElse(null);
            if (weight == null || weight.rank() != 2 || weight.dim(0) != classes) continue;
            Map<String, Tensor> mapped = new LinkedHashMap<>(r.mapped());
            List<String> unmatched = new ArrayList<>(r.unmatched()), dropped = new ArrayList<>(r.dropped());
            for (String k : keys) {
                String target = "new_fc." + strip(k).substring(head.length());
                if (targetKeys.contains(target)) mapped.put(target, official.get(k));
                else unmatched.add(k);
                dropped.remove(k);
            }
            return new Result<>(mapped, unmatched, dropped);
        }
        return r;
    }

    /** One key: strips DataParallel's {@code module.} prefix. */
    static String strip(String key) { return key.startsWith("module.") ? key.substring("module.".length()) : key; }

    private static String resolve(String k, Set<String> targets) {
        if (targets.contains(k)) return k;
        int dot = k.lastIndexOf('.');
        if (dot < 0) return null;
        String owner = k.substring(0, dot), leaf = k.substring(dot);
        String wrapped = owner + ".net" + leaf;                       // TSN → TSM
        if (targets.contains(wrapped)) return wrapped;
        if (owner.endsWith(".net")) {                                 // TSM → TSN
            String unwrapped = owner.substring(0, owner.length() - 4) + leaf;
            if (targets.contains(unwrapped)) return unwrapped;
        }
        return null;
    }
}
