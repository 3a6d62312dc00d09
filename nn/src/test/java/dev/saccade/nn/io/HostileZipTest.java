package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile zip archives (.pth and .npz): bit-flipped entries caught by their CRC-32, zip bombs refused from what the
 * central directory declares before anything is inflated, entries that inflate past their declared size stopped at
 * the first extra byte, overlapping entries. Runs in the small-heap JVM with {@link HostilePickleTest}.
 */
class HostileZipTest {
    @TempDir Path dir;

    @Test
    void aBitFlipInAnyStorageIsCaughtByTheCrc() throws IOException {
        Map<String, byte[]> entries = unzip(Fixtures.copy("state_dict.pth", dir));
        int checked = 0;
        for (var e : entries.entrySet()) {
            if (!e.getKey().contains("/data/") || e.getValue().length == 0) {
                continue;
            }
            for (int bit : new int[] {0, 7, 8 * e.getValue().length - 1}) {
                Map<String, byte[]> copy = new LinkedHashMap<>(entries);
                byte[] flipped = e.getValue().clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                copy.put(e.getKey(), flipped);
                TestZip zip = new TestZip();
                copy.forEach(zip::stored);
                for (var c : entries.entrySet()) { // the CRC of the original bytes, as the writer recorded it
                    zip.declareCrc(c.getKey(), crc(c.getValue()));
                }
                Path f = zip.write(dir.resolve("flipped.pth"));
                var ex = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f), e.getKey());
                assertTrue(ex.getMessage().startsWith(f + ": entry '" + e.getKey() + "': CRC-32 mismatch"),
                        ex.getMessage());
                checked++;
            }
        }
        assertTrue(checked >= 9, "storages checked: " + checked);
    }

    @Test
    void aBitFlipInThePickleIsCaughtByTheCrc() throws IOException {
        Map<String, byte[]> entries = unzip(Fixtures.copy("checkpoint.pth", dir));
        TestZip zip = new TestZip();
        for (var e : entries.entrySet()) {
            byte[] data = e.getValue().clone();
            if (e.getKey().endsWith("data.pkl")) {
                data[data.length / 2] ^= 0x10;
            }
            zip.stored(e.getKey(), data).declareCrc(e.getKey(), crc(e.getValue()));
        }
        Path f = zip.write(dir.resolve("flipped-pickle.pth"));
        var ex = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f));
        assertTrue(ex.getMessage().contains("data.pkl': CRC-32 mismatch"), ex.getMessage());
    }

    @Test
    void aStorageZipBombIsRefusedFromItsDeclaredRatio() throws IOException {
        int floats = 16 << 20; // 64 MB of zeros, deflated to ~64 KB
        byte[] pickle = new PickleBytes().proto(2).emptyDict().unicode("w")
                .tensor("0", floats, 0, new long[] {floats}, new long[] {1}).setitem().stop().bytes();
        Path f = new TestZip().stored("archive/data.pkl", pickle).deflated("archive/data/0", new byte[4 * floats])
                .write(dir.resolve("bomb.pth"));
        var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f));
        assertEquals("maxCompressionRatio", e.limit(), e.getMessage());
        assertTrue(e.getMessage().startsWith(f + ": entry 'archive/data/0': inflates "), e.getMessage());
    }

    @Test
    void aPickleZipBombIsRefused() throws IOException {
        byte[] pickle = new byte[32 << 20]; // 32 MB of MARK opcodes
        java.util.Arrays.fill(pickle, (byte) '(');
        Path f = new TestZip().deflated("archive/data.pkl", pickle).write(dir.resolve("pickle-bomb.pth"));
        var e = assertThrows(ArrayFileException.class, () -> PthReader.load(f));
        assertEquals("maxCompressionRatio", e.limit(), e.getMessage());
        // an honest pickle entry declaring more than maxPickleBytes is refused by that limit
        Path g = new TestZip().stored("archive/data.pkl", new byte[4096]).write(dir.resolve("big-pickle.pth"));
        e = assertThrows(ArrayFileException.class, () -> PthReader.load(g, ReadLimits.DEFAULT.withMaxPickleBytes(1000)));
        assertEquals("maxPickleBytes", e.limit(), e.getMessage());
    }

    @Test
    void anEntryThatInflatesPastItsDeclaredSizeStopsAtTheFirstExtraByte() throws IOException {
        byte[] pickle = new PickleBytes().proto(2).emptyDict().stop().bytes();
        byte[] padded = new byte[1 << 20];
        System.arraycopy(pickle, 0, padded, 0, pickle.length);
        Path f = new TestZip().deflated("archive/data.pkl", padded).declareSize("archive/data.pkl", pickle.length)
                .declareCrc("archive/data.pkl", crc(pickle)).write(dir.resolve("liar.pth"));
        var e = assertThrows(ArrayFileException.class, () -> PthReader.load(f));
        assertTrue(e.getMessage().contains("inflates to more than its declared " + pickle.length + " bytes"),
                e.getMessage());
    }

    @Test
    void overlappingEntriesAreRefused() throws IOException {
        // ten storages whose central-directory records all point at the same 64 KB: 640 KB out of a 65 KB file
        int floats = 1 << 14;
        PickleBytes p = new PickleBytes().proto(2).emptyDict();
        for (int i = 0; i < 10; i++) {
            p.unicode("w" + i).tensor(i == 0 ? "0" : "s" + i, floats, 0, new long[] {floats}, new long[] {1})
                    .setitem();
        }
        TestZip zip = new TestZip().stored("archive/data.pkl", p.stop().bytes())
                .stored("archive/data/0", new byte[4 * floats]);
        for (int i = 1; i < 10; i++) {
            zip.sharing("archive/data/s" + i, "archive/data/0", 4 * floats);
        }
        Path f = zip.write(dir.resolve("overlap.pth"));
        var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f));
        assertTrue(e.getMessage().contains("entries overlap"), e.getMessage());
    }

    @Test
    void npzMembersAreCheckedToo() throws IOException {
        byte[] npy = Npy.toBytes(RawArray.ofFloats(new float[] {1, 2, 3}, 3));
        Path ok = new TestZip().deflated("a.npy", npy).write(dir.resolve("ok.npz"));
        assertEquals(RawArray.ofFloats(new float[] {1, 2, 3}, 3), Npy.readNpz(ok).get("a"));

        byte[] flipped = npy.clone();
        flipped[flipped.length - 1] ^= 1;
        Path bad = new TestZip().stored("a.npy", flipped).declareCrc("a.npy", crc(npy)).write(dir.resolve("bad.npz"));
        var e = assertThrows(ArrayFileException.class, () -> Npy.readNpz(bad));
        assertTrue(e.getMessage().startsWith(bad + ": entry 'a.npy': CRC-32 mismatch"), e.getMessage());

        byte[] zeros = new byte[48 << 20];
        Path bomb = new TestZip().deflated("z.npy", zeros).write(dir.resolve("bomb.npz"));
        e = assertThrows(ArrayFileException.class, () -> Npy.readNpz(bomb));
        assertEquals("maxCompressionRatio", e.limit(), e.getMessage());
    }

    private static long crc(byte[] data) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(data);
        return c.getValue();
    }

    private Map<String, byte[]> unzip(Path file) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(file.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                try (var in = z.getInputStream(e)) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        }
        Files.delete(file);
        return out;
    }
}
