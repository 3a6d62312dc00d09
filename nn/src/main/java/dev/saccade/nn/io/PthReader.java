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
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

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
        Object root = load(file);
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
            throw new ArrayFileException(file, "no tensors found; top-level keys: " + top.keySet());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The whole saved object: {@code Map} (dicts, insertion-ordered), {@code List}, {@code Object[]} (tuples),
     * {@code Integer/Long/BigInteger}, {@code Double}, {@code String}, {@code Boolean}, {@code null}, and
     * {@link RawArray} for tensors.
     */
    public static Object load(Path file) throws IOException {
        checkZip(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String pickleEntry = findPickle(file, zip);
            String archive = pickleEntry.substring(0, pickleEntry.length() - "data.pkl".length()); // "<name>/"
            checkByteOrder(file, zip, archive);
            byte[] pickle = readEntry(file, zip, pickleEntry);
            StateDictUnpickler unpickler = new StateDictUnpickler(file, pickleEntry,
                    (key, dtype, numel) -> storage(file, zip, archive + "data/" + key, dtype, numel));
            return unpickler.loadAll(pickle);
        } catch (ZipException e) {
            throw new ArrayFileException(file, "not a valid zip archive, or truncated: " + e.getMessage(), e);
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
    private static String findPickle(Path file, ZipFile zip) throws ArrayFileException {
        List<String> found = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            int slash = name.indexOf('/');
            if (name.endsWith("/data.pkl") && slash == name.length() - "/data.pkl".length()) {
                found.add(name);
            }
        }
        if (found.size() != 1) {
            throw new ArrayFileException(file, found.isEmpty()
                    ? "no '<archive>/data.pkl' entry: not a PyTorch checkpoint"
                    : "several data.pkl entries " + found);
        }
        return found.get(0);
    }

    /** Newer torch writes {@code byteorder}; only "little" is supported. Older files without it are little. */
    private static void checkByteOrder(Path file, ZipFile zip, String archive) throws IOException {
        ZipEntry e = zip.getEntry(archive + "byteorder");
        if (e != null) {
            String order = new String(readEntry(file, zip, e.getName()), StandardCharsets.US_ASCII).strip();
            if (!order.equals("little")) {
                throw ArrayFileException.inEntry(file, e.getName(), "byte order '" + order
                        + "' is not supported (only little-endian)");
            }
        }
    }

    private static ByteBuffer storage(Path file, ZipFile zip, String entry, ArrayDType dtype, long numel)
            throws IOException {
        if (zip.getEntry(entry) == null) {
            throw ArrayFileException.inEntry(file, entry, "missing storage entry in the zip");
        }
        byte[] bytes = readEntry(file, zip, entry);
        if (bytes.length != numel * dtype.byteSize()) {
            throw ArrayFileException.inEntry(file, entry, "storage of " + numel + " " + dtype + " elements needs "
                    + numel * dtype.byteSize() + " bytes but the entry has " + bytes.length);
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] readEntry(Path file, ZipFile zip, String name) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw ArrayFileException.inEntry(file, name, "missing from the zip");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] bytes = in.readAllBytes();
            if (e.getSize() >= 0 && bytes.length != e.getSize()) {
                throw ArrayFileException.inEntry(file, name, "truncated: " + bytes.length + " of " + e.getSize()
                        + " bytes");
            }
            return bytes;
        } catch (ArrayFileException ex) {
            throw ex;
        } catch (IOException ex) {
            throw ArrayFileException.inEntry(file, name, "cannot be read (truncated?): " + ex.getMessage());
        }
    }
}
