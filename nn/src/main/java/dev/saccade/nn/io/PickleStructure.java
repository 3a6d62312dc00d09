package dev.saccade.nn.io;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The shape of an unpickled object graph checked in one pass over its distinct objects (iterative, so the check
 * itself cannot overflow the stack): nesting depth at most {@code maxDepth}, no container that holds itself, and
 * at most {@code maxObjects} values once shared references are expanded. Memoized references make a graph of a
 * few dozen objects stand for 2^30 of them (billion laughs); code that walks the result as a tree ({@code toString},
 * {@code equals}, a JSON writer) would hang or overflow without this.
 *
 * <p>Dict keys and set members are atoms (the unpickler refuses anything else), so only values, list and tuple
 * items are followed.
 */
final class PickleStructure {
    /** What the check found wrong, for the caller to report with file and entry. */
    record Violation(String limitName, long limitValue, String what) {}

    private PickleStructure() {}

    private static final class Frame {
        final Object node;
        final Iterator<?> children;
        long depth; // of the deepest child finished so far
        long size = 1;

        Frame(Object node, Iterator<?> children, int keys) {
            this.node = node;
            this.children = children;
            this.size += keys;
        }
    }

    /** Null when {@code root} is within the limits, else the first violation found. */
    static Violation check(Object root, ReadLimits limits) {
        Map<Object, long[]> done = new IdentityHashMap<>(); // node → {depth, expanded size}
        Map<Object, Boolean> onPath = new IdentityHashMap<>();
        ArrayDeque<Frame> path = new ArrayDeque<>();
        Frame top = open(root);
        if (top == null) {
            return null;
        }
        path.push(top);
        onPath.put(root, Boolean.TRUE);
        while (!path.isEmpty()) {
            Frame f = path.peek();
            if (f.children.hasNext()) {
                Object child = f.children.next();
                long[] known = done.get(child);
                if (known != null) {
                    f.depth = Math.max(f.depth, known[0]);
                    f.size = saturatingAdd(f.size, known[1]);
                } else if (onPath.containsKey(child)) {
                    return new Violation("maxDepth", limits.maxDepth(), "a " + kind(child)
                            + " contains itself (a cyclic structure)");
                } else {
                    Frame c = open(child);
                    if (c == null) {
                        f.size = saturatingAdd(f.size, 1);
                    } else {
                        if (path.size() >= limits.maxDepth()) {
                            return new Violation("maxDepth", limits.maxDepth(), "containers nest more than "
                                    + limits.maxDepth() + " levels deep");
                        }
                        path.push(c);
                        onPath.put(child, Boolean.TRUE);
                    }
                }
            } else {
                path.pop();
                onPath.remove(f.node);
                long depth = f.depth + 1;
                done.put(f.node, new long[] {depth, f.size});
                if (f.size > limits.maxObjects()) {
                    return new Violation("maxObjects", limits.maxObjects(), "a " + kind(f.node) + " holds "
                            + (f.size == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(f.size))
                            + " values once shared references are expanded");
                }
                Frame parent = path.peek();
                if (parent != null) {
                    parent.depth = Math.max(parent.depth, depth);
                    parent.size = saturatingAdd(parent.size, f.size);
                }
            }
        }
        return null;
    }

    /** A frame for a container, or null for a leaf. */
    private static Frame open(Object o) {
        return switch (o) {
            case Map<?, ?> m -> new Frame(o, m.values().iterator(), m.size());
            case Object[] a -> new Frame(o, Arrays.asList(a).iterator(), 0);
            case java.util.List<?> l -> new Frame(o, l.iterator(), 0);
            case Collection<?> s -> new Frame(o, Collections.emptyIterator(), s.size()); // sets: atoms only
            case null, default -> null;
        };
    }

    private static String kind(Object o) {
        return switch (o) {
            case Map<?, ?> m -> "dict";
            case Object[] a -> "tuple";
            case java.util.List<?> l -> "list";
            default -> "set";
        };
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }
}
