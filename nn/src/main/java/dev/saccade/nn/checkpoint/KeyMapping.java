package dev.saccade.nn.checkpoint;

import java.util.regex.Pattern;

/**
 * Renames the keys of an official checkpoint to saccade's state-dict names (official key → saccade key); returning
 * null drops the entry (e.g. an optimizer tensor or a head that is replaced).
 *
 * <pre>{@code
 * KeyMapping m = KeyMapping.replacePrefix("base_model.", "backbone.")
 *         .andThen(KeyMapping.replace("\\.net\\.", "."))
 *         .andThen(k -> k.startsWith("new_fc.") ? null : k);
 * }</pre>
 */
@FunctionalInterface
public interface KeyMapping {
    /** The saccade name for {@code officialKey}, or null to ignore the entry. */
    String map(String officialKey);

    /** Keys unchanged. */
    static KeyMapping identity() { return k -> k; }

    /** Replaces a leading {@code from} with {@code to}; other keys unchanged. */
    static KeyMapping replacePrefix(String from, String to) { return k -> k.startsWith(from) ? to + k.substring(from.length()) : k; }

    /** Replaces every match of the regex {@code pattern} with {@code replacement} ({@link java.util.regex.Matcher#replaceAll}). */
    static KeyMapping replace(String pattern, String replacement) {
        Pattern p = Pattern.compile(pattern);
        return k -> p.matcher(k).replaceAll(replacement);
    }

    /** This mapping, then {@code next} on its result (null stays null). */
    default KeyMapping andThen(KeyMapping next) {
        return k -> {
            String m = map(k);
            return m == null ? null : next.map(m);
        };
    }
}
