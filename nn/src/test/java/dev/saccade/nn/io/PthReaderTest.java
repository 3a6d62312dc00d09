package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PthReaderTest {
    /**
     * Where the malicious fixture's payload ({@code touch saccade_io_malicious_marker}, baked into the committed
     * pickle) would create a file if anything ran it: the working directory, which is also where this relative path
     * resolves.
     */
    static final Path MARKER = Path.of("saccade_io_malicious_marker");

    @TempDir Path dir;

    @Test
    void readsTheStateDictTorchWrote() throws IOException {
        Map<String, RawArray> sd = PthReader.readStateDict(Fixtures.copy("state_dict.pth", dir));
        Fixtures.assertAllMatch("state_dict.pth", sd);
        assertEquals(List.of("conv.weight", "fc.bias", "bn.num_batches_tracked", "steps", "counts", "mask", "half",
                "bhalf", "base", "transposed", "slice", "param"), List.copyOf(sd.keySet()), "saved order");
    }

    @Test
    void readsARealModuleStateDictWithMetadata() throws IOException {
        // nn.Sequential(Linear(3, 2), BatchNorm1d(2)).state_dict(): OrderedDict + BUILD of its _metadata
        Map<String, RawArray> sd = PthReader.readStateDict(Fixtures.copy("module_state.pth", dir));
        Fixtures.assertAllMatch("module_state.pth", sd);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked"), List.copyOf(sd.keySet()));
    }

    @Test
    void rebuildFromTypeV2CallsTheWhitelistedRebuild() throws IOException {
        // _rebuild_from_type_v2(_rebuild_tensor_v2, torch.Tensor,
        //     (('storage', FloatStorage, '0', 'cpu', 2), 0, (2,), (1,), False, OrderedDict()), {})
        byte[] pickle = concat(new byte[] {(byte) 0x80, 2}, ascii("ctorch._tensor\n_rebuild_from_type_v2\n("
                + "ctorch._utils\n_rebuild_tensor_v2\nctorch\nTensor\n(("), unicode("storage"),
                ascii("ctorch\nFloatStorage\n"), unicode("0"), unicode("cpu"),
                new byte[] {'K', 2, 't', 'Q', 'K', 0, 'K', 2, (byte) 0x85, 'K', 1, (byte) 0x85, (byte) 0x89},
                ascii("ccollections\nOrderedDict\n)Rt}tR."));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("t/data.pkl", pickle);
        entries.put("t/data/0", bytesOf(RawArray.ofFloats(new float[] {1.5f, -2f}, 2)));
        Object root = PthReader.load(zip("typed.pth", entries));
        assertEquals(RawArray.ofFloats(new float[] {1.5f, -2f}, 2), root);
    }

    @Test
    void viewsSharingAStorageComeOutAsTheirOwnValues() throws IOException {
        Map<String, RawArray> sd = PthReader.readStateDict(Fixtures.copy("state_dict.pth", dir));
        float[] base = sd.get("base").toFloats(); // (4, 5)
        float[] t = sd.get("transposed").toFloats(); // (5, 4) = base.T
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(base[j * 5 + i], t[i * 4 + j], "transposed[" + i + "][" + j + "]");
            }
        }
        float[] s = sd.get("slice").toFloats(); // (2, 3) = base[1:3, 2:5]
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(base[(i + 1) * 5 + j + 2], s[i * 3 + j], "slice[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void unwrapsTrainingCheckpointsAndStripsTheDataParallelPrefix() throws IOException {
        Path f = Fixtures.copy("checkpoint.pth", dir);
        Map<String, RawArray> sd = PthReader.readStateDict(f);
        Fixtures.assertAllMatch("checkpoint.pth", sd);
        Map<String, RawArray> plain = PthReader.stripPrefix(sd, "module.");
        assertEquals(List.of("fc.weight", "fc.bias"), List.copyOf(plain.keySet()));
        assertEquals(sd.get("module.fc.bias"), plain.get("fc.bias"));

        Map<?, ?> root = assertInstanceOf(Map.class, PthReader.load(f));
        assertEquals(3, ((Number) root.get("epoch")).intValue());
        assertEquals("resnet50", root.get("arch"));
        assertEquals(71.25, (Double) root.get("best_prec1"));
    }

    @Test
    void stripPrefixRefusesToMergeEntries() {
        Map<String, RawArray> m = new LinkedHashMap<>();
        m.put("module.w", RawArray.ofFloats(new float[] {1}, 1));
        m.put("w", RawArray.ofFloats(new float[] {2}, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> PthReader.stripPrefix(m, "module."));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
    }

    @Test
    void maliciousPickleFailsWithoutRunningAnything() throws IOException {
        Files.deleteIfExists(MARKER);
        Path f = Fixtures.copy("malicious.pth", dir);
        var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": malicious/data.pkl references global 'posix.system', "
                + "which is not allowed in a state dict"), e.getMessage());
        assertFalse(Files.exists(MARKER), "the payload ran");
    }

    @Test
    void otherDangerousGlobalsAndOpcodesAreRefused() throws IOException {
        // protocol 4: SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'eval', STACK_GLOBAL, 'x', TUPLE1, REDUCE, STOP
        byte[] eval = concat(new byte[] {(byte) 0x80, 4, (byte) 0x8c, 8}, ascii("builtins"),
                new byte[] {(byte) 0x8c, 4}, ascii("eval"), new byte[] {(byte) 0x93, (byte) 0x8c, 1, 'x',
                (byte) 0x85, 'R', '.'});
        assertRefused(eval, "'builtins.eval'");
        // protocol 2: GLOBAL '__builtin__ getattr'
        assertRefused(concat(new byte[] {(byte) 0x80, 2}, ascii("c__builtin__\ngetattr\n)R.")),
                "'__builtin__.getattr'");
        // any class, even a harmless-looking one
        assertRefused(concat(new byte[] {(byte) 0x80, 2}, ascii("cargparse\nNamespace\n)R.")),
                "'argparse.Namespace'");
        // INST builds an instance of a named class without GLOBAL
        assertRefused(ascii("(ios\nsystem\nS'ls'\n."), "opcode 0x69");
    }

    @Test
    void hugeLengthPrefixIsCorruptionNotAnAllocation() throws IOException {
        // BINBYTES8 claiming 2^40 bytes in a 20-byte pickle
        byte[] pickle = {(byte) 0x80, 4, (byte) 0x8e, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, '.'};
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("big/data.pkl", pickle);
        Path f = zip("huge.pth", entries);
        var e = assertThrows(ArrayFileException.class, () -> PthReader.load(f));
        assertTrue(e.getMessage().contains("huge.pth") && e.getMessage().contains("1099511627776 bytes"),
                e.getMessage());
    }

    @Test
    void aTrainingCheckpointNamedPthTarIsTheSameZipFormat() throws IOException {
        // TSN/TSM training scripts save ckpt.pth.tar / ckpt.best.pth.tar with torch.save: a zip despite the name
        Path f = dir.resolve("ckpt.best.pth.tar");
        Files.write(f, Fixtures.bytes("checkpoint.pth"));
        Fixtures.assertAllMatch("checkpoint.pth", PthReader.readStateDict(f));
        Path empty = dir.resolve("empty.pth.tar");
        Files.write(empty, new byte[0]);
        var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(empty));
        assertEquals(empty + ": truncated: 0 bytes", e.getMessage());
    }

    @Test
    void legacyFormatIsRejectedWithAHowTo() throws IOException {
        Path f = Fixtures.copy("legacy.pth", dir);
        var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f));
        assertTrue(e.getMessage().contains("legacy.pth") && e.getMessage().contains("legacy pre-1.6 .pth format "
                + "not supported; re-save with torch.save(_use_new_zipfile_serialization=True)"), e.getMessage());
    }

    @Test
    void truncatedCopiesAreErrorsNamingTheFile() throws IOException {
        for (String name : List.of("state_dict.pth", "checkpoint.pth")) {
            int length = Fixtures.bytes(name).length;
            for (int cut : new int[] {0, 2, 100, length / 2, length - 22, length - 1}) {
                Path f = Fixtures.truncatedCopy(name, dir, cut);
                var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f), name + " " + cut);
                assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
            }
        }
    }

    @Test
    void missingOrShortStorageEntryIsNamed() throws IOException {
        Map<String, byte[]> entries = unzip("state_dict.pth");
        entries.remove("state_dict/data/3");
        Path f = zip("nostorage.pth", entries);
        var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f));
        assertTrue(e.getMessage().contains("nostorage.pth") && e.getMessage().contains("'state_dict/data/3'")
                && e.getMessage().contains("missing storage"), e.getMessage());

        entries = unzip("state_dict.pth");
        entries.put("state_dict/data/0", new byte[5]); // conv.weight: 6 F32 = 24 bytes
        Path g = zip("short.pth", entries);
        e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(g));
        assertTrue(e.getMessage().contains("'state_dict/data/0'") && e.getMessage().contains("24 bytes"),
                e.getMessage());
    }

    @Test
    void bigEndianCheckpointsAreRefused() throws IOException {
        Map<String, byte[]> entries = unzip("state_dict.pth");
        entries.put("state_dict/byteorder", ascii("big"));
        Path f = zip("big.pth", entries);
        var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f));
        assertTrue(e.getMessage().contains("byte order 'big'"), e.getMessage());
    }

    @Test
    void notAZipIsBadMagic() throws IOException {
        Path f = dir.resolve("notes.pth");
        Files.writeString(f, "just some text, not a checkpoint");
        var e = assertThrows(ArrayFileException.class, () -> PthReader.readStateDict(f));
        assertTrue(e.getMessage().contains("notes.pth") && e.getMessage().contains("bad magic"), e.getMessage());
    }

    @Test
    void stridedCopyMatchesIndexArithmetic() {
        // storage 0..23 as F32; view offset 1, size (2, 3, 2), stride (1, 8, 3): element = 1 + i + 8j + 3k
        java.nio.ByteBuffer storage = RawArray.ofFloats(floatsUpTo(24), 24).data();
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(12 * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        TorchGlobals.copyStrided(storage, 1, new int[] {2, 3, 2}, new long[] {1, 8, 3}, 4, out);
        float[] got = RawArray.of(ArrayDType.F32, new int[] {12}, out.array()).toFloats();
        int n = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(1 + i + 8 * j + 3 * k, got[n++], 0f);
                }
            }
        }
        assertTrue(TorchGlobals.isContiguous(new int[] {2, 1, 3}, new long[] {3, 99, 1}));
        assertFalse(TorchGlobals.isContiguous(new int[] {2, 3}, new long[] {1, 2}));
    }

    private void assertRefused(byte[] pickle, String fragment) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("evil/data.pkl", pickle);
        entries.put("evil/version", ascii("3\n"));
        Path f = zip("evil.pth", entries);
        var e = assertThrows(ArrayFileException.class, () -> PthReader.load(f));
        assertTrue(e.getMessage().contains("evil.pth") && e.getMessage().contains(fragment)
                && e.getMessage().contains("not allowed"), e.getMessage());
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path f = dir.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    /** Entries of a fixture zip (torch writes STORED entries with data descriptors, so read it as a ZipFile). */
    private Map<String, byte[]> unzip(String fixture) throws IOException {
        Path copy = Files.createTempFile(dir, "src", ".zip");
        Files.write(copy, Fixtures.bytes(fixture));
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(copy.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                try (var in = z.getInputStream(e)) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return out;
    }

    private static byte[] bytesOf(RawArray a) {
        byte[] b = new byte[(int) a.byteSize()];
        a.data().get(b);
        return b;
    }

    /** BINUNICODE: 'X', u32 LE length, UTF-8 bytes. */
    private static byte[] unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {'X', (byte) b.length, 0, 0, 0}, b);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static float[] floatsUpTo(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i;
        }
        return f;
    }

}
