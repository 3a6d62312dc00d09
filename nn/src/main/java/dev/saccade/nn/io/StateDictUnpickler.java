package dev.saccade.nn.io;

import dev.saccade.nn.io.TorchGlobals.Callable;
import dev.saccade.nn.io.TorchGlobals.OrderedDict;
import dev.saccade.nn.io.TorchGlobals.PickleGlobal;
import dev.saccade.nn.io.TorchGlobals.StorageRef;
import dev.saccade.nn.io.TorchGlobals.StorageType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * A pickle reader that only knows the globals in {@link TorchGlobals}: every opcode that names or calls a global
 * ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code REDUCE}, {@code NEWOBJ}, {@code BUILD}, {@code BINPERSID}) is
 * handled here and checked against the whitelist; opcodes that could instantiate arbitrary classes ({@code INST},
 * {@code OBJ}, {@code NEWOBJ_EX}, {@code EXT1/2/4}, text {@code PERSID}) are refused. Data opcodes (ints, floats,
 * strings, tuples, lists, memo) are left to razorvine's {@link Unpickler}. Dicts keep insertion order.
 *
 * <p>Pickle opcodes: CPython {@code Lib/pickletools.py}. Nothing is ever executed: a disallowed global fails the
 * moment it is named, before any REDUCE.
 */
final class StateDictUnpickler extends Unpickler {
    /** Storage bytes by key: the zip entry {@code <archive>/data/<key>}. */
    interface StorageSource {
        ByteBuffer bytes(String key, ArrayDType dtype, long numel) throws IOException;
    }

    private final Path file;
    private final String pickleEntry;
    private final StorageSource storages;
    private final Map<String, StorageRef> loaded = new LinkedHashMap<>();
    private final TorchGlobals.Context context;

    StateDictUnpickler(Path file, String pickleEntry, StorageSource storages) {
        this.file = file;
        this.pickleEntry = pickleEntry;
        this.storages = storages;
        this.context = this::error;
    }

    /** Unpickles {@code pickle} into Maps, Lists, Object[] tuples, numbers, strings, Booleans, nulls, RawArrays. */
    Object loadAll(byte[] pickle) throws IOException {
        try {
            return load(new ByteArrayInputStream(pickle));
        } catch (PickleException | ClassCastException | IndexOutOfBoundsException e) {
            throw error("malformed pickle: " + e.getMessage());
        } catch (ArrayFileException e) {
            throw e;
        } catch (IOException e) {
            throw error("truncated or unreadable pickle: " + e.getMessage());
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw error("STACK_GLOBAL with non-string module/name");
                }
                stack.add(resolve(m, n));
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(callable instanceof Callable c)) {
                    throw error("pickle calls " + TorchGlobals.describe(callable) + ", which is not callable here");
                }
                if (!(args instanceof Object[] a)) {
                    throw error("pickle calls " + c.qualifiedName() + " with non-tuple arguments");
                }
                stack.add(c.body().call(a, context));
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                if (!(target instanceof OrderedDict)) {
                    throw error("pickle sets the state of " + TorchGlobals.describe(target)
                            + "; only OrderedDict attributes (_metadata) are accepted");
                }
                // state is the OrderedDict's __dict__ (state_dict()._metadata: per-module versions); not needed.
            }
            case Opcodes.BINPERSID -> stack.add(persistent(stack.pop()));
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> d = new LinkedHashMap<>();
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    d.put(key(items.get(i)), items.get(i + 1));
                }
                stack.add(d);
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object k = stack.pop();
                asMap(stack.peek()).put(key(k), value);
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> d = asMap(stack.peek());
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    d.put(key(items.get(i)), items.get(i + 1));
                }
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.NEWOBJ_EX, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4,
                 Opcodes.PERSID -> throw error("pickle opcode 0x" + Integer.toHexString(key)
                    + " (object construction outside the whitelist) is not allowed in a state dict");
            case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE -> {
                checkLength(4);
                return super.dispatch(key);
            }
            case Opcodes.BINBYTES8, Opcodes.BINUNICODE8, Opcodes.BYTEARRAY8 -> {
                checkLength(8);
                return super.dispatch(key);
            }
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    /** A length prefix larger than what is left of the pickle is a corrupt file, not a reason to allocate it. */
    private void checkLength(int prefixBytes) throws IOException {
        input.mark(prefixBytes);
        byte[] b = input.readNBytes(prefixBytes);
        input.reset();
        long length = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            length = (length << 8) | (b[i] & 0xFF);
        }
        if (b.length < prefixBytes || length < 0 || length > input.available() - prefixBytes) {
            throw error("truncated or corrupt pickle: a string/bytes of " + Long.toUnsignedString(length)
                    + " bytes with only " + Math.max(0, input.available() - prefixBytes) + " left");
        }
    }

    private PickleGlobal resolve(String module, String name) throws ArrayFileException {
        PickleGlobal g = TorchGlobals.lookup(module, name);
        if (g == null) {
            throw new ArrayFileException(file, pickleEntry + " references global '" + module + "." + name + "', which is not allowed in a state dict"
                    + " (allowed: " + String.join(", ", TorchGlobals.allowedNames()) + ")");
        }
        return g;
    }

    /** Persistent id {@code ('storage', storage_type, key, location, numel)} → the storage, read once per key. */
    private StorageRef persistent(Object pid) throws IOException {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                || !(t[1] instanceof StorageType type) || !(t[2] instanceof String storageKey)
                || !(t[4] instanceof Number numel)) {
            throw error("unsupported persistent id " + TorchGlobals.describe(pid)
                    + "; expected ('storage', torch.<Type>Storage, key, location, numel)");
        }
        StorageRef known = loaded.get(storageKey);
        if (known != null) {
            if (known.dtype() != type.dtype()) {
                throw error("storage '" + storageKey + "' is used as both " + known.dtype() + " and " + type.dtype());
            }
            return known;
        }
        long n = numel.longValue();
        StorageRef ref = new StorageRef(type.dtype(), storageKey, n, storages.bytes(storageKey, type.dtype(), n));
        loaded.put(storageKey, ref);
        return ref;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o) throws ArrayFileException {
        if (!(o instanceof Map<?, ?>)) {
            throw error("SETITEM(S) on " + TorchGlobals.describe(o) + ", which is not a dict");
        }
        return (Map<Object, Object>) o;
    }

    /** Tuples are arrays in Java; give them value semantics as keys by turning them into lists. */
    private static Object key(Object k) {
        return k instanceof Object[] a ? java.util.Arrays.asList(a) : k;
    }

    private ArrayFileException error(String message) {
        return ArrayFileException.inEntry(file, pickleEntry, message);
    }
}
