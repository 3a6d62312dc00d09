package dev.saccade.nn.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip archives byte by byte (PKWARE APPNOTE.TXT 4.3: local headers, data, central directory, end record), so
 * tests can state what a hostile archive declares: a wrong CRC-32, a declared size smaller than what the data
 * inflates to, several central-directory entries pointing at the same data (overlapping entries).
 */
final class TestZip {
    private static final class Entry {
        final String name;
        final byte[] data;
        final boolean deflated;
        Long declaredSize;
        Long crc;
        String sharesDataOf;
        int localOffset;
        int compressedSize;

        Entry(String name, byte[] data, boolean deflated) {
            this.name = name;
            this.data = data;
            this.deflated = deflated;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    /** A stored (uncompressed) entry, as torch.save writes them. */
    TestZip stored(String name, byte[] data) {
        entries.add(new Entry(name, data, false));
        return this;
    }

    /** A deflated entry, as numpy.savez_compressed writes them. */
    TestZip deflated(String name, byte[] data) {
        entries.add(new Entry(name, data, true));
        return this;
    }

    /** The central directory declares {@code size} uncompressed bytes for {@code name}. */
    TestZip declareSize(String name, long size) {
        find(name).declaredSize = size;
        return this;
    }

    /** The central directory records {@code crc} for {@code name}. */
    TestZip declareCrc(String name, long crc) {
        find(name).crc = crc;
        return this;
    }

    /** {@code name} gets no data of its own: its central-directory record points at {@code other}'s. */
    TestZip sharing(String name, String other, int size) {
        Entry e = new Entry(name, new byte[size], false);
        e.sharesDataOf = other;
        entries.add(e);
        return this;
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Entry e : entries) {
            if (e.sharesDataOf != null) {
                continue;
            }
            byte[] payload = e.deflated ? deflate(e.data) : e.data;
            e.localOffset = out.size();
            e.compressedSize = payload.length;
            byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer h = le(30 + name.length);
            h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) (e.deflated ? 8 : 0))
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc(e)).putInt(payload.length)
                    .putInt((int) size(e)).putShort((short) name.length).putShort((short) 0).put(name);
            out.writeBytes(h.array());
            out.writeBytes(payload);
        }
        int centralStart = out.size();
        for (Entry e : entries) {
            Entry data = e.sharesDataOf == null ? e : find(e.sharesDataOf);
            byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer c = le(46 + name.length);
            c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0)
                    .putShort((short) (data.deflated ? 8 : 0)).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) crc(data)).putInt(data.compressedSize).putInt((int) size(e.sharesDataOf == null ? e : data))
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt(data.localOffset).put(name);
            out.writeBytes(c.array());
        }
        int centralSize = out.size() - centralStart;
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(centralSize).putInt(centralStart).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private Entry find(String name) {
        for (Entry e : entries) {
            if (e.name.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no entry " + name);
    }

    private static long size(Entry e) {
        return e.declaredSize != null ? e.declaredSize : e.data.length;
    }

    private static long crc(Entry e) {
        if (e.crc != null) {
            return e.crc;
        }
        CRC32 crc = new CRC32();
        crc.update(e.data);
        return crc.getValue();
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
