package dev.saccade.nn.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A zip archive read under {@link ReadLimits}: each entry is checked before it is inflated (declared size against
 * the caller's limit, declared ÷ compressed size against {@code maxCompressionRatio}, the compressed bytes of all
 * entries read against the file size, which catches overlapping entries), inflated into a buffer of exactly its
 * declared size (an entry that inflates past it is refused at the first extra byte), and its CRC-32 is compared with
 * the one in the central directory as the bytes are read. {@link ZipFile} itself checks no CRC for stored entries,
 * which is how PyTorch writes its storages.
 *
 * <p>Reference: PKWARE APPNOTE.TXT 4.4 (local and central headers, CRC-32 of the uncompressed data).
 */
final class BoundedZip implements Closeable {
    private final Path file;
    private final ReadLimits limits;
    private final ZipFile zip;
    private final long fileSize;
    private long compressedRead;

    private BoundedZip(Path file, ReadLimits limits, ZipFile zip, long fileSize) {
        this.file = file;
        this.limits = limits;
        this.zip = zip;
        this.fileSize = fileSize;
    }

    /** Opens {@code file}; {@code what} names the expected format in the error ("a PyTorch checkpoint"). */
    static BoundedZip open(Path file, ReadLimits limits, String what) throws ArrayFileException {
        try {
            long size = Files.size(file);
            return new BoundedZip(file, limits, new ZipFile(file.toFile()), size);
        } catch (NoSuchFileException e) {
            throw new ArrayFileException(file, "no such file", e);
        } catch (ZipException e) {
            throw new ArrayFileException(file, "not a valid zip archive (" + what + "), or truncated: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new ArrayFileException(file, "cannot be opened: " + e, e);
        }
    }

    /** Entry names in central-directory order. */
    List<String> names() throws ArrayFileException {
        List<String> out = new ArrayList<>();
        try {
            for (ZipEntry e : Collections.list(zip.entries())) {
                out.add(e.getName());
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ArrayFileException(file, "corrupt zip central directory: " + e.getMessage(), e);
        }
        return out;
    }

    boolean has(String name) {
        return zip.getEntry(name) != null;
    }

    boolean isDirectory(String name) {
        ZipEntry e = zip.getEntry(name);
        return e != null && e.isDirectory();
    }

    /** The declared (uncompressed) size of entry {@code name}, or -1 when it is missing. */
    long declaredSize(String name) {
        ZipEntry e = zip.getEntry(name);
        return e == null ? -1 : e.getSize();
    }

    /**
     * The whole content of entry {@code name}, verified.
     *
     * @param maxBytes the largest declared size accepted, {@code limitName} its name in {@link ReadLimits}
     */
    byte[] read(String name, long maxBytes, String limitName) throws ArrayFileException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw ArrayFileException.inEntry(file, name, "missing from the zip");
        }
        long declared = e.getSize();
        long compressed = e.getCompressedSize();
        if (declared < 0 || compressed < 0) {
            throw ArrayFileException.inEntry(file, name, "the zip does not declare its size");
        }
        long max = Math.min(maxBytes, Integer.MAX_VALUE - 16);
        if (declared > max) {
            throw ArrayFileException.overLimit(file, name, limitName, max, "declares " + declared
                    + " bytes uncompressed");
        }
        if (declared > ReadLimits.RATIO_GRACE_BYTES && declared / Math.max(1, compressed) >= limits.maxCompressionRatio()) {
            throw ArrayFileException.overLimit(file, name, "maxCompressionRatio", limits.maxCompressionRatio(),
                    "inflates " + compressed + " bytes to " + declared + " (a zip bomb?)");
        }
        compressedRead += compressed;
        if (compressedRead > fileSize) {
            throw ArrayFileException.inEntry(file, name, "the entries read so far span " + compressedRead
                    + " compressed bytes, more than the " + fileSize + "-byte file: entries overlap (a zip bomb?)");
        }
        CRC32 crc = new CRC32();
        byte[] bytes;
        try (InputStream in = new CheckedInputStream(zip.getInputStream(e), crc)) {
            bytes = in.readNBytes((int) declared);
            if (bytes.length < declared) {
                throw ArrayFileException.inEntry(file, name, "truncated: " + bytes.length + " of " + declared
                        + " bytes");
            }
            if (in.read() != -1) {
                throw ArrayFileException.inEntry(file, name, "inflates to more than its declared " + declared
                        + " bytes (a zip bomb, or a corrupt central directory)");
            }
        } catch (ArrayFileException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            throw ArrayFileException.inEntry(file, name, "cannot be read (corrupt or truncated): " + ex.getMessage());
        }
        if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
            throw ArrayFileException.inEntry(file, name, String.format("CRC-32 mismatch: the zip records %08x, the "
                    + "data has %08x (corrupt file)", e.getCrc(), crc.getValue()));
        }
        return bytes;
    }

    @Override
    public void close() throws ArrayFileException {
        try {
            zip.close();
        } catch (IOException e) {
            throw new ArrayFileException(file, "cannot be closed: " + e.getMessage(), e);
        }
    }
}
