package dev.saccade.nn.optim;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.LayerNorm;
import dev.saccade.nn.layers.Linear;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parameter groups of TSN/TSM ({@code get_optim_policies}) and ACTION-Net (the same plus {@code custom_ops}),
 * built from a module tree. Modules are visited in registration order (PyTorch's {@code modules()} order):
 *
 * <table>
 *   <caption>groups, in this order</caption>
 *   <tr><th>group</th><th>holds</th><th>lr ×</th><th>decay ×</th></tr>
 *   <tr><td>first_conv_weight</td><td>weight of the first {@link Conv}</td><td>1 (5 for Flow)</td><td>1</td></tr>
 *   <tr><td>first_conv_bias</td><td>its bias</td><td>2</td><td>0</td></tr>
 *   <tr><td>normal_weight</td><td>other Conv / Linear weights</td><td>1</td><td>1</td></tr>
 *   <tr><td>normal_bias</td><td>other Conv / Linear biases</td><td>2</td><td>0</td></tr>
 *   <tr><td>bn</td><td>BatchNorm (and LayerNorm) scale and shift</td><td>1</td><td>0</td></tr>
 *   <tr><td>custom_ops</td><td>parameters matching the custom pattern (ACTION-Net's learnable shift)</td><td>1</td><td>1</td></tr>
 *   <tr><td>lr5_weight</td><td>new fc weight, when fcLr5</td><td>5</td><td>1</td></tr>
 *   <tr><td>lr10_bias</td><td>new fc bias, when fcLr5</td><td>10</td><td>0</td></tr>
 * </table>
 *
 * Reference: docs/MODELS.md §2.3 (TSM {@code ops/models.py get_optim_policies}) and §4.1 (ACTION-Net custom weights).
 * Differences from the official code, on purpose: the new fc is named by a module-name pattern rather than "every
 * Linear" (TSM puts every {@code nn.Linear} into lr5 when {@code fc_lr5}, which only coincides when the fc is the only
 * Linear); LayerNorm joins the BN group instead of being rejected. Parameters that do not require grad (frozen
 * partial-BN layers) are skipped. Every remaining parameter lands in exactly one group; a parameter of any other
 * module type is an error naming it (TSM: "New atomic module type"). Groups are kept even when empty so their order
 * is fixed.
 *
 * <pre>{@code
 * List<ParamGroup> groups = TsnPolicies.tsm(model, "new_fc", true);
 * List<ParamGroup> action = TsnPolicies.action(model, "new_fc", true, ".*\\.action_shift\\.weight");
 * Sgd sgd = new Sgd(groups, 0.01, 0.9, 5e-4, false);
 * }</pre>
 */
public final class TsnPolicies {
    public static final String FIRST_CONV_WEIGHT = "first_conv_weight", FIRST_CONV_BIAS = "first_conv_bias",
            NORMAL_WEIGHT = "normal_weight", NORMAL_BIAS = "normal_bias", BN = "bn", CUSTOM = "custom_ops",
            LR5_WEIGHT = "lr5_weight", LR10_BIAS = "lr10_bias";

    /**
     * What decides the groups.
     *
     * @param newFcModule      regex matching the full dotted name of the new classifier module (e.g. {@code new_fc})
     * @param fcLr5            new fc weight ×5 and bias ×10 (TSM {@code fc_lr5}); otherwise it is an ordinary Linear
     * @param customParameters regex matching full dotted parameter names of the custom group, or null for none
     * @param firstConvLrMult  lr multiplier of the first conv weight: 1 for RGB, 5 for Flow
     */
    public record Options(String newFcModule, boolean fcLr5, String customParameters, double firstConvLrMult) {}

    private TsnPolicies() {}

    /** TSN/TSM groups for RGB input. */
    public static List<ParamGroup> tsm(Module model, String newFcModule, boolean fcLr5) {
        return build(model, new Options(newFcModule, fcLr5, null, 1));
    }

    /** ACTION-Net groups: TSM's plus {@code custom_ops} (lr ×1, decay ×1) for parameters matching {@code customParameters}. */
    public static List<ParamGroup> action(Module model, String newFcModule, boolean fcLr5, String customParameters) {
        return build(model, new Options(newFcModule, fcLr5, customParameters, 1));
    }

    public static List<ParamGroup> build(Module model, Options options) {
        Pattern fc = Pattern.compile(options.newFcModule());
        Pattern custom = options.customParameters() == null ? null : Pattern.compile(options.customParameters());
        Map<String, List<Tensor>> lists = new LinkedHashMap<>();
        for (String g : List.of(FIRST_CONV_WEIGHT, FIRST_CONV_BIAS, NORMAL_WEIGHT, NORMAL_BIAS, BN, CUSTOM, LR5_WEIGHT, LR10_BIAS)) {
            lists.put(g, new ArrayList<>());
        }
        Map<Tensor, String> placed = new IdentityHashMap<>();            // parameter → its full name
        boolean firstConvSeen = false;
        for (var entry : model.namedModules().entrySet()) {
            String moduleName = entry.getKey();
            Module m = entry.getValue();
            String prefix = moduleName.isEmpty() ? "" : moduleName + ".";
            boolean isConv = m instanceof Conv;
            boolean hasOwnNonCustom = false;
            for (var p : m.namedParameters().entrySet()) {
                if (p.getKey().contains(".")) continue;                  // a child's parameter, placed with the child
                String fullName = prefix + p.getKey();
                Tensor t = p.getValue();
                if (!t.requiresGrad()) continue;
                String group;
                if (custom != null && custom.matcher(fullName).matches()) {
                    group = CUSTOM;
                } else {
                    hasOwnNonCustom = true;
                    boolean isWeight = p.getKey().equals("weight"), isBias = p.getKey().equals("bias");
                    if (m instanceof Linear && fc.matcher(moduleName).matches() && options.fcLr5()) {
                        group = isWeight ? LR5_WEIGHT : LR10_BIAS;
                    } else if (isConv && !firstConvSeen) {
                        group = isWeight ? FIRST_CONV_WEIGHT : FIRST_CONV_BIAS;
                    } else if (isConv || m instanceof Linear) {
                        group = isWeight ? NORMAL_WEIGHT : NORMAL_BIAS;
                    } else if (m instanceof BatchNorm || m instanceof LayerNorm) {
                        group = BN;
                    } else {
                        throw new IllegalArgumentException("optimizer policies: parameter '" + fullName + "' belongs to a "
                                + m.getClass().getSimpleName() + ", which has no policy (not Conv, Linear, BatchNorm or LayerNorm"
                                + (custom == null ? "" : ", and it does not match the custom pattern '" + custom + "'") + ")");
                    }
                    if ((isConv || m instanceof Linear) && !isWeight && !isBias) {
                        throw new IllegalArgumentException("optimizer policies: unexpected parameter '" + fullName + "' in " + m.describe());
                    }
                }
                String previous = placed.put(t, fullName);
                if (previous != null) {
                    throw new IllegalArgumentException("optimizer policies: parameter '" + fullName + "' is the same tensor as '" + previous + "' (shared parameters are not supported)");
                }
                lists.get(group).add(t);
            }
            if (isConv && hasOwnNonCustom) firstConvSeen = true;
        }
        checkEveryParameterPlaced(model, placed);
        double firstLr = options.firstConvLrMult();
        List<ParamGroup> groups = new ArrayList<>();
        groups.add(new ParamGroup(FIRST_CONV_WEIGHT, lists.get(FIRST_CONV_WEIGHT), firstLr, 1));
        groups.add(new ParamGroup(FIRST_CONV_BIAS, lists.get(FIRST_CONV_BIAS), 2 * firstLr, 0));
        groups.add(new ParamGroup(NORMAL_WEIGHT, lists.get(NORMAL_WEIGHT), 1, 1));
        groups.add(new ParamGroup(NORMAL_BIAS, lists.get(NORMAL_BIAS), 2, 0));
        groups.add(new ParamGroup(BN, lists.get(BN), 1, 0));
        if (custom != null) groups.add(new ParamGroup(CUSTOM, lists.get(CUSTOM), 1, 1));
        groups.add(new ParamGroup(LR5_WEIGHT, lists.get(LR5_WEIGHT), 5, 1));
        groups.add(new ParamGroup(LR10_BIAS, lists.get(LR10_BIAS), 10, 0));
        return groups;
    }

    /** Every trainable parameter of {@code model} must have been placed exactly once. */
    private static void checkEveryParameterPlaced(Module model, Map<Tensor, String> placed) {
        List<String> missing = new ArrayList<>();
        int trainable = 0;
        for (var e : model.namedParameters().entrySet()) {
            if (!e.getValue().requiresGrad()) continue;
            trainable++;
            if (!placed.containsKey(e.getValue())) missing.add(e.getKey());
        }
        if (!missing.isEmpty() || trainable != placed.size()) {
            throw new IllegalStateException("optimizer policies: " + trainable + " trainable parameters but " + placed.size() + " placed; not placed: " + missing);
        }
    }
}
