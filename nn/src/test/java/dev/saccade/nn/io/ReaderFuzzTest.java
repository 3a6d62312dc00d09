package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reader against random damage to the Python-written fixtures (seeded, so a failure reproduces): truncations,
 * single bit flips and overwritten runs of bytes. A damaged file either reads, or fails with an
 * {@link ArrayFileException} whose message starts with the file; no other exception and no stack overflow. Zip
 * formats (.pth, .npz) carry a CRC-32 per entry, so for them a damaged file that reads must read the original
 * values: corruption never turns into silently different weights. (Zip entry names are not covered by a CRC: a
 * flipped .npz member name reads under the new name; .pth names come from the checksummed pickle.)
 */
class ReaderFuzzTest {
    private static final int FLIPS = 80;
    private static final int RUNS = 30;
    private static final int CUTS = 20;

    @TempDir Path dir;

    @FunctionalInterface
    interface Reader {
        Object read(Path file) throws IOException;
    }

    record Format(String fixture, Reader reader, boolean checksummed) {
        @Override
        public String toString() {
            return fixture;
        }
    }

    static List<Format> formats() {
        return List.of(
                new Format("state_dict.pth", PthReader::readStateDict, true),
                new Format("checkpoint.pth", PthReader::readStateDict, true),
                new Format("module_state.pth", PthReader::readStateDict, true),
                new Format("arrays.npz", Npy::readNpz, true),
                new Format("f4.npy", Npy::read, false),
                new Format("v2.npy", Npy::read, false),
                new Format("scalar.npy", Npy::read, false),
                new Format("handmade.safetensors", SafeTensors::read, false));
    }

    @ParameterizedTest
    @MethodSource("formats")
    void randomDamageIsReadOrRefusedWithTheFileNamed(Format format) throws IOException {
        byte[] good = Fixtures.bytes(format.fixture());
        Object original = format.reader().read(Fixtures.copy(format.fixture(), dir));
        Random random = new Random(format.fixture().hashCode());
        int refused = 0;
        for (int i = 0; i < FLIPS; i++) {
            byte[] bad = good.clone();
            int bit = random.nextInt(8 * bad.length);
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            refused += check(format, original, bad, "flip of bit " + bit);
        }
        for (int i = 0; i < RUNS; i++) {
            byte[] bad = good.clone();
            int at = random.nextInt(bad.length);
            byte[] garbage = new byte[1 + random.nextInt(16)];
            random.nextBytes(garbage);
            System.arraycopy(garbage, 0, bad, at, Math.min(garbage.length, bad.length - at));
            refused += check(format, original, bad, garbage.length + " random bytes at " + at);
        }
        for (int i = 0; i < CUTS; i++) {
            int length = random.nextInt(good.length);
            int before = refused;
            refused += check(format, original, Arrays.copyOf(good, length), "truncated to " + length + " bytes");
            assertEquals(before + 1, refused, format + " truncated to " + length + " bytes was read");
        }
        System.out.printf("%s: %d of %d damaged copies refused%n", format, refused, FLIPS + RUNS + CUTS);
        assertTrue(refused >= CUTS, "refused " + refused);
    }

    /** 1 when the reader refused the damaged bytes as it should, 0 when it read them acceptably. */
    private int check(Format format, Object original, byte[] bad, String damage) throws IOException {
        Path f = dir.resolve("damaged-" + format.fixture());
        Files.write(f, bad);
        try {
            Object read = format.reader().read(f);
            if (format.checksummed()) {
                assertEquals(List.copyOf(((Map<?, ?>) original).values()), List.copyOf(((Map<?, ?>) read).values()),
                        format + ", " + damage + ": read as different values");
            }
            return 0;
        } catch (ArrayFileException e) {
            assertTrue(e.getMessage().startsWith(f + ": "), format + ", " + damage + ": " + e.getMessage());
            assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), "unescaped control character: "
                    + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            fail(format + ", " + damage + ": " + e, e);
            return 0;
        }
    }
}
