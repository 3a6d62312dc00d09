package dev.saccade.nn.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

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
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Reads one {@code .npy} file. */
    public static RawArray read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ArrayFileException(file, "no such file", e);
        }
        return parse(ByteBuffer.wrap(bytes), file, null);
    }

    /**
     * Reads every {@code .npy} member of an {@code .npz} archive ({@code numpy.savez}, compressed or not), keyed by
     * the member name without {@code .npy}, in archive order.
     */
    public static Map<String, RawArray> readNpz(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new ArrayFileException(file, "no such file");
        }
        Map<String, RawArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readAllBytes();
                } catch (IOException ex) {
                    throw ArrayFileException.inEntry(file, e.getName(), "cannot be read: " + ex.getMessage());
                }
                String key = e.getName().endsWith(".npy")
                        ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                out.put(key, parse(ByteBuffer.wrap(bytes), file, e.getName()));
            }
        } catch (ZipException e) {
            throw new ArrayFileException(file, "not a valid .npz (zip) archive, or truncated: " + e.getMessage(), e);
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
                    + header.strip());
        }
        ArrayDType dtype = ArrayDType.fromNpyDescr(descr.group(1));
        if (dtype == null) {
            throw error(file, entry, "unsupported dtype '" + descr.group(1) + "' (supported: little-endian "
                    + "<f2 <f4 <f8 <i2 <i4 <i8, and |i1 |u1 |b1)");
        }
        if (fortran.group(1).equals("True")) {
            throw error(file, entry, "fortran_order True is not supported; save a C-contiguous array "
                    + "(numpy.ascontiguousarray)");
        }
        int[] shape = parseShape(file, entry, shapeM.group(1));
        long dataStart = prefix + headerLength;
        long expected = RawArray.numel(shape) * dtype.byteSize();
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
                throw error(file, entry, "bad dimension '" + t + "' in shape (" + text + ")");
            }
            if (shape[n] < 0) {
                throw error(file, entry, "negative dimension in shape (" + text + ")");
            }
            n++;
        }
        return Arrays.copyOf(shape, n);
    }

    private static ArrayFileException error(Path file, String entry, String message) {
        return entry == null ? new ArrayFileException(file, message) : ArrayFileException.inEntry(file, entry, message);
    }
}
