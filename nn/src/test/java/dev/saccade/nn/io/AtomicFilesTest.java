package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void writerThrowingMidwayKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path target = dir.resolve("model.safetensors");
        byte[] old = {1, 2, 3, 4};
        Files.write(target, old);
        var e = assertThrows(IOException.class, () -> AtomicFiles.write(target, ch -> {
            ch.write(ByteBuffer.wrap(new byte[1000])); // half of the new content is out
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertArrayEquals(old, Files.readAllBytes(target));
        assertEquals(List.of(target), list());
    }

    @Test
    void runtimeExceptionInTheWriterAlsoCleansUp() throws IOException {
        Path target = dir.resolve("fresh.npy");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, ch -> {
            ch.write(ByteBuffer.wrap(new byte[10]));
            throw new IllegalStateException("bug");
        }));
        assertFalse(Files.exists(target));
        assertEquals(List.of(), list());
    }

    @Test
    void successReplacesTheFileCompletely() throws IOException {
        Path target = dir.resolve("sub/ckpt.bin");
        Files.createDirectories(target.getParent());
        Files.write(target, new byte[100]);
        AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[] {9, 8})));
        assertArrayEquals(new byte[] {9, 8}, Files.readAllBytes(target));
        try (Stream<Path> s = Files.list(target.getParent())) {
            assertEquals(List.of(target), s.toList());
        }
    }

    @Test
    void npyWriteOfAnUnrepresentableDtypeDoesNotClobber() throws IOException {
        Path target = dir.resolve("x.npy");
        Npy.write(target, RawArray.ofFloats(new float[] {1, 2}, 2));
        byte[] before = Files.readAllBytes(target);
        RawArray bf16 = RawArray.of(ArrayDType.BF16, new int[] {1}, new byte[2]);
        assertThrows(IllegalArgumentException.class, () -> Npy.write(target, bf16));
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of(target), list());
    }

    private List<Path> list() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
