package dev.saccade.nn.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format (spec: huggingface/safetensors README, "Format").
 *
 * <pre>
 * [8 bytes]  N, unsigned 64-bit little-endian: the header size
 * [N bytes]  UTF-8 JSON object, may be padded at the end with spaces (0x20):
 *            {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, …}
 * [rest]     the byte buffer; data_offsets are [begin, end) relative to its start, little-endian, C order;
 *            entries cover the buffer exactly, with no overlap and no hole
 * </pre>
 *
 * <p>Reading validates all of that and names the file and entry on error. Writing sorts the names, pads the header
 * with spaces to a multiple of 8 bytes, lays the data out in name order, and replaces the target atomically
 * ({@link AtomicFiles}).
 *
 * <pre>{@code
 * SafeTensors.write(Path.of("w.safetensors"), Map.of("fc.weight", RawArray.ofFloats(w, 10, 512)));
 * Map<String, RawArray> back = SafeTensors.read(Path.of("w.safetensors"));
 * }</pre>
 */
public final class SafeTensors {
    /** Largest header accepted, as in the reference implementation (100 MB). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Everything in a safetensors file: tensors in header order, and the free-form string metadata. */
    public record Contents(Map<String, RawArray> tensors, Map<String, String> metadata) {}

    private SafeTensors() {}

    /** The tensors of a safetensors file, in header order. */
    public static Map<String, RawArray> read(Path file) throws IOException {
        return readAll(file).tensors();
    }

    /** The tensors and the {@code __metadata__} of a safetensors file. */
    public static Contents readAll(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new ArrayFileException(file, "truncated: " + fileSize + " bytes, too short for the 8-byte header size");
            }
            ByteBuffer lengthBytes = readAt(ch, file, 0, 8, "header size");
            long headerSize = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (headerSize < 2 || headerSize > MAX_HEADER_BYTES) {
                throw new ArrayFileException(file, "header size " + Long.toUnsignedString(headerSize)
                        + " is out of range [2, " + MAX_HEADER_BYTES + "] (not a safetensors file?)");
            }
            if (headerSize > fileSize - 8) {
                throw new ArrayFileException(file, "truncated or not safetensors: header size " + headerSize
                        + " goes beyond the end of the file (" + fileSize + " bytes)");
            }
            ByteBuffer headerBytes = readAt(ch, file, 8, (int) headerSize, "header");
            long dataStart = 8 + headerSize;
            long dataLength = fileSize - dataStart;
            Header header = parseHeader(file, headerBytes.array(), dataLength);

            Map<String, RawArray> tensors = new LinkedHashMap<>();
            for (Entry e : header.entries) {
                ByteBuffer bytes = readAt(ch, file, dataStart + e.begin, (int) (e.end - e.begin), e.name);
                tensors.put(e.name, RawArray.wrapOwned(e.dtype, e.shape, bytes.order(ByteOrder.LITTLE_ENDIAN)));
            }
            return new Contents(Collections.unmodifiableMap(tensors), header.metadata);
        } catch (NoSuchFileException e) {
            throw new ArrayFileException(file, "no such file", e);
        } catch (ArrayFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ArrayFileException(file, "cannot be read: " + e, e);
        }
    }

    /** Writes {@code tensors} with no metadata. */
    public static void write(Path file, Map<String, RawArray> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (sorted by name) and {@code metadata} to {@code file}, replacing it atomically.
     *
     * @throws IllegalArgumentException for an empty name or the reserved name {@code __metadata__}
     */
    public static void write(Path file, Map<String, RawArray> tensors, Map<String, String> metadata)
            throws IOException {
        TreeMap<String, RawArray> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, RawArray> e : sorted.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException(file + ": tensor name '" + name + "' is not allowed");
            }
            RawArray a = e.getValue();
            ObjectNode info = header.putObject(name);
            info.put("dtype", a.dtype().safetensorsName());
            ArrayNode shape = info.putArray("shape");
            for (int d : a.shape()) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + a.byteSize());
            offset += a.byteSize();
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, head);
            for (RawArray a : sorted.values()) {
                AtomicFiles.writeFully(ch, a.data());
            }
        });
    }

    // ---- header parsing ----

    private record Entry(String name, ArrayDType dtype, int[] shape, long begin, long end) {}

    private record Header(List<Entry> entries, Map<String, String> metadata) {}

    private static Header parseHeader(Path file, byte[] bytes, long dataLength) throws ArrayFileException {
        if (bytes[0] != '{') {
            throw new ArrayFileException(file, "header does not start with '{' (not a safetensors file?)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ArrayFileException(file, "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ArrayFileException(file, "header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, f.getValue());
            } else {
                entries.add(parseEntry(file, f.getKey(), f.getValue(), dataLength));
            }
        }
        checkCoverage(file, entries, dataLength);
        return new Header(entries, metadata);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) throws ArrayFileException {
        if (!node.isObject()) {
            throw ArrayFileException.inEntry(file, METADATA_KEY, "must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw ArrayFileException.inEntry(file, METADATA_KEY,
                        "value of '" + f.getKey() + "' is " + f.getValue().getNodeType() + ", not a string");
            }
            out.put(f.getKey(), f.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataLength)
            throws ArrayFileException {
        if (!node.isObject()) {
            throw ArrayFileException.inEntry(file, name, "is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw ArrayFileException.inEntry(file, name, "missing or non-string 'dtype'");
        }
        ArrayDType dtype = ArrayDType.fromSafetensorsName(dtypeNode.textValue());
        if (dtype == null) {
            throw ArrayFileException.inEntry(file, name, "unknown dtype '" + dtypeNode.textValue()
                    + "' (supported: " + Arrays.toString(ArrayDType.values()) + ")");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw ArrayFileException.inEntry(file, name, "missing or non-array 'shape'");
        }
        int[] shape = new int[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
                throw ArrayFileException.inEntry(file, name, "shape " + shapeNode + " has a bad dimension " + d);
            }
            shape[i] = d.intValue();
            numel = Math.multiplyHigh(numel, shape[i]) != 0 ? Long.MAX_VALUE : numel * shape[i];
        }
        JsonNode offs = node.get("data_offsets");
        if (offs == null || !offs.isArray() || offs.size() != 2
                || !offs.get(0).isIntegralNumber() || !offs.get(1).isIntegralNumber()
                || !offs.get(0).canConvertToLong() || !offs.get(1).canConvertToLong()) {
            throw ArrayFileException.inEntry(file, name, "'data_offsets' must be [begin, end], got " + offs);
        }
        long begin = offs.get(0).longValue();
        long end = offs.get(1).longValue();
        if (begin < 0 || end < begin) {
            throw ArrayFileException.inEntry(file, name, "bad data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataLength) {
            throw ArrayFileException.inEntry(file, name, "data_offsets [" + begin + ", " + end
                    + "] go beyond the " + dataLength + "-byte data section (file truncated?)");
        }
        long expected = numel > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : numel * dtype.byteSize();
        if (end - begin != expected || expected > Integer.MAX_VALUE) {
            throw ArrayFileException.inEntry(file, name, "shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + expected + " bytes but data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Entries must tile [0, dataLength) exactly: no overlap, no hole, nothing after the last one. */
    private static void checkCoverage(Path file, List<Entry> entries, long dataLength) throws ArrayFileException {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin < covered) {
                throw ArrayFileException.inEntry(file, e.name, "data_offsets [" + e.begin + ", " + e.end
                        + "] overlap entry '" + previous.name + "' [" + previous.begin + ", " + previous.end + "]");
            }
            if (e.begin > covered) {
                throw ArrayFileException.inEntry(file, e.name, "bytes [" + covered + ", " + e.begin
                        + ") before it are not part of any entry");
            }
            covered = e.end;
            if (e.end > e.begin || previous == null) {
                previous = e;
            }
        }
        if (covered != dataLength) {
            throw new ArrayFileException(file, "data section has " + dataLength + " bytes but the entries cover "
                    + covered + " (trailing bytes not part of any entry)");
        }
    }

    /** Reads exactly {@code length} bytes at {@code position} into a fresh heap buffer, flipped. */
    static ByteBuffer readAt(FileChannel ch, Path file, long position, int length, String what) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            int n = ch.read(b, position + b.position());
            if (n < 0) {
                throw new ArrayFileException(file, "truncated while reading " + what + " at byte " + position);
            }
        }
        return b.flip();
    }
}
