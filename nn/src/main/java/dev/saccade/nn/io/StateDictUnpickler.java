package dev.saccade.nn.io;

import dev.saccade.nn.io.TorchGlobals.Callable;
import dev.saccade.nn.io.TorchGlobals.OrderedDict;
import dev.saccade.nn.io.TorchGlobals.PickleGlobal;
import dev.saccade.nn.io.TorchGlobals.StorageRef;
import dev.saccade.nn.io.TorchGlobals.StorageType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleUtils;

/**
 * A pickle machine for PyTorch state dicts with explicit budgets ({@link ReadLimits}) and a whitelist of globals
 * ({@link TorchGlobals}). It interprets every opcode of protocols 0–5 itself (opcode table: CPython
 * {@code Lib/pickletools.py}); razorvine's {@code Opcodes} names them and its {@code PickleUtils} decodes escaped
 * protocol-0 strings.
 *
 * <p>Why not razorvine's {@code Unpickler}: its opcode handlers are package-private, so a subclass can only run or
 * replace a whole opcode. Bounding it from outside means re-parsing each opcode's argument before delegating
 * (text lines read without a length limit, {@code LONG4}/{@code BINBYTES} lengths allocated as claimed, the memo an
 * unbounded map, dicts and sets hashed with whatever keys arrive, type confusion surfacing as
 * {@code ClassCastException}), which is the same code as reading the argument here, plus a second pass.
 *
 * <p>Budgets: every pushed value counts toward {@code maxObjects}; memo entries toward {@code maxMemo}; each
 * {@code str}/{@code bytes} is at most {@code maxStringBytes}; integers at most {@code maxIntegerDigits} (text) or
 * {@code maxIntegerBytes} (binary); a length prefix larger than what is left is truncation, found before any
 * allocation. Dict keys and set members must be atoms ({@code str, int, float, bool, None}) of one type per dict, so
 * hashing is linear in the key and colliding keys stay in {@link HashMap}'s balanced tree bins. When STOP is reached
 * the result's depth, cycles and expanded size are checked ({@link PickleStructure}). Nothing is ever executed: a
 * disallowed global fails the moment it is named, and {@code INST/OBJ/NEWOBJ_EX/EXT*}, text {@code PERSID} and
 * out-of-band buffers are refused.
 *
 * <p>Results: {@code Map} (dicts, insertion-ordered), {@code List}, {@code Object[]} (tuples), {@code Set},
 * {@code Integer/Long/BigInteger}, {@code Double}, {@code String}, {@code byte[]}, {@code Boolean}, {@code null},
 * {@link RawArray} (tensors).
 */
final class StateDictUnpickler {
    /** Storage bytes by key: the zip entry {@code <archive>/data/<key>}. */
    interface StorageSource {
        ByteBuffer bytes(String key, ArrayDType dtype, long numel) throws IOException;
    }

    /** Longest GLOBAL module or name line and memo-index line. */
    private static final int MAX_NAME_BYTES = 1024;
    private static final int HIGHEST_PROTOCOL = 5;
    private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private final Path file;
    private final String pickleEntry;
    private final ReadLimits limits;
    private final StorageSource storages;
    private final Map<String, StorageRef> loaded = new HashMap<>();
    private final TorchGlobals.Context context = new TorchGlobals.Context() {
        @Override
        public ArrayFileException error(String message) {
            return StateDictUnpickler.this.error(message);
        }

        @Override
        public void chargeTensorBytes(long bytes) throws ArrayFileException {
            StateDictUnpickler.this.chargeTensorBytes(bytes);
        }
    };

    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[16]; // stack sizes at each MARK (CPython's metastack)
    private int markCount;
    private final HashMap<Long, Object> memo = new HashMap<>();
    private long objects;
    private long storageBytes;
    private long tensorBytes;
    private PickleInput in;
    private int opcodeAt;
    private int opcode;

    StateDictUnpickler(Path file, String pickleEntry, ReadLimits limits, StorageSource storages) {
        this.file = file;
        this.pickleEntry = pickleEntry;
        this.limits = limits;
        this.storages = storages;
    }

    /** Unpickles {@code pickle} (the whole {@code data.pkl}) into the result types of the class comment. */
    Object load(byte[] pickle) throws IOException {
        in = new PickleInput(pickle);
        try {
            while (true) {
                if (in.remaining() == 0) {
                    throw new ArrayFileException(file, pickleEntry + ": truncated pickle: ends after "
                            + pickle.length + " bytes without a STOP opcode");
                }
                opcodeAt = in.position();
                opcode = in.u8();
                if (opcode == Opcodes.STOP) {
                    Object result = pop();
                    PickleStructure.Violation v = PickleStructure.check(result, limits);
                    if (v != null) {
                        throw ArrayFileException.overLimit(file, pickleEntry, v.limitName(), v.limitValue(), v.what());
                    }
                    return result;
                }
                step();
            }
        } catch (PickleInput.Truncated e) {
            throw error(e.getMessage());
        }
    }

    private void step() throws IOException, PickleInput.Truncated {
        switch (opcode) {
            // ---- stack and memo
            case Opcodes.MARK -> mark();
            case Opcodes.POP -> {
                if (stack.size() > markBase()) {
                    pop();
                } else {
                    popMark(); // CPython: POP on an empty frame discards the mark
                }
            }
            case Opcodes.POP_MARK -> popMark();
            case Opcodes.DUP -> push(peek());
            case Opcodes.PUT -> memoPut(memoIndex(textLine(MAX_NAME_BYTES, "memo index")));
            case Opcodes.BINPUT -> memoPut(in.u8());
            case Opcodes.LONG_BINPUT -> memoPut(in.uLE(4));
            case Opcodes.MEMOIZE -> memoPut(memo.size());
            case Opcodes.GET -> push(memoGet(memoIndex(textLine(MAX_NAME_BYTES, "memo index"))));
            case Opcodes.BINGET -> push(memoGet(in.u8()));
            case Opcodes.LONG_BINGET -> push(memoGet(in.uLE(4)));
            case Opcodes.PROTO -> {
                int proto = in.u8();
                if (proto > HIGHEST_PROTOCOL) {
                    throw error("unsupported pickle protocol " + proto);
                }
            }
            case Opcodes.FRAME -> in.uLE(8); // a hint for buffered readers; the whole pickle is in memory
            // ---- atoms
            case Opcodes.NONE -> push(null);
            case Opcodes.NEWTRUE -> push(Boolean.TRUE);
            case Opcodes.NEWFALSE -> push(Boolean.FALSE);
            case Opcodes.INT -> push(textInt(false));
            case Opcodes.LONG -> push(textInt(true));
            case Opcodes.BININT -> push(in.i32());
            case Opcodes.BININT1 -> push(in.u8());
            case Opcodes.BININT2 -> push((int) in.uLE(2));
            case Opcodes.LONG1 -> push(binaryLong(in.u8()));
            case Opcodes.LONG4 -> push(binaryLong(in.i32()));
            case Opcodes.FLOAT -> push(textFloat());
            case Opcodes.BINFLOAT -> push(in.f64BE());
            case Opcodes.STRING -> push(quotedString());
            case Opcodes.BINSTRING -> push(PickleUtils.rawStringFromBytes(sized(in.i32(), "BINSTRING")));
            case Opcodes.SHORT_BINSTRING -> push(PickleUtils.rawStringFromBytes(sized(in.u8(), "SHORT_BINSTRING")));
            case Opcodes.UNICODE -> push(unicodeEscaped());
            case Opcodes.BINUNICODE -> push(utf8(sized(in.uLE(4), "BINUNICODE")));
            case Opcodes.SHORT_BINUNICODE -> push(utf8(sized(in.u8(), "SHORT_BINUNICODE")));
            case Opcodes.BINUNICODE8 -> push(utf8(sized(in.uLE(8), "BINUNICODE8")));
            case Opcodes.BINBYTES -> push(sized(in.uLE(4), "BINBYTES"));
            case Opcodes.SHORT_BINBYTES -> push(sized(in.u8(), "SHORT_BINBYTES"));
            case Opcodes.BINBYTES8 -> push(sized(in.uLE(8), "BINBYTES8"));
            case Opcodes.BYTEARRAY8 -> push(sized(in.uLE(8), "BYTEARRAY8"));
            // ---- containers
            case Opcodes.EMPTY_TUPLE -> push(new Object[0]);
            case Opcodes.TUPLE1 -> push(new Object[] {pop()});
            case Opcodes.TUPLE2 -> {
                Object b = pop();
                push(new Object[] {pop(), b});
            }
            case Opcodes.TUPLE3 -> {
                Object c = pop();
                Object b = pop();
                push(new Object[] {pop(), b, c});
            }
            case Opcodes.TUPLE -> push(popMark().toArray());
            case Opcodes.EMPTY_LIST -> push(new ArrayList<>());
            case Opcodes.LIST -> push(new ArrayList<>(popMark()));
            case Opcodes.APPEND -> {
                Object value = pop();
                asList(peek()).add(value);
            }
            case Opcodes.APPENDS -> {
                List<Object> items = popMark();
                asList(peek()).addAll(items);
            }
            case Opcodes.EMPTY_DICT -> push(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                List<Object> items = popMark();
                Map<Object, Object> d = new LinkedHashMap<>();
                putAll(d, items);
                push(d);
            }
            case Opcodes.SETITEM -> {
                Object value = pop();
                Object key = pop();
                put(asMap(peek()), key, value);
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = popMark();
                putAll(asMap(peek()), items);
            }
            case Opcodes.EMPTY_SET -> push(new LinkedHashSet<>());
            case Opcodes.ADDITEMS -> {
                List<Object> items = popMark();
                Set<Object> set = asSet(peek());
                for (Object item : items) {
                    add(set, item);
                }
            }
            case Opcodes.FROZENSET -> {
                Set<Object> set = new LinkedHashSet<>();
                for (Object item : popMark()) {
                    add(set, item);
                }
                push(Collections.unmodifiableSet(set));
            }
            // ---- globals, calls, persistent ids: the whitelist
            case Opcodes.GLOBAL -> {
                String module = textLine(MAX_NAME_BYTES, "GLOBAL module");
                String name = textLine(MAX_NAME_BYTES, "GLOBAL name");
                push(resolve(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw error("STACK_GLOBAL with module " + PickleText.describe(module) + " and name "
                            + PickleText.describe(name) + ", not two strings");
                }
                push(resolve(m, n));
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object args = pop();
                Object callable = pop();
                if (!(callable instanceof Callable c)) {
                    throw error("pickle calls " + PickleText.describe(callable) + ", which is not callable here");
                }
                if (!(args instanceof Object[] a)) {
                    throw error("pickle calls " + c.qualifiedName() + " with non-tuple arguments "
                            + PickleText.describe(args));
                }
                push(c.body().call(a, context));
            }
            case Opcodes.BUILD -> {
                Object state = pop();
                Object target = peek();
                if (!(target instanceof OrderedDict)) {
                    throw error("pickle sets the state of " + PickleText.describe(target)
                            + "; only OrderedDict attributes (_metadata) are accepted");
                }
                // state is the OrderedDict's __dict__ (state_dict()._metadata: per-module versions); not needed.
            }
            case Opcodes.BINPERSID -> push(persistent(pop()));
            case Opcodes.INST, Opcodes.OBJ, Opcodes.NEWOBJ_EX, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4,
                 Opcodes.PERSID -> throw error("pickle opcode 0x" + Integer.toHexString(opcode)
                    + " (object construction outside the whitelist) is not allowed in a state dict");
            case Opcodes.NEXT_BUFFER, Opcodes.READONLY_BUFFER -> throw error("pickle opcode 0x"
                    + Integer.toHexString(opcode) + " (out-of-band buffer) is not allowed in a checkpoint");
            default -> throw error("unknown pickle opcode 0x" + Integer.toHexString(opcode)
                    + " (corrupt pickle)");
        }
    }

    // ---- stack

    private void push(Object o) throws ArrayFileException {
        if (++objects > limits.maxObjects()) {
            throw overLimit("maxObjects", limits.maxObjects(), "more than " + limits.maxObjects() + " values");
        }
        stack.add(o);
    }

    private Object pop() throws ArrayFileException {
        if (stack.size() <= markBase()) {
            throw error("stack underflow (corrupt pickle)");
        }
        return stack.removeLast();
    }

    private Object peek() throws ArrayFileException {
        if (stack.size() <= markBase()) {
            throw error("stack underflow (corrupt pickle)");
        }
        return stack.getLast();
    }

    private int markBase() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private void mark() throws ArrayFileException {
        if (++objects > limits.maxObjects()) {
            throw overLimit("maxObjects", limits.maxObjects(), "more than " + limits.maxObjects() + " values");
        }
        if (markCount == marks.length) {
            marks = Arrays.copyOf(marks, marks.length * 2);
        }
        marks[markCount++] = stack.size();
    }

    /** The items above the latest MARK, removed from the stack together with the mark. */
    private List<Object> popMark() throws ArrayFileException {
        if (markCount == 0) {
            throw error("no MARK on the stack (corrupt pickle)");
        }
        int base = marks[--markCount];
        List<Object> top = stack.subList(base, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    // ---- memo

    private long memoIndex(String text) throws ArrayFileException {
        String t = text.strip();
        if (!DECIMAL.matcher(t).matches() || t.length() > 12) {
            throw error("malformed memo index " + PickleText.describe(text));
        }
        return Long.parseLong(t);
    }

    private void memoPut(long index) throws ArrayFileException {
        Object value = peek();
        if (memo.put(index, value) == null && memo.size() > limits.maxMemo()) {
            throw overLimit("maxMemo", limits.maxMemo(), "more than " + limits.maxMemo() + " memo entries");
        }
    }

    private Object memoGet(long index) throws ArrayFileException {
        Object value = memo.get(index);
        if (value == null && !memo.containsKey(index)) {
            throw error("memo entry " + index + " is read before it is written (corrupt pickle)");
        }
        return value;
    }

    // ---- atoms

    private String textLine(int max, String what) throws ArrayFileException, PickleInput.Truncated {
        try {
            return in.line(max, what);
        } catch (PickleInput.LineTooLong e) {
            throw error(what + " line longer than " + max + " bytes (corrupt pickle)");
        }
    }

    /** INT ({@code I01}/{@code I00} are True/False in protocol 0) or LONG (a trailing {@code L}). */
    private Object textInt(boolean isLong) throws ArrayFileException, PickleInput.Truncated {
        String what = isLong ? "LONG" : "INT";
        String line;
        try {
            line = in.line(limits.maxIntegerDigits() + 2, what);
        } catch (PickleInput.LineTooLong e) {
            throw overLimit("maxIntegerDigits", limits.maxIntegerDigits(), what + " with more than "
                    + limits.maxIntegerDigits() + " digits");
        }
        if (!isLong && line.equals("01")) {
            return Boolean.TRUE;
        }
        if (!isLong && line.equals("00")) {
            return Boolean.FALSE;
        }
        String t = line.strip();
        if (isLong && t.endsWith("L")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!DECIMAL.matcher(t).matches()) {
            throw error("malformed " + what + " " + PickleText.describe(line) + " (not a decimal integer)");
        }
        if (t.length() > limits.maxIntegerDigits() + 1) {
            throw overLimit("maxIntegerDigits", limits.maxIntegerDigits(), what + " with " + t.length() + " digits");
        }
        return PickleUtils.optimizeBigint(new BigInteger(t));
    }

    private Object binaryLong(int length) throws ArrayFileException, PickleInput.Truncated {
        if (length < 0) {
            throw error("LONG4 with negative length " + length + " (corrupt pickle)");
        }
        if (length > limits.maxIntegerBytes()) {
            throw overLimit("maxIntegerBytes", limits.maxIntegerBytes(), "an integer of " + length + " bytes");
        }
        byte[] le = in.take(length, "an integer");
        if (le.length == 0) {
            return 0;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return PickleUtils.optimizeBigint(new BigInteger(be));
    }

    private double textFloat() throws ArrayFileException, PickleInput.Truncated {
        String line = textLine(MAX_NAME_BYTES, "FLOAT").strip();
        switch (line.toLowerCase(java.util.Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            default -> {
                if (!FLOAT.matcher(line).matches()) {
                    throw error("malformed FLOAT " + PickleText.describe(line) + " (not a decimal number)");
                }
                return Double.parseDouble(line);
            }
        }
    }

    /** The next {@code length} bytes of a str/bytes opcode, within {@code maxStringBytes}. */
    private byte[] sized(long length, String what) throws ArrayFileException, PickleInput.Truncated {
        if (length < 0 || length > limits.maxStringBytes()) {
            throw overLimit("maxStringBytes", limits.maxStringBytes(), what + " of "
                    + Long.toUnsignedString(length) + " bytes");
        }
        return in.take(length, what);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** STRING: a quoted, backslash-escaped protocol-0 string. */
    private String quotedString() throws ArrayFileException, PickleInput.Truncated {
        String line = stringLine("STRING");
        if (line.length() < 2 || (line.charAt(0) != '\'' && line.charAt(0) != '"')
                || line.charAt(line.length() - 1) != line.charAt(0)) {
            throw error("malformed STRING " + PickleText.describe(line) + " (not quoted)");
        }
        try {
            return PickleUtils.decode_escaped(line.substring(1, line.length() - 1));
        } catch (RuntimeException e) {
            throw error("malformed STRING " + PickleText.describe(line) + " (bad escape)");
        }
    }

    /** UNICODE: a raw-unicode-escape protocol-0 string. */
    private String unicodeEscaped() throws ArrayFileException, PickleInput.Truncated {
        String line = stringLine("UNICODE");
        try {
            return PickleUtils.decode_unicode_escaped(line);
        } catch (RuntimeException e) {
            throw error("malformed UNICODE " + PickleText.describe(line) + " (bad escape)");
        }
    }

    private String stringLine(String what) throws ArrayFileException, PickleInput.Truncated {
        try {
            return in.line(limits.maxStringBytes(), what);
        } catch (PickleInput.LineTooLong e) {
            throw overLimit("maxStringBytes", limits.maxStringBytes(), what + " longer than "
                    + limits.maxStringBytes() + " bytes");
        }
    }

    // ---- containers

    private List<Object> asList(Object o) throws ArrayFileException {
        if (!(o instanceof ArrayList<?>)) {
            throw error("APPEND(S) on " + PickleText.describe(o) + ", which is not a list");
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) o;
        return list;
    }

    private Map<Object, Object> asMap(Object o) throws ArrayFileException {
        if (!(o instanceof LinkedHashMap<?, ?>)) {
            throw error("SETITEM(S) on " + PickleText.describe(o) + ", which is not a dict");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) o;
        return map;
    }

    private Set<Object> asSet(Object o) throws ArrayFileException {
        if (!(o instanceof LinkedHashSet<?>)) {
            throw error("ADDITEMS on " + PickleText.describe(o) + ", which is not a set");
        }
        @SuppressWarnings("unchecked")
        Set<Object> set = (Set<Object>) o;
        return set;
    }

    private void putAll(Map<Object, Object> d, List<Object> items) throws ArrayFileException {
        if (items.size() % 2 != 0) {
            throw error("dict items of odd length " + items.size() + " (corrupt pickle)");
        }
        for (int i = 0; i < items.size(); i += 2) {
            put(d, items.get(i), items.get(i + 1));
        }
    }

    private void put(Map<Object, Object> d, Object key, Object value) throws ArrayFileException {
        checkKey(d.isEmpty() ? null : d.keySet().iterator().next(), !d.isEmpty(), key, "dict key");
        d.put(key, value);
    }

    private void add(Set<Object> set, Object item) throws ArrayFileException {
        checkKey(set.isEmpty() ? null : set.iterator().next(), !set.isEmpty(), item, "set member");
        set.add(item);
    }

    /**
     * Keys are atoms of one type per dict: hashing costs the key's length, and colliding keys of one
     * {@link Comparable} class stay in balanced tree bins, so no key set makes insertion quadratic.
     */
    private void checkKey(Object first, boolean hasFirst, Object key, String what) throws ArrayFileException {
        String kind = atomKind(key);
        if (kind == null) {
            throw error(what + " " + PickleText.describe(key) + " is not a str, int, float, bool or None "
                    + "(containers as keys are not accepted in a checkpoint)");
        }
        if (hasFirst && !kind.equals(atomKind(first))) {
            throw error(what + " " + PickleText.describe(key) + " is a " + kind + " but the first is a "
                    + atomKind(first) + " (one key type per dict in a checkpoint)");
        }
    }

    private static String atomKind(Object o) {
        return switch (o) {
            case null -> "None";
            case String s -> "str";
            case Integer i -> "int";
            case Long l -> "int beyond 32 bits";
            case BigInteger b -> "int beyond 64 bits";
            case Double d -> "float";
            case Boolean b -> "bool";
            default -> null;
        };
    }

    // ---- whitelist

    private PickleGlobal resolve(String module, String name) throws ArrayFileException {
        PickleGlobal g = TorchGlobals.lookup(module, name);
        if (g == null) {
            throw new ArrayFileException(file, pickleEntry + " references global '"
                    + SafeText.excerpt(module + "." + name, 200) + "', which is not allowed in a state dict"
                    + " (allowed: " + String.join(", ", TorchGlobals.allowedNames()) + ")");
        }
        return g;
    }

    /** Persistent id {@code ('storage', storage_type, key, location, numel)} → the storage, read once per key. */
    private StorageRef persistent(Object pid) throws IOException {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                || !(t[1] instanceof StorageType type) || !(t[2] instanceof String storageKey)
                || !(t[4] instanceof Integer || t[4] instanceof Long) || ((Number) t[4]).longValue() < 0) {
            throw error("unsupported persistent id " + PickleText.describe(pid)
                    + "; expected ('storage', torch.<Type>Storage, key, location, numel)");
        }
        StorageRef known = loaded.get(storageKey);
        if (known != null) {
            if (known.dtype() != type.dtype()) {
                throw error("storage '" + SafeText.excerpt(storageKey, 100) + "' is used as both " + known.dtype()
                        + " and " + type.dtype());
            }
            return known;
        }
        long numel = ((Number) t[4]).longValue();
        if (numel > (Integer.MAX_VALUE - 16) / type.dtype().byteSize()) {
            throw error("storage '" + SafeText.excerpt(storageKey, 100) + "' of " + numel + " " + type.dtype()
                    + " elements is larger than 2 GiB");
        }
        StorageRef ref = new StorageRef(type.dtype(), storageKey, numel, storages.bytes(storageKey, type.dtype(), numel));
        storageBytes += numel * type.dtype().byteSize();
        loaded.put(storageKey, ref);
        return ref;
    }

    /** Tensor copies are bounded by the storage bytes they view: {@code maxViewExpansion}. */
    private void chargeTensorBytes(long bytes) throws ArrayFileException {
        tensorBytes += bytes;
        long allowed = storageBytes * limits.maxViewExpansion() + ReadLimits.VIEW_GRACE_BYTES;
        if (tensorBytes > allowed) {
            throw overLimit("maxViewExpansion", limits.maxViewExpansion(), "tensors copied out of storage views "
                    + "take " + tensorBytes + " bytes, more than " + limits.maxViewExpansion() + " × the "
                    + storageBytes + " storage bytes they view + " + ReadLimits.VIEW_GRACE_BYTES);
        }
    }

    // ---- errors

    private ArrayFileException error(String message) {
        return ArrayFileException.inEntry(file, pickleEntry, message + where());
    }

    private ArrayFileException overLimit(String limit, long value, String what) {
        return ArrayFileException.overLimit(file, pickleEntry, limit, value, what + where());
    }

    private String where() {
        return " at byte " + opcodeAt + " (opcode 0x" + Integer.toHexString(opcode) + ")";
    }
}
