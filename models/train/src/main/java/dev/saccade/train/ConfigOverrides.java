package dev.saccade.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Applies {@code key=value} overrides to a {@link TrainConfig}, by JSON field name, dotted for nested records
 * ({@code dataset.root=/data/jester}). Values are typed by the field they replace: numbers, booleans, {@code null},
 * and comma-separated lists for list fields ({@code lrSteps=20,40}). An unknown key is an error listing the fields.
 *
 * <pre>{@code
 * TrainConfig c = ConfigOverrides.apply(Presets.get("action-jester"), List.of("epochs=2", "lrSteps=1", "dataset.root=/d"));
 * }</pre>
 */
public final class ConfigOverrides {
    private ConfigOverrides() {}

    public static TrainConfig apply(TrainConfig base, List<String> overrides) {
        ObjectMapper json = TrainConfig.mapper();
        ObjectNode root = json.valueToTree(base);
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("override '" + o + "' must be key=value, e.g. epochs=5");
            set(root, o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        try {
            return json.treeToValue(root, TrainConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            Throwable cause = rootCause(e);
            String why = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException("overrides " + overrides + " give an invalid config: " + why, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("overrides " + overrides + " give an invalid config: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) { return rootCause(e).getMessage(); }

    private static Throwable rootCause(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e;
    }

    private static void set(ObjectNode root, String key, String value) {
        if (key.startsWith("modelOptions.")) {
            // Free-form model switches: everything after the prefix is the option name (it may contain dots).
            JsonNode opts = root.get("modelOptions");
            ObjectNode o = opts instanceof ObjectNode obj ? obj : root.putObject("modelOptions");
            o.put(key.substring("modelOptions.".length()), value);
            return;
        }
        String[] path = key.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            if (!(child instanceof ObjectNode obj)) throw unknown(key, node);
            node = obj;
        }
        String field = path[path.length - 1];
        if (!node.has(field)) throw unknown(key, node);
        node.set(field, typed(key, node.get(field), value));
    }

    private static IllegalArgumentException unknown(String key, ObjectNode node) {
        List<String> fields = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(fields::add);
        return new IllegalArgumentException("unknown config key '" + key + "'; fields here: " + fields);
    }

    private static JsonNode typed(String key, JsonNode current, String value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value.equals("null")) return f.nullNode();
        try {
            if (current.isArray()) {
                ArrayNode a = f.arrayNode();
                String v = value.replace("[", "").replace("]", "").trim();
                if (!v.isEmpty()) for (String part : v.split(",")) a.add(Integer.parseInt(part.trim()));
                return a;
            }
            if (current.isBoolean()) {
                if (!value.equals("true") && !value.equals("false")) throw new NumberFormatException();
                return f.booleanNode(Boolean.parseBoolean(value));
            }
            if (current.isIntegralNumber()) return f.numberNode(Long.parseLong(value));
            if (current.isNumber()) return f.numberNode(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("config key '" + key + "' expects " + current.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + " like " + current + ", got '" + value + "'");
        }
        return f.textNode(value);
    }
}
