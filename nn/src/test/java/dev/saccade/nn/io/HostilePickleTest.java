package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile pickles against the bounded unpickler, each generated here and read with the default {@link ReadLimits}:
 * the error is an {@link ArrayFileException} naming the file, and where the attack is about memory or time, the
 * budget that refuses it is the one named ({@link ArrayFileException#limit()}), raised before the claimed memory is
 * allocated. This class runs in a JVM with a small heap (see nn/pom.xml), so an attack that allocated what it
 * claims would fail with OutOfMemoryError instead.
 */
class HostilePickleTest {
    @TempDir Path dir;

    @Test
    void deepNestingIsRefusedByDepth() throws IOException {
        PickleBytes p = new PickleBytes().proto(2);
        int depth = 50_000; // lists inside lists: EMPTY_LIST × n, then APPEND × (n-1)
        for (int i = 0; i < depth; i++) {
            p.emptyList();
        }
        for (int i = 1; i < depth; i++) {
            p.op('a');
        }
        assertLimit(p.stop().bytes(), "maxDepth", "nest more than 100 levels");
        // tuples through MARK … TUPLE, and dicts through SETITEM
        PickleBytes t = new PickleBytes().proto(2);
        for (int i = 0; i < depth; i++) {
            t.mark();
        }
        for (int i = 0; i < depth; i++) {
            t.tuple();
        }
        assertLimit(t.stop().bytes(), "maxDepth", "nest more than");
        PickleBytes d = new PickleBytes().proto(2);
        for (int i = 0; i < depth; i++) {
            d.emptyDict().unicode("k");
        }
        d.none();
        for (int i = 0; i < depth; i++) {
            d.setitem();
        }
        assertLimit(d.stop().bytes(), "maxDepth", "nest more than");
    }

    @Test
    void nestingBuiltByMutatingMemoizedListsIsStillCaught() throws IOException {
        // 200 empty lists memoized, then list i+1 appended into list i: each APPEND saw an empty list, the result is
        // 200 deep
        PickleBytes p = new PickleBytes().proto(2);
        int n = 200;
        for (int i = 0; i < n; i++) {
            p.emptyList().op('r').u32(i).op('0');
        }
        for (int i = 0; i < n - 1; i++) {
            p.op('j').u32(i).op('j').u32(i + 1).op('a').op('0');
        }
        p.op('j').u32(0);
        assertLimit(p.stop().bytes(), "maxDepth", "nest more than 100");
    }

    @Test
    void aListThatHoldsItselfIsRefused() throws IOException {
        byte[] pickle = new PickleBytes().proto(2).emptyList().op('q').op(0).op('h').op(0).op('a').stop().bytes();
        assertLimit(pickle, "maxDepth", "contains itself");
    }

    @Test
    void billionLaughsThroughTheMemoIsRefused() throws IOException {
        // x0 = []; x(i+1) = (xi, xi): 64 objects that expand to 2^64 values
        PickleBytes p = new PickleBytes().proto(2).emptyList();
        for (int i = 0; i < 64; i++) {
            p.op('2').op(0x86);
        }
        assertLimit(p.stop().bytes(), "maxObjects", "once shared references are expanded");
    }

    @Test
    void describingABillionLaughsStructureStaysShort() throws IOException {
        // the structure above used as a callable: the error message describes it
        PickleBytes p = new PickleBytes().proto(2).emptyList();
        for (int i = 0; i < 64; i++) {
            p.op('2').op(0x86);
        }
        byte[] pickle = p.op(')').op('R').stop().bytes();
        ArrayFileException e = assertRefused(pickle, "not callable here");
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters: " + e.getMessage());
    }

    @Test
    void tooManyValuesAndMemoEntriesAreRefused() throws IOException {
        PickleBytes values = new PickleBytes().proto(2);
        for (long i = 0; i <= ReadLimits.DEFAULT.maxObjects(); i++) {
            values.none();
        }
        assertLimit(values.stop().bytes(), "maxObjects", "more than 2000000 values");

        PickleBytes memo = new PickleBytes().proto(2).none();
        for (int i = 0; i <= ReadLimits.DEFAULT.maxMemo(); i++) {
            memo.op('r').u32(i);
        }
        assertLimit(memo.stop().bytes(), "maxMemo", "memo entries");
    }

    @Test
    void hugeIntegersAreRefusedBeforeTheyAreParsed() throws IOException {
        // a text LONG of five million digits: refused after reading the first 4302 bytes of the line
        byte[] digits = new byte[5_000_000];
        java.util.Arrays.fill(digits, (byte) '7');
        byte[] text = new PickleBytes().op('L').raw(digits).ascii("L\n").stop().bytes();
        assertLimit(text, "maxIntegerDigits", "more than 4300 digits");
        assertLimit(new PickleBytes().op('I').raw(digits).ascii("\n").stop().bytes(), "maxIntegerDigits", "INT");
        // LONG4 claiming 2 GB in a ten-byte pickle
        assertLimit(new PickleBytes().proto(2).op(0x8b).u32(0x7fff_ffffL).stop().bytes(), "maxIntegerBytes",
                "2147483647 bytes");
    }

    @Test
    void hugeStringsAreRefusedBeforeAllocation() throws IOException {
        assertLimit(new PickleBytes().proto(4).op(0x8d).u64(1L << 62).stop().bytes(), "maxStringBytes",
                "BINUNICODE8 of 4611686018427387904 bytes");
        assertLimit(new PickleBytes().proto(4).op(0x8e).u64(-1L).stop().bytes(), "maxStringBytes",
                "BINBYTES8 of 18446744073709551615 bytes");
        assertLimit(new PickleBytes().proto(3).op('B').u32(0xffff_ffffL).stop().bytes(), "maxStringBytes",
                "BINBYTES of 4294967295 bytes");
        // within the limit but beyond the end of the pickle: truncation, still no allocation
        ArrayFileException e = assertRefused(new PickleBytes().proto(2).op('X').u32(1000).ascii("abc").bytes(),
                "BINUNICODE of 1000 bytes with only 3 left");
        assertNull(e.limit());
    }

    @Test
    void malformedNumbersAreNamedNotNumberFormatExceptions() throws IOException {
        assertRefused(new PickleBytes().op('I').ascii("12x\n").stop().bytes(), "malformed INT '12x'");
        assertRefused(new PickleBytes().op('L').ascii("--3L\n").stop().bytes(), "malformed LONG");
        assertRefused(new PickleBytes().op('F').ascii("1.2.3\n").stop().bytes(), "malformed FLOAT '1.2.3'");
        assertRefused(new PickleBytes().none().op('p').ascii("zero\n").stop().bytes(), "malformed memo index");
        assertRefused(new PickleBytes().op('g').ascii("99999999999999999999\n").stop().bytes(), "malformed memo index");
        assertRefused(new PickleBytes().op('g').ascii("7\n").stop().bytes(), "memo entry 7 is read before");
        assertRefused(new PickleBytes().op('S').ascii("'abc\\q'\n").stop().bytes(), "malformed STRING");
    }

    @Test
    void corruptStacksAreNamed() throws IOException {
        assertRefused(new PickleBytes().proto(2).op('a').stop().bytes(), "stack underflow");
        assertRefused(new PickleBytes().proto(2).op('1').stop().bytes(), "no MARK");
        assertRefused(new PickleBytes().proto(2).none().none().op('a').stop().bytes(), "which is not a list");
        assertRefused(new PickleBytes().proto(2).emptyList().none().none().setitem().stop().bytes(), "not a dict");
        assertRefused(new PickleBytes().proto(2).op(0xff).stop().bytes(), "unknown pickle opcode 0xff");
        assertRefused(new PickleBytes().proto(9).stop().bytes(), "unsupported pickle protocol 9");
        assertRefused(new PickleBytes().proto(2).emptyDict().bytes(), "without a STOP");
        assertRefused(new PickleBytes().proto(5).op(0x97).stop().bytes(), "out-of-band buffer");
    }

    @Test
    void keysThatAreCostlyToHashAreRefused() throws IOException {
        // a tuple as a dict key: hashing it walks its items (and a shared structure expands exponentially)
        PickleBytes tupleKey = new PickleBytes().proto(2).emptyDict().emptyList();
        for (int i = 0; i < 40; i++) {
            tupleKey.op('2').op(0x86);
        }
        assertRefused(tupleKey.none().setitem().stop().bytes(), "containers as keys are not accepted");
        // a list in a set
        assertRefused(new PickleBytes().proto(4).op(0x8f).mark().emptyList().op(0x90).stop().bytes(),
                "set member list of 0 is not a str");
        // keys of two types in one dict
        assertRefused(new PickleBytes().proto(2).emptyDict().unicode("a").none().setitem().integer(1).none()
                .setitem().stop().bytes(), "one key type per dict");
    }

    @Test
    void textFromTheFileIsEscapedInMessages() throws IOException {
        byte[] pickle = new PickleBytes().proto(2).global("os\u001b[2J\u001b]0;pwned\u0007", "system").stop().bytes();
        ArrayFileException e = assertRefused(pickle, "not allowed in a state dict");
        assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c == 0x7f), e.getMessage());
        assertTrue(e.getMessage().contains("os\\x1b[2J\\x1b]0;pwned\\x07.system"), e.getMessage());
    }

    @Test
    void stridesWhoseExtentOverflowsAreRefused() throws IOException {
        // 3 elements at stride 2^62: the extent 2·2^62 wraps to a negative index in 64-bit arithmetic
        assertStorageView(4, 0, new long[] {3}, new long[] {1L << 62}, "overflows 64 bits");
        // offset + extent overflow
        assertStorageView(4, Long.MAX_VALUE - 1, new long[] {2}, new long[] {2}, "overflows 64 bits");
        // element count overflow: (2^31-1)^3
        long big = Integer.MAX_VALUE;
        assertStorageView(4, 0, new long[] {big, big, big}, new long[] {0, 0, 0}, "element count overflows");
        assertStorageView(4, 0, new long[] {2, 2}, new long[] {-1, 1}, "negative stride");
        assertStorageView(4, -1, new long[] {2}, new long[] {1}, "negative storage offset");
        assertStorageView(4, 1, new long[] {2, 2}, new long[] {2, 1}, "reaches element 4 but the storage has 4");
    }

    @Test
    void aStrideZeroViewClaimingGigabytesIsRefusedByTheExpansionBudget() throws IOException {
        // one float viewed 400 million times: 1.6 GB from 4 bytes
        Path f = pth("expand.pth", new PickleBytes().proto(2).emptyDict().unicode("w")
                .tensor("0", 1, 0, new long[] {400_000_000}, new long[] {0}).setitem().stop().bytes(), 1);
        var e = assertThrows(ArrayFileException.class, () -> PthReader.load(f));
        assertEquals("maxViewExpansion", e.limit(), e.getMessage());
        // a modest stride-0 view (what torch.save keeps of an expanded tensor) still loads
        Path g = pth("small-expand.pth", new PickleBytes().proto(2).emptyDict().unicode("w")
                .tensor("0", 1, 0, new long[] {3, 2}, new long[] {0, 0}).setitem().stop().bytes(), 1);
        RawArray w = PthReader.readStateDict(g).get("w");
        assertEquals(List.of(7f, 7f, 7f, 7f, 7f, 7f), boxed(w.toFloats()));
    }

    @Test
    void storageIdsMustBeSane() throws IOException {
        byte[] negative = new PickleBytes().proto(2).tensor("0", -5, 0, new long[] {1}, new long[] {1}).stop().bytes();
        assertRefused(negative, "unsupported persistent id");
        byte[] huge = new PickleBytes().proto(2).tensor("0", 1L << 40, 0, new long[] {1}, new long[] {1}).stop()
                .bytes();
        assertRefused(huge, "larger than 2 GiB");
    }

    @Test
    void smallerLimitsAreHonouredAndNamed() throws IOException {
        PickleBytes p = new PickleBytes().proto(2).emptyList();
        for (int i = 0; i < 10; i++) {
            p.emptyList().op('a');
        }
        Path f = pth("ten.pth", p.stop().bytes(), 0);
        assertEquals(List.of(), ((List<?>) PthReader.load(f)).subList(0, 0)); // loads with the defaults
        var e = assertThrows(ArrayFileException.class, () -> PthReader.load(f, ReadLimits.DEFAULT.withMaxDepth(1)));
        assertEquals("maxDepth", e.limit());
        e = assertThrows(ArrayFileException.class, () -> PthReader.load(f, ReadLimits.DEFAULT.withMaxObjects(5)));
        assertEquals("maxObjects", e.limit());
        e = assertThrows(ArrayFileException.class, () -> PthReader.load(f, ReadLimits.DEFAULT.withMaxPickleBytes(8)));
        assertEquals("maxPickleBytes", e.limit());
        assertTrue(e.getMessage().contains("ten.pth: entry 'archive/data.pkl': declares"), e.getMessage());
    }

    // ---- helpers

    private void assertStorageView(int numel, long offset, long[] size, long[] stride, String fragment)
            throws IOException {
        byte[] pickle = new PickleBytes().proto(2).emptyDict().unicode("w").tensor("0", numel, offset, size, stride)
                .setitem().stop().bytes();
        assertRefused(pickle, fragment, numel);
    }

    private ArrayFileException assertRefused(byte[] pickle, String fragment) throws IOException {
        return assertRefused(pickle, fragment, 0);
    }

    private ArrayFileException assertRefused(byte[] pickle, String fragment, int floats) throws IOException {
        Path f = pth("hostile.pth", pickle, floats);
        var e = assertThrows(ArrayFileException.class, () -> PthReader.load(f));
        assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains(fragment), e.getMessage());
        assertEquals(f, e.file());
        return e;
    }

    private void assertLimit(byte[] pickle, String limit, String fragment) throws IOException {
        ArrayFileException e = assertRefused(pickle, fragment);
        assertEquals(limit, e.limit(), e.getMessage());
        assertTrue(e.getMessage().contains("(limit " + limit + " = "), e.getMessage());
    }

    /** A .pth holding {@code pickle} and, when {@code floats} > 0, storage "0" of that many F32 sevens. */
    private Path pth(String name, byte[] pickle, int floats) throws IOException {
        TestZip zip = new TestZip().stored("archive/data.pkl", pickle);
        if (floats > 0) {
            ByteBuffer b = ByteBuffer.allocate(4 * floats).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < floats; i++) {
                b.putFloat(7f);
            }
            zip.stored("archive/data/0", b.array());
        }
        return zip.stored("archive/version", "3\n".getBytes()).write(dir.resolve(name));
    }

    private static List<Float> boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return List.of(out);
    }
}
