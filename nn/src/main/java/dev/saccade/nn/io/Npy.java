package dev.saccade.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes numpy {@code .npy} files (versions 1.0, 2.0 and 3.0 on read, 1.0 or 2.0 on write) and reads
 * {@code .npz} archives. Spec: {@code numpy.lib.format} (NEP 1).
 *
 * <pre>
 * "\x93NUMPY" major minor
 * header length: u16 LE (v1) or u32 LE (v2, v3)
 * header: a Python dict literal, e.g. {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }
 *         padded with spaces and ended by '\n' so the data starts at a multiple of 64 bytes
 * data:   numel · itemsize bytes, C order
 * </pre>
 *
 * <p>Supported: little-endian {@code <f2 <f4 <f8 <i2 <i4 <i8}, and {@code |i1 |u1 |b1}; C order only. Big-endian,
 * Fortran order, structured and object dtypes are rejected with an error naming the file.
 *
 * <pre>{@code
 * Npy.write(Path.of("x.npy"), RawArray.ofFloats(new float[] {1, 2, 3}, 3));
 * RawArray x = Npy.read(Path.of("x.npy"));
 * Map<String, RawArray> all = Npy.readNpz(Path.of("goldens.npz"));   // keys without ".npy"
 * }</pre>
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    /** numpy refuses longer headers unless told otherwise ({@code numpy.lib.format}, {@code max_header_size}). */
    static final int MAX_HEADER_BYTES = 10_000;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Reads one {@code .npy} file. */
    public static RawArray read(Path file) throws IOException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new ArrayFileException(file, size + " bytes: larger than the 2 GiB an array can hold here");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ArrayFileException(file, "no such file", e);
        } catch (ArrayFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ArrayFileException(file, "cannot be read: " + e, e);
        }
        return parse(ByteBuffer.wrap(bytes), file, null);
    }

    /**
     * Reads every {@code .npy} member of an {@code .npz} archive ({@code numpy.savez}, compressed or not), keyed by
     * the member name without {@code .npy}, in archive order. Members are size-, ratio- and CRC-checked
     * ({@link ReadLimits#DEFAULT}).
     */
    public static Map<String, RawArray> readNpz(Path file) throws IOException {
        return readNpz(file, ReadLimits.DEFAULT);
    }

    /** {@link #readNpz(Path)} under explicit budgets ({@code maxEntryBytes}, {@code maxCompressionRatio}). */
    public static Map<String, RawArray> readNpz(Path file, ReadLimits limits) throws IOException {
        Map<String, RawArray> out = new LinkedHashMap<>();
        try (BoundedZip zip = BoundedZip.open(file, limits, "a numpy .npz")) {
            for (String name : zip.names()) {
                if (zip.isDirectory(name)) {
                    continue;
                }
                byte[] bytes = zip.read(name, limits.maxEntryBytes(), "maxEntryBytes");
                String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
                if (out.put(key, parse(ByteBuffer.wrap(bytes), file, name)) != null) {
                    throw ArrayFileException.inEntry(file, name, "a second member named '" + key + "'");
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Writes {@code array} to {@code file} as {@code .npy}, replacing it atomically. */
    public static void write(Path file, RawArray array) throws IOException {
        byte[] header = header(array);
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            AtomicFiles.writeFully(ch, array.data());
        });
    }

    /** The {@code .npy} bytes of {@code array} (header and data), e.g. to build an archive in memory. */
    public static byte[] toBytes(RawArray array) {
        byte[] header = header(array);
        ByteBuffer out = ByteBuffer.allocate(header.length + (int) array.byteSize());
        out.put(header).put(array.data());
        return out.array();
    }

    /** Magic, version, length and padded dict; version 1.0 unless the dict needs more than 65535 bytes. */
    static byte[] header(RawArray array) {
        StringBuilder shape = new StringBuilder("(");
        int[] s = array.shape();
        for (int i = 0; i < s.length; i++) {
            shape.append(i == 0 ? "" : ", ").append(s[i]);
        }
        shape.append(s.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + array.dtype().npyDescr() + "', 'fortran_order': False, 'shape': " + shape
                + ", }";
        int prefixV1 = MAGIC.length + 2 + 2;
        boolean v1 = prefixV1 + dict.length() + 1 <= 65535;
        int prefix = v1 ? prefixV1 : MAGIC.length + 2 + 4;
        int total = (prefix + dict.length() + 1 + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        int headerLength = total - prefix;
        String padded = dict + " ".repeat(headerLength - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        if (v1) {
            b.putShort((short) headerLength);
        } else {
            b.putInt(headerLength);
        }
        b.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    /** Parses a whole {@code .npy} image; {@code entry} names the archive member, or null for a plain file. */
    static RawArray parse(ByteBuffer in, Path file, String entry) throws ArrayFileException {
        in.order(ByteOrder.LITTLE_ENDIAN);
        int size = in.remaining();
        byte[] head = Arrays.copyOfRange(in.array(), 0, Math.min(size, MAGIC.length));
        if (!Arrays.equals(head, Arrays.copyOf(MAGIC, head.length))) {
            throw error(file, entry, "bad magic: not a .npy file (expected \\x93NUMPY)");
        }
        if (size < MAGIC.length + 2) {
            throw error(file, entry, "truncated: " + size + " bytes, too short for magic and version");
        }
        int major = in.get(6) & 0xFF;
        int minor = in.get(7) & 0xFF;
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw error(file, entry, "unsupported .npy version " + major + "." + minor);
        };
        int prefix = 8 + lengthBytes;
        if (size < prefix) {
            throw error(file, entry, "truncated: " + size + " bytes, too short for the header length");
        }
        long headerLength = lengthBytes == 2 ? (in.getShort(8) & 0xFFFF) : (in.getInt(8) & 0xFFFFFFFFL);
        if (headerLength > MAX_HEADER_BYTES) {
            throw error(file, entry, "header of " + headerLength + " bytes is larger than " + MAX_HEADER_BYTES
                    + " (numpy's own max_header_size): a corrupt length");
        }
        if (prefix + headerLength > size) {
            throw error(file, entry, "truncated: header length " + headerLength + " goes beyond the end of the "
                    + size + "-byte file");
        }
        String header = new String(in.array(), prefix, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeM = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeM.find()) {
            throw error(file, entry, "header is not a dict with 'descr', 'fortran_order' and 'shape': "
                    + SafeText.excerpt(header.strip(), 200));
        }
        ArrayDType dtype = ArrayDType.fromNpyDescr(descr.group(1));
        if (dtype == null) {
            throw error(file, entry, "unsupported dtype '" + SafeText.excerpt(descr.group(1), 40) + "' (supported: little-endian "
                    + "<f2 <f4 <f8 <i2 <i4 <i8, and |i1 |u1 |b1)");
        }
        if (fortran.group(1).equals("True")) {
            throw error(file, entry, "fortran_order True is not supported; save a C-contiguous array "
                    + "(numpy.ascontiguousarray)");
        }
        int[] shape = parseShape(file, entry, shapeM.group(1));
        long dataStart = prefix + headerLength;
        long expected = byteSize(file, entry, shape, dtype);
        long actual = size - dataStart;
        if (actual < expected) {
            throw error(file, entry, "truncated: shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + expected + " data bytes but only " + actual + " remain");
        }
        if (actual > expected) {
            throw error(file, entry, "shape " + Arrays.toString(shape) + " of " + dtype + " needs " + expected
                    + " data bytes but " + actual + " follow the header");
        }
        return RawArray.of(dtype, shape, in.duplicate().position((int) dataStart));
    }

    /** numel × item size, refused when it overflows or exceeds what one array can hold. */
    private static long byteSize(Path file, String entry, int[] shape, ArrayDType dtype) throws ArrayFileException {
        long bytes = dtype.byteSize();
        for (int d : shape) {
            if (d != 0 && bytes > (Integer.MAX_VALUE - 16) / d) {
                throw error(file, entry, "shape " + Arrays.toString(shape) + " of " + dtype
                        + " is larger than the 2 GiB an array can hold here");
            }
            bytes *= d;
        }
        return bytes;
    }

    private static int[] parseShape(Path file, String entry, String text) throws ArrayFileException {
        String[] parts = text.split(",");
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            String t = p.strip();
            if (t.isEmpty()) {
                continue;
            }
            try {
                shape[n] = Integer.parseInt(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw error(file, entry, "bad dimension '" + SafeText.excerpt(t, 40) + "' in shape ("
                        + SafeText.excerpt(text, 100) + ")");
            }
            if (shape[n] < 0) {
                throw error(file, entry, "negative dimension in shape (" + SafeText.excerpt(text, 100) + ")");
            }
            n++;
        }
        return Arrays.copyOf(shape, n);
    }

    private static ArrayFileException error(Path file, String entry, String message) {
        return entry == null ? new ArrayFileException(file, message) : ArrayFileException.inEntry(file, entry, message);
    }
}
