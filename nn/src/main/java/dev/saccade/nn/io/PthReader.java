package dev.saccade.nn.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads PyTorch checkpoints ({@code torch.save}, zip format, the default since torch 1.6) without Python and without
 * executing anything: the pickle is interpreted against a whitelist of globals ({@link TorchGlobals}); any other
 * global ({@code posix.system}, {@code builtins.eval}, any class) is an error.
 *
 * <pre>
 * &lt;archive&gt;/data.pkl        pickle (protocol 2) of the saved object; tensors are
 *                           _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)
 *                           with storage = persistent id ('storage', torch.FloatStorage, key, 'cpu', numel)
 * &lt;archive&gt;/data/&lt;key&gt;      the raw little-endian bytes of storage &lt;key&gt;
 * &lt;archive&gt;/version, byteorder   format version; "little" (absent in older files, meaning little)
 * </pre>
 *
 * <p>Tensors come out as C-ordered {@link RawArray} copies, so transposed views and slices sharing a storage read
 * as the values they show. The legacy (pre-1.6, non-zip) format is refused with a message that says how to re-save.
 *
 * <pre>{@code
 * Map<String, RawArray> sd = PthReader.stripPrefix(PthReader.readStateDict(Path.of("TSM_kinetics.pth")), "module.");
 * RawArray fc = sd.get("base_model.fc.weight");
 * }</pre>
 */
public final class PthReader {
    private PthReader() {}

    /**
     * The tensors of a state dict, in saved order. Unwraps {@code {'state_dict': …}} (TSM/TSN training checkpoints:
     * {@code {'epoch', 'arch', 'state_dict', 'best_prec1'}}) and {@code {'model': …}}; entries that are not tensors
     * (ints, strings, nested dicts such as optimizer state) are skipped.
     *
     * @throws ArrayFileException when the file is not a readable checkpoint or holds no tensors at that level
     */
    public static Map<String, RawArray> readStateDict(Path file) throws IOException {
        return readStateDict(file, ReadLimits.DEFAULT);
    }

    /** {@link #readStateDict(Path)} under explicit budgets. */
    public static Map<String, RawArray> readStateDict(Path file, ReadLimits limits) throws IOException {
        Object root = load(file, limits);
        if (!(root instanceof Map<?, ?> top)) {
            throw new ArrayFileException(file, "top-level object is " + TorchGlobals.describe(root)
                    + ", not a dict (state dict or checkpoint)");
        }
        Map<?, ?> dict = top;
        for (String wrapper : List.of("state_dict", "model")) {
            if (top.get(wrapper) instanceof Map<?, ?> inner) {
                dict = inner;
                break;
            }
        }
        Map<String, RawArray> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getKey() instanceof String name && e.getValue() instanceof RawArray a) {
                out.put(name, a);
            }
        }
        if (out.isEmpty()) {
            throw new ArrayFileException(file, "no tensors found; top-level keys: " + keys(top));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The whole saved object: {@code Map} (dicts, insertion-ordered), {@code List}, {@code Object[]} (tuples),
     * {@code Set}, {@code Integer/Long/BigInteger}, {@code Double}, {@code String}, {@code byte[]}, {@code Boolean},
     * {@code null}, and {@link RawArray} for tensors. Read under {@link ReadLimits#DEFAULT}.
     */
    public static Object load(Path file) throws IOException {
        return load(file, ReadLimits.DEFAULT);
    }

    /**
     * {@link #load(Path)} under explicit budgets: every zip entry is size-, ratio- and CRC-checked as it is read
     * ({@link BoundedZip}), the pickle is interpreted by a bounded machine ({@link StateDictUnpickler}).
     *
     * @throws ArrayFileException for anything wrong with the file, naming the file, the entry and the limit
     */
    public static Object load(Path file, ReadLimits limits) throws IOException {
        checkZip(file);
        try (BoundedZip zip = BoundedZip.open(file, limits, "a PyTorch checkpoint")) {
            String pickleEntry = findPickle(file, zip);
            String archive = pickleEntry.substring(0, pickleEntry.length() - "data.pkl".length()); // "<name>/"
            checkByteOrder(file, zip, archive);
            byte[] pickle = zip.read(pickleEntry, limits.maxPickleBytes(), "maxPickleBytes");
            StateDictUnpickler unpickler = new StateDictUnpickler(file, pickleEntry, limits,
                    (key, dtype, numel) -> storage(file, zip, limits, archive + "data/" + key, dtype, numel));
            return unpickler.load(pickle);
        }
    }

    /**
     * A copy of {@code stateDict} with {@code prefix} removed from the names that start with it (e.g.
     * {@code "module."} added by {@code nn.DataParallel}); other names are kept as they are.
     *
     * @throws IllegalArgumentException when stripping makes two names equal
     */
    public static Map<String, RawArray> stripPrefix(Map<String, RawArray> stateDict, String prefix) {
        Map<String, RawArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, RawArray> e : stateDict.entrySet()) {
            String name = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
            if (out.put(name, e.getValue()) != null) {
                throw new IllegalArgumentException("stripping '" + prefix + "' makes two entries named '" + name + "'");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Zip local-file magic "PK\3\4"; a pickle or tar here is the legacy format. */
    private static void checkZip(Path file) throws IOException {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new ArrayFileException(file, "no such file", e);
        } catch (IOException e) {
            throw new ArrayFileException(file, "cannot be read: " + e, e);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return;
        }
        boolean pickle = n >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5;
        boolean tar = n >= 262 && new String(head, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar");
        if (pickle || tar) {
            throw new ArrayFileException(file, "legacy pre-1.6 .pth format not supported; re-save with "
                    + "torch.save(_use_new_zipfile_serialization=True)");
        }
        throw new ArrayFileException(file, n < 4 ? "truncated: " + n + " bytes"
                : "bad magic: not a PyTorch zip checkpoint (expected a zip archive starting with PK\\3\\4)");
    }

    /** The single {@code <archive>/data.pkl} entry. */
    private static String findPickle(Path file, BoundedZip zip) throws ArrayFileException {
        List<String> found = new ArrayList<>();
        for (String name : zip.names()) {
            int slash = name.indexOf('/');
            if (name.endsWith("/data.pkl") && slash == name.length() - "/data.pkl".length()) {
                found.add(name);
            }
        }
        if (found.size() != 1) {
            throw new ArrayFileException(file, found.isEmpty()
                    ? "no '<archive>/data.pkl' entry: not a PyTorch checkpoint"
                    : "several data.pkl entries " + found.subList(0, Math.min(4, found.size()))
                            + (found.size() > 4 ? " and " + (found.size() - 4) + " more" : ""));
        }
        return found.get(0);
    }

    /** Newer torch writes {@code byteorder}; only "little" is supported. Older files without it are little. */
    private static void checkByteOrder(Path file, BoundedZip zip, String archive) throws IOException {
        String name = archive + "byteorder";
        if (zip.has(name)) {
            if (zip.declaredSize(name) > 64) {
                throw ArrayFileException.inEntry(file, name, "byte order entry of " + zip.declaredSize(name)
                        + " bytes; expected 'little'");
            }
            String order = new String(zip.read(name, 64, "maxEntryBytes"), StandardCharsets.US_ASCII).strip();
            if (!order.equals("little")) {
                throw ArrayFileException.inEntry(file, name, "byte order '" + SafeText.excerpt(order, 64)
                        + "' is not supported (only little-endian)");
            }
        }
    }

    /** Storage {@code entry}: its declared size must be numel × element size before a byte is inflated. */
    private static ByteBuffer storage(Path file, BoundedZip zip, ReadLimits limits, String entry, ArrayDType dtype,
            long numel) throws IOException {
        long declared = zip.declaredSize(entry);
        if (declared < 0) {
            throw ArrayFileException.inEntry(file, entry, "missing storage entry in the zip");
        }
        long needed = numel * dtype.byteSize(); // numel ≤ 2^31 / byteSize, checked by the unpickler
        if (declared != needed) {
            throw ArrayFileException.inEntry(file, entry, "storage of " + numel + " " + dtype + " elements needs "
                    + needed + " bytes but the entry has " + declared);
        }
        byte[] bytes = zip.read(entry, limits.maxEntryBytes(), "maxEntryBytes");
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** At most eight top-level keys, described briefly. */
    private static String keys(Map<?, ?> top) {
        List<String> names = new ArrayList<>();
        for (Object k : top.keySet()) {
            if (names.size() == 8) {
                names.add("… " + (top.size() - 8) + " more");
                break;
            }
            names.add(PickleText.describe(k));
        }
        return "[" + String.join(", ", names) + "]";
    }
}
