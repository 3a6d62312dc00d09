package dev.saccade.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.Goldens;
import dev.saccade.nn.io.ArrayDType;
import dev.saccade.nn.io.RawArray;
import dev.saccade.nn.io.SafeTensors;
import dev.saccade.nn.layers.Activation;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Linear;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    @TempDir Path dir;

    /** The module of scripts/make_nn_goldens.py's sequential.pth: Linear(4,3), BatchNorm1d(3), ReLU, Linear(3,2). */
    private static Sequential tiny(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Linear(4, 3, true, rng), new BatchNorm(3), Activation.relu(), new Linear(3, 2, true, rng));
    }

    @Test void safetensorsRoundTripIsIdentical() throws IOException {
        Sequential a = tiny(1);
        a.forward(Tensor.randn(new SplittableRandom(2), 6, 4));          // non-trivial running statistics
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoints.saveSafetensors(a, file, Map.of("epoch", "7"));
        assertEquals(Map.of("epoch", "7"), SafeTensors.readAll(file).metadata());
        try (Stream<Path> files = Files.list(dir)) { assertEquals(List.of(file), files.toList()); }   // no temp file left

        Map<String, Tensor> loaded = Checkpoints.loadSafetensors(file);
        Map<String, Tensor> own = a.stateDict();
        assertEquals(own.keySet(), loaded.keySet());
        for (var e : own.entrySet()) {
            Tensor l = loaded.get(e.getKey());
            assertEquals(e.getValue().dtype(), l.dtype(), e.getKey());
            assertEquals(e.getValue().shape(), l.shape(), e.getKey());
            assertEquals(Checkpoints.toRaw(e.getValue()), Checkpoints.toRaw(l), e.getKey());   // byte-identical
        }

        Sequential b = tiny(99);
        Checkpoints.loadInto(b, loaded, KeyMapping.identity(), true);
        a.eval();
        b.eval();
        Tensor x = Tensor.randn(new SplittableRandom(3), 5, 4);
        assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray());
    }

    @Test void torchSavedStateDictMatches() throws IOException {
        checkPth("sequential.pth");
    }

    @Test void wrappedDataParallelCheckpointIsUnwrapped() throws IOException {
        checkPth("sequential_wrapped.pth");
    }

    private void checkPth(String file) throws IOException {
        Map<String, Tensor> sd = Checkpoints.loadPth(Goldens.path(file));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"),
                List.copyOf(sd.keySet()));
        assertEquals(DType.I64, sd.get("1.num_batches_tracked").dtype());
        Sequential model = tiny(5);
        Checkpoints.LoadReport report = Checkpoints.loadInto(model, sd, KeyMapping.identity(), true);
        assertTrue(report.exact());
        model.eval();
        Goldens io = Goldens.load("sequential_io");
        io.assertMatches("y", model.forward(io.tensor("x")));
        assertEquals(3L, (long) model.stateDict().get("1.num_batches_tracked").item());
    }

    @Test void strictMismatchListsMissingAndUnexpectedWithCounts() throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>(Checkpoints.loadPth(Goldens.path("sequential.pth")));
        sd.remove("3.bias");
        sd.put("head.weight", Tensor.zeros(2, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.loadInto(tiny(1), sd, KeyMapping.identity(), true));
        String m = e.getMessage();
        assertTrue(m.contains("1 missing [3.bias]") && m.contains("1 unexpected [head.weight]"), m);

        Map<String, Tensor> many = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) many.put("extra." + i, Tensor.zeros(1));
        var e2 = assertThrows(IllegalArgumentException.class, () -> Checkpoints.loadInto(tiny(1), many, KeyMapping.identity(), true));
        assertTrue(e2.getMessage().contains("9 missing") && e2.getMessage().contains("20 unexpected") && e2.getMessage().contains("and 12 more"), e2.getMessage());

        Checkpoints.LoadReport report = Checkpoints.loadInto(tiny(1), sd, KeyMapping.identity(), false);
        assertEquals(List.of("3.bias"), report.missing());
        assertEquals(List.of("head.weight"), report.unexpected());
    }

    @Test void keyMappingRenamesAndDrops() throws IOException {
        Map<String, Tensor> official = new LinkedHashMap<>();
        for (var e : Checkpoints.loadPth(Goldens.path("sequential.pth")).entrySet()) official.put("base_model." + e.getKey(), e.getValue());
        official.put("optimizer_step", Tensor.zeros(1));
        Sequential model = tiny(1);
        KeyMapping mapping = KeyMapping.replacePrefix("base_model.", "").andThen(k -> k.startsWith("optimizer") ? null : k);
        assertTrue(Checkpoints.loadInto(model, official, mapping, true).exact());
        assertArrayEquals(official.get("base_model.3.weight").toFloatArray(), model.stateDict().get("3.weight").toFloatArray());

        var e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadInto(tiny(1), Map.of("a.x", Tensor.zeros(1), "b.x", Tensor.zeros(1)), KeyMapping.replace("^[ab]\\.", ""), false));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test void shapeMismatchNamesTheEntry() throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>(Checkpoints.loadPth(Goldens.path("sequential.pth")));
        sd.put("0.weight", Tensor.zeros(4, 3));
        var e = assertThrows(RuntimeException.class, () -> Checkpoints.loadInto(tiny(1), sd, KeyMapping.identity(), true));
        assertTrue(e.getMessage().contains("0.weight"), e.getMessage());
    }

    @Test void elementTypeConversions() {
        // F16 1.5 = 0x3E00, BF16 -2.0 = 0xC000
        Tensor h = Checkpoints.toTensor(RawArray.of(ArrayDType.F16, new int[] {1}, new byte[] {0x00, 0x3E}));
        assertEquals(DType.F32, h.dtype());
        assertEquals(1.5, h.item());
        Tensor bf = Checkpoints.toTensor(RawArray.of(ArrayDType.BF16, new int[] {1}, new byte[] {0x00, (byte) 0xC0}));
        assertEquals(-2.0, bf.item());
        Tensor b = Checkpoints.toTensor(RawArray.of(ArrayDType.BOOL, new int[] {3}, new byte[] {1, 0, 1}));
        assertEquals(DType.I64, b.dtype());
        assertArrayEquals(new long[] {1, 0, 1}, b.toLongArray());
        Tensor i = Checkpoints.toTensor(RawArray.ofInts(new int[] {-7, 8}, 2));
        assertEquals(DType.I32, i.dtype());
        assertEquals(ArrayDType.I32, Checkpoints.toRaw(i).dtype());
        Tensor d = Checkpoints.toTensor(RawArray.ofDoubles(new double[] {Math.PI}));
        assertEquals(DType.F64, d.dtype());
        assertEquals(Math.PI, d.item());
        // a strided view is written in C order
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1);   // (3, 2)
        RawArray r = Checkpoints.toRaw(t);
        assertArrayEquals(new int[] {3, 2}, r.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, r.toFloats());
        assertFalse(r.dtype().byteSize() != 4);
    }
}
