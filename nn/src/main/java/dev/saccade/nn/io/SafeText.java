package dev.saccade.nn.io;

/**
 * Text that came from a file, made safe to print on a terminal: control characters (C0, DEL, C1 — the ESC of a
 * terminal escape sequence among them), line and paragraph separators, bidirectional overrides and lone surrogates
 * are written as {@code \xNN} / {@code \}{@code uNNNN} escapes, so a message stays one line and cannot recolour,
 * move the cursor or reorder what the user sees.
 *
 * <pre>{@code
 * SafeText.escape("evil\u001b[2Jname");      // "evil\x1b[2Jname"
 * SafeText.excerpt("x".repeat(10_000), 20); // 20 x's, then "… (9980 more characters)"
 * }</pre>
 */
public final class SafeText {
    private SafeText() {}

    /** {@code text} with every unsafe character escaped; null prints as {@code null}. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        if (isClean(text)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                b.append(c).append(text.charAt(++i));
            } else if (unsafe(c)) {
                b.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The first {@code max} characters of {@code text}, escaped, with a note of how much was left out. */
    public static String excerpt(String text, int max) {
        if (text == null || text.length() <= max) {
            return escape(text);
        }
        return escape(text.substring(0, max)) + "… (" + (text.length() - max) + " more characters)";
    }

    private static boolean isClean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c) || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == 0x2028 || c == 0x2029 // line and paragraph separators
                || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) // bidi
                || Character.isSurrogate(c); // reached only for a lone surrogate
    }
}
