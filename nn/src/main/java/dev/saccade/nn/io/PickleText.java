package dev.saccade.nn.io;

import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Short, bounded descriptions of unpickled values for error messages: at most two levels of nesting and four items
 * per tuple are shown, strings are cut at {@value #MAX_STRING} characters and escaped, containers are described by
 * their size. Describing a shared (billion-laughs) or cyclic structure therefore costs a few hundred characters.
 */
final class PickleText {
    static final int MAX_STRING = 60;
    private static final int MAX_ITEMS = 4;
    private static final int MAX_DEPTH = 2;

    private PickleText() {}

    static String describe(Object o) {
        StringBuilder b = new StringBuilder();
        describe(o, 0, b);
        return b.toString();
    }

    private static void describe(Object o, int depth, StringBuilder b) {
        switch (o) {
            case null -> b.append("None");
            case Object[] a -> {
                if (depth >= MAX_DEPTH) {
                    b.append("tuple of ").append(a.length);
                    return;
                }
                b.append('(');
                for (int i = 0; i < Math.min(a.length, MAX_ITEMS); i++) {
                    b.append(i == 0 ? "" : ", ");
                    describe(a[i], depth + 1, b);
                }
                b.append(a.length > MAX_ITEMS ? ", … " + (a.length - MAX_ITEMS) + " more)" : a.length == 1 ? ",)" : ")");
            }
            case TorchGlobals.PickleGlobal g -> b.append(g.qualifiedName());
            case TorchGlobals.StorageRef s -> b.append("storage '").append(SafeText.excerpt(s.key(), MAX_STRING)).append('\'');
            case Map<?, ?> m -> b.append("dict of ").append(m.size());
            case java.util.List<?> l -> b.append("list of ").append(l.size());
            case Collection<?> c -> b.append("set of ").append(c.size());
            case String s -> b.append('\'').append(SafeText.excerpt(s, MAX_STRING)).append('\'');
            case byte[] bytes -> b.append("bytes of ").append(bytes.length);
            case BigInteger i -> b.append(SafeText.excerpt(i.toString(), MAX_STRING));
            default -> b.append(SafeText.excerpt(String.valueOf(o), MAX_STRING));
        }
    }
}
